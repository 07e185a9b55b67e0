// swift-tools-version:6.0
// Predictions-per-second harness for the accuracy predictors. A separate package so that
// it builds in release mode without touching the main package:
//   cd benchmarks/predictor && swift build -c release && .build/release/predictor-benchmark [MLP.json]
import PackageDescription

let package = Package(
    name: "PredictorBenchmark",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(name: "predictor-benchmark",
                          dependencies: [.product(name: "HAOPredictor", package: "main")]),
    ]
)
