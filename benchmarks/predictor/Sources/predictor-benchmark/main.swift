import Foundation
import HAOPredictor
import HAOSupport

// Usage: predictor-benchmark [path/to/acc_predictor_mlp.json]
// Measures single-thread predictions per second on 20,000 random points of the default space
// (best of 3 runs), for the shipped kernel model and, if given, the dense MLP teacher.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let space = try SearchSpace(contentsOf: root.appendingPathComponent("Models/spaces/ofa-mbv3-w4w8.json"))
var rng = SplitMix64(seed: 1)
let points = (0..<20_000).map { _ in space.sample(using: &rng) }

func measure(_ label: String, _ predictor: AccuracyPredictor) {
    var best = Double.infinity
    var checksum = 0.0
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        for p in points { checksum += predictor.predict(p).top1 }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = min(best, seconds)
    }
    print(
        String(
            format: "%@: %.0f predictions/s (%.1f us each; checksum %.3f)", label,
            Double(points.count) / best, best / Double(points.count) * 1e6, checksum))
}

measure(
    "kernel model (shipped)", try AccuracyPredictor(contentsOf: root.appendingPathComponent("Models/predictors/ofa-mbv3-w4w8-kernel.json")))
if CommandLine.arguments.count > 1 {
    measure("dense MLP teacher", try AccuracyPredictor(contentsOf: URL(fileURLWithPath: CommandLine.arguments[1])))
}
