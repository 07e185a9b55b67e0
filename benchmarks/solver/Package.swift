// swift-tools-version:6.0
// Solve-time benchmark of the accelerator program: GLPK vs the native exact solver.
// Separate package so the product's Package.swift stays untouched; run with ./run.sh.
import PackageDescription

let package = Package(
    name: "SolverBenchmark",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "HAO", path: "../..")],
    targets: [
        .executableTarget(name: "SolverBenchmark", dependencies: [
            .product(name: "HAOHardware", package: "HAO"),
            .product(name: "HAONetwork", package: "HAO"),
            .product(name: "HAOSolver", package: "HAO"),
        ]),
    ]
)
