// swift-tools-version:6.0
// Predictions-per-second harness for the accuracy predictors. A separate package so that
// it builds in release mode without touching the main package:
//   cd benchmarks/predictor && swift build -c release && .build/release/predictor-benchmark [MLP.json]
import PackageDescription

let package = Package(
    name: "PredictorBenchmark",
    // Named explicitly: a path dependency's default identity is its folder name ("main" in one
    // checkout, anything in a clone), so `package:` below would break in a differently named clone.
    // check-clone-build.sh builds from such a clone.
    dependencies: [.package(name: "HAO", path: "../..")],
    targets: [
        .executableTarget(
            name: "predictor-benchmark",
            dependencies: [.product(name: "HAOPredictor", package: "HAO"), .product(name: "HAOSupport", package: "HAO")])
    ]
)
