// swift-tools-version:6.0
// HAO in Swift -- hardware-aware neural architecture optimisation for FPGAs.
// Licensed GPL-3.0-or-later (GLPK, which this package links, is GPL-3.0).
import PackageDescription

let package = Package(
    name: "HAO",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "HAOSolver", targets: ["HAOSolver"]),
        .library(name: "HAONetwork", targets: ["HAONetwork"]),
        .library(name: "HAOHardware", targets: ["HAOHardware"]),
        .library(name: "HAOPredictor", targets: ["HAOPredictor"]),
        .library(name: "HAOSearch", targets: ["HAOSearch"]),
        .library(name: "HAOInterchange", targets: ["HAOInterchange"]),
        .executable(name: "hao", targets: ["hao"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        // Mixed-integer model, solver protocol, GLPK backend, LP/MPS files.
        .target(name: "HAOSolver", dependencies: ["CGLPK", "CGLPKGuard"]),
        // The network format (MBConv family), validation, MAC/parameter counts.
        .target(name: "HAONetwork"),
        // Devices, the subgraph-engine cost model, the accelerator integer program
        // and its native exact solver.
        .target(name: "HAOHardware", dependencies: ["HAONetwork", "HAOSolver"]),
        // The search space, its encoding and the accuracy predictors.
        .target(name: "HAOPredictor", dependencies: ["HAONetwork"]),
        // The evolutionary co-design search.
        .target(name: "HAOSearch", dependencies: ["HAOPredictor", "HAOHardware"]),
        // Interchange with the field's tools: ONNX import and export, timm arch_def and
        // once-for-all subnet configurations. onnx.pb.swift is generated once from
        // third_party/onnx (scripts/generate-onnx-swift.sh) and committed.
        .target(
            name: "HAOInterchange",
            dependencies: ["HAONetwork", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .executableTarget(
            name: "hao",
            dependencies: [
                "HAOSolver", "HAONetwork", "HAOHardware", "HAOPredictor", "HAOSearch", "HAOInterchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HAOSolverTests", dependencies: ["HAOSolver"]),
        .testTarget(name: "HAONetworkTests", dependencies: ["HAONetwork"]),
        .testTarget(name: "HAOHardwareTests", dependencies: ["HAOHardware"]),
        .testTarget(name: "HAOPredictorTests", dependencies: ["HAOPredictor"]),
        .testTarget(name: "HAOSearchTests", dependencies: ["HAOSearch"]),
        .testTarget(name: "HAOInterchangeTests", dependencies: ["HAOInterchange"], exclude: ["Fixtures"]),
        .testTarget(name: "HAOCLITests", dependencies: ["hao"]),
    ]
)
