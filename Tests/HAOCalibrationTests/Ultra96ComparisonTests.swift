import Foundation
import HAOHardware
import HAONetwork
import HAOTestSupport
import Testing

@testable import HAOCalibration

/// The subgraph model against 124 blocks and layers measured on an Ultra96 (ZU3EG) with the
/// vendor's int8 DPU B2304 at 200 MHz (../shared/data/ultra96_ofa_blocks.csv), each timed as its
/// own program, every one evaluated on the configuration the optimiser builds for MobileNetV3-Large
/// at 8 bits (one fixed accelerator, as the DPU is one fixed overlay). docs/cost-model.md reports
/// the figures; the bounds sit just below them, so a change of the model that loses accuracy fails.
/// The parameters scripts/calibrate-profiles fits for the shipped profile (every program has one
/// stage, so the per-stage overhead is not fitted beside the launch).
private let shippedFit = [
    "ddr_efficiency", "launch_overhead_us", "layer_overhead_us", "efficiency_pointwise", "efficiency_depthwise_k3",
    "efficiency_depthwise_k5", "efficiency_depthwise_k7", "efficiency_fc", "efficiency_se", "se_gate_cycles_per_element",
]

@Test func ultra96BlockLatencies() throws {
    guard TestPaths.hasSharedData("ultra96_ofa_blocks.csv") else {
        print("skipping the Ultra96 comparison: \(TestPaths.sharedDataFile("ultra96_ofa_blocks.csv").path) is absent")
        return
    }
    let device = try DeviceCatalogue.load(models: TestPaths.models).device(named: "zu3eg")
    let target = SubgraphTarget(device: device)
    let reference = try #require(try TestPaths.shippedNetworks().first { $0.name == "MobileNetV3-Large 1.0" })
    let request = CalibrationRequest(
        files: [TestPaths.sharedDataFile("ultra96_ofa_blocks.csv")], settings: CalibrationSettings(folds: 10, free: shippedFit, threads: 2),
        configurationOf: reference, name: "ultra96")
    let report = try CalibrationJob.run(request, on: target)
    let o = report.outcome
    #expect(o.measurements.count == 124)
    print("Ultra96: uncalibrated \(o.uncalibratedFigures), calibrated CV \(o.crossValidation), MACs CV \(o.macsBaseline)")
    // Uncalibrated (the ideal pipeline): Spearman 0.617; MACs alone rank these blocks at 0.751.
    #expect(o.uncalibratedFigures.spearman >= 0.60)
    // Calibrated, 10-fold cross-validated: Spearman 0.837, median error 14.7%, MAPE 18.0%.
    #expect(o.crossValidation.spearman >= 0.82)
    #expect(o.crossValidation.medianAbsolutePercentageError <= 16)
    #expect(o.crossValidation.meanAbsolutePercentageError <= 19.5)
    // And it beats MACs alone fitted the same way on every figure.
    #expect(o.crossValidation.spearman > o.macsBaseline.spearman + 0.05)
    #expect(o.crossValidation.meanAbsolutePercentageError < o.macsBaseline.meanAbsolutePercentageError - 5)
    // Every fitted value is inside its physical range (profiles are checked on load too).
    _ = try report.profile.values(for: SubgraphTarget.calibrationParameters)
}
