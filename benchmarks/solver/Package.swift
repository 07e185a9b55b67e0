// swift-tools-version:6.0
// The benchmark harness (`hao-bench`): solve times of the accelerator program (GLPK vs native),
// growth on synthetic instances, the formulation study, and MPS export for peer solvers.
// A separate package so the product's Package.swift stays light; run everything with
// benchmarks/run.sh (which builds this in release mode).
import PackageDescription

let package = Package(
    name: "HAOBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "HAO", path: "../..")],
    targets: [
        .executableTarget(
            name: "hao-bench",
            dependencies: [
                .product(name: "HAOHardware", package: "HAO"),
                .product(name: "HAONetwork", package: "HAO"),
                .product(name: "HAOPredictor", package: "HAO"),
                .product(name: "HAOSolver", package: "HAO"),
                .product(name: "HAOSupport", package: "HAO"),
            ])
    ]
)
