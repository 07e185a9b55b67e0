import Foundation
import HAOSupport

/// The model file shell, validation metrics and fingerprints the trainer writes.
extension PredictorTrainer {
    static func shell(surrogate: KernelModelFile.Surrogate?, calibration: KernelModelFile.Calibration? = nil) -> KernelModelFile {
        KernelModelFile(
            format: KernelModelFile.formatName, name: "", description: "", encoding: "", normalisation: "",
            surrogate: surrogate,
            calibration: calibration
                ?? .init(
                    intercept: 0, slope: 1, meanCovariance: [[0, 0], [0, 0]], signalVariance: 0,
                    lengthScaleSquared: 1, noiseVariance: 0, resolutionScale: 1,
                    points: [], alpha: [], inverseCovariance: []),
            quantization: .none,
            training: .init(
                tool: "", seed: 0, data: [], teacherSamples: 0, supportPoints: 0, holdoutSamples: 0,
                realNetworks: 0, selection: ""),
            validation: [])
    }

    static func metric(name: String, predicted: [Double], actual: [Double], note: String?) -> KernelModelFile.Metric {
        let errors = zip(predicted, actual).map { abs($0 - $1) }
        return .init(
            name: name, count: errors.count, mae: errors.reduce(0, +) / Double(max(errors.count, 1)),
            maxError: errors.max() ?? 0, kendallTau: kendallTau(predicted, actual), note: note)
    }

    /// Kendall's tau-b over the common length of `a` and `b`; nil when it is undefined (fewer
    /// than two pairs, or no pair ordered in either sample).
    public static func kendallTau(_ a: [Double], _ b: [Double]) -> Double? {
        let n = min(a.count, b.count)
        let tau = RankCorrelation.kendall(Array(a.prefix(n)), Array(b.prefix(n)))
        return tau.isFinite ? tau : nil
    }

    /// 64-bit FNV-1a of the bytes, to record which data file version trained a model.
    static func fnv1a64(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(format: "%016llx", h)
    }
}
