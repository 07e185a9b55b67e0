// swift-tools-version:6.1
// HAO in Swift -- hardware-aware neural architecture optimisation for FPGAs.
// Licensed GPL-3.0-or-later (GLPK, which this package links, is GPL-3.0).
//
// Modules, in dependency order (each depends only on modules above it):
//   CGLPK, CGLPKGuard   GLPK and the C error guard around it
//   HAOSupport          random numbers, JSON files, durations, text tables, the Models folder
//   HAOSolver           linear models, MILP solvers (GLPK), exact-solver backends and their composition
//   HAONetwork          the network format, validation, MAC and parameter counts
//   HAOHardware         devices, the hardware-target protocol and its targets (Targets/<name>/)
//   HAOCalibration      measured latencies, fitting a target's latency parameters, batch latency tables
//   HAOPredictor        the search space and the accuracy predictors
//   HAOInterchange      ONNX import and export, timm arch_def and once-for-all configurations
//   HAOEvolution        generic NSGA-II, Pareto archive, checkpoints
//   HAOCoDesign         the co-design search: candidates scored by predictor and target, sessions, reports
//   hao                 the command line
import PackageDescription

let package = Package(
    name: "HAO",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HAOSupport", targets: ["HAOSupport"]),
        .library(name: "HAOSolver", targets: ["HAOSolver"]),
        .library(name: "HAONetwork", targets: ["HAONetwork"]),
        .library(name: "HAOHardware", targets: ["HAOHardware"]),
        .library(name: "HAOCalibration", targets: ["HAOCalibration"]),
        .library(name: "HAOPredictor", targets: ["HAOPredictor"]),
        .library(name: "HAOEvolution", targets: ["HAOEvolution"]),
        .library(name: "HAOCoDesign", targets: ["HAOCoDesign"]),
        .library(name: "HAOInterchange", targets: ["HAOInterchange"]),
        .executable(name: "hao", targets: ["hao"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-1 (cross-validation folds) and SHA-256 (measurement fingerprints).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // GLPK 5 as installed by Debian's libglpk-dev (no pkg-config file exists).
        .systemLibrary(
            name: "CGLPK",
            path: "Sources/CGLPK",
            providers: [.apt(["libglpk-dev"]), .brew(["glpk"])]
        ),
        // The few things Swift cannot do safely: GLPK's error hook longjmps, so the
        // setjmp frame and the hook live in C; per-thread output capture lives here too.
        .target(name: "CGLPKGuard", dependencies: ["CGLPK"], linkerSettings: [.linkedLibrary("glpk")]),
        .target(name: "HAOSupport"),
        .target(name: "HAOSolver", dependencies: ["CGLPK", "CGLPKGuard", "HAOSupport"]),
        .target(name: "HAONetwork", dependencies: ["HAOSupport"]),
        .target(name: "HAOHardware", dependencies: ["HAONetwork", "HAOSolver", "HAOSupport"]),
        .target(
            name: "HAOCalibration",
            dependencies: [
                "HAOHardware", "HAONetwork", "HAOSupport", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(name: "HAOPredictor", dependencies: ["HAONetwork", "HAOSupport"]),
        // onnx.pb.swift is generated once from third_party/onnx (scripts/generate-onnx-swift.sh) and committed.
        .target(
            name: "HAOInterchange", dependencies: ["HAONetwork", "HAOSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "HAOEvolution", dependencies: ["HAOSupport"]),
        .target(name: "HAOCoDesign", dependencies: ["HAOEvolution", "HAOPredictor", "HAOHardware", "HAOInterchange", "HAOSupport"]),
        .executableTarget(
            name: "hao",
            dependencies: [
                "HAOSupport", "HAOSolver", "HAONetwork", "HAOHardware", "HAOCalibration", "HAOPredictor", "HAOEvolution", "HAOCoDesign",
                "HAOInterchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fixtures shared by the test targets: the package root, Models/, the shared data folder.
        .target(name: "HAOTestSupport", dependencies: ["HAOSupport", "HAONetwork"], path: "Tests/HAOTestSupport"),
        .testTarget(name: "HAOSupportTests", dependencies: ["HAOSupport", "HAOTestSupport"]),
        .testTarget(name: "HAOSolverTests", dependencies: ["HAOSolver", "HAOTestSupport"]),
        .testTarget(name: "HAONetworkTests", dependencies: ["HAONetwork", "HAOTestSupport"]),
        .testTarget(name: "HAOHardwareTests", dependencies: ["HAOHardware", "HAOCalibration", "HAOTestSupport"]),
        .testTarget(name: "HAOCalibrationTests", dependencies: ["HAOCalibration", "HAOTestSupport"]),
        .testTarget(name: "HAOPredictorTests", dependencies: ["HAOPredictor", "HAOTestSupport"]),
        .testTarget(name: "HAOEvolutionTests", dependencies: ["HAOEvolution", "HAOTestSupport"]),
        .testTarget(name: "HAOCoDesignTests", dependencies: ["HAOCoDesign", "HAOTestSupport"]),
        .testTarget(name: "HAOInterchangeTests", dependencies: ["HAOInterchange", "HAOTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "HAOCLITests", dependencies: ["hao", "HAOTestSupport"]),
    ]
)
