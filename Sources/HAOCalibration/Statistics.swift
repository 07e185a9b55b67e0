import Foundation
import HAOHardware
import HAOSupport

/// Rank correlations and error figures of predicted against measured latencies.
public enum LatencyStatistics {
    /// Ranks from 1, ties sharing their average rank (see ``RankCorrelation/ranks(_:)``).
    public static func ranks(_ values: [Double]) -> [Double] { RankCorrelation.ranks(values) }

    /// Pearson correlation (nan for fewer than two values or no spread).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double { RankCorrelation.pearson(x, y) }

    /// Spearman rank correlation: Pearson's on ranks with ties averaged.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double { RankCorrelation.spearman(x, y) }

    /// Kendall's tau-b (ties in either variable accounted for).
    public static func kendall(_ x: [Double], _ y: [Double]) -> Double { RankCorrelation.kendall(x, y) }

    /// The median of `values` (nan when empty).
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// The figures of `predicted` against `measured`, in percent for the errors.
    public static func figures(predicted: [Double], measured: [Double], folds: Int) -> CalibrationFigures {
        let ape = zip(predicted, measured).map { abs($0 / $1 - 1) * 100 }
        return CalibrationFigures(
            folds: folds, count: measured.count, spearman: spearman(predicted, measured),
            kendall: kendall(predicted, measured),
            meanAbsolutePercentageError: ape.isEmpty ? .nan : ape.reduce(0, +) / Double(ape.count),
            medianAbsolutePercentageError: median(ape), maxAbsolutePercentageError: ape.max() ?? .nan)
    }
}
