import Foundation
import HAOHardware
import HAOSupport

extension CalibrationReport {
    /// Measurements whose out-of-fold prediction is furthest off (by |log ratio|), worst first.
    public func worst(_ count: Int) -> [Int] {
        let o = outcome
        return o.measurements.indices.sorted {
            abs(log(o.crossValidated[$0] / o.measurements[$0].latencyMs)) > abs(log(o.crossValidated[$1] / o.measurements[$1].latencyMs))
        }.prefix(count).map { $0 }
    }

    /// The terminal report: parameters, figures beside the uncalibrated and MACs-only models, worst errors.
    public func text() -> String {
        let o = outcome
        var lines: [String] = []
        let groups = Set(o.measurements.map(\.group)).count
        lines.append(
            "Calibrated the \(profile.target) target on \(profile.device) with \(o.measurements.count) measurements (\(groups) distinct workloads) from \(profile.measurementFiles.joined(separator: ", "))."
        )
        if !unmeasured.isEmpty {
            let shown = unmeasured.prefix(5).map { "\(URL(fileURLWithPath: $0.file).lastPathComponent):\($0.line)" }.joined(separator: ", ")
            lines.append("Left out \(unmeasured.count) row(s) without a measured latency: \(shown)\(unmeasured.count > 5 ? ", ..." : "").")
        }
        if let evaluatedOn = profile.evaluatedOn { lines.append("Evaluated: \(evaluatedOn).") }
        lines.append("")
        let rows = o.parameters.indices.map { i -> [String] in
            let p = o.parameters[i]
            let fitted = o.free.contains(p.name)
            let range =
                fitted && !o.foldValues.isEmpty
                ? "\(number(o.foldValues.map { $0[i] }.min()!))-\(number(o.foldValues.map { $0[i] }.max()!))" : "-"
            return [
                p.name, number(p.defaultValue), "\(number(p.lowerBound))..\(number(p.upperBound))",
                fitted ? number(o.values[i]) : "(default)", range, p.unit,
            ]
        }
        lines.append(textTable(["parameter", "default", "bounds", "fitted", "fold range", "unit"], rows, rightAligned: [1, 3]))
        lines.append("")
        func row(_ name: String, _ f: CalibrationFigures) -> [String] {
            [
                name, fixedPoint(f.spearman, 3), fixedPoint(f.kendall, 3), fixedPoint(f.meanAbsolutePercentageError, 1),
                fixedPoint(f.medianAbsolutePercentageError, 1), fixedPoint(f.maxAbsolutePercentageError, 1),
            ]
        }
        let k = o.crossValidation.folds
        lines.append(
            textTable(
                ["model", "Spearman", "Kendall", "MAPE %", "median %", "max %"],
                [
                    row("uncalibrated (defaults)", o.uncalibratedFigures),
                    row("calibrated, in sample", o.inSampleFigures),
                    row("calibrated, \(k)-fold CV", o.crossValidation),
                    row("MACs only, \(k)-fold CV", o.macsBaseline),
                ], rightAligned: [1, 2, 3, 4, 5]))
        let foldMAPE = o.foldFigures.map(\.meanAbsolutePercentageError)
        if let lo = foldMAPE.min(), let hi = foldMAPE.max() {
            lines.append(
                "Fold MAPE \(fixedPoint(lo, 1))-\(fixedPoint(hi, 1))%. MACs-only model on all data: \(fixedPoint(o.macsModel.interceptMs, 3)) ms + \(fixedPoint(o.macsModel.msPerGMAC, 2)) ms/GMAC."
            )
        }
        if !o.atBounds.isEmpty {
            lines.append(
                "Warning: fitted at the edge of the physical range, a sign the model's form is off: \(o.atBounds.map { "\($0.name) (\($0.bound) bound)" }.joined(separator: ", "))."
            )
        }
        lines.append("")
        lines.append("Largest cross-validated errors:")
        for i in worst(5) {
            let m = o.measurements[i]
            let location = "\(URL(fileURLWithPath: m.file).lastPathComponent)\(m.line.map { ":\($0)" } ?? "")"
            lines.append(
                "  \(m.label) (\(location)): measured \(fixedPoint(m.latencyMs, 3)) ms, predicted \(fixedPoint(o.crossValidated[i], 3)) ms (\(signedPercent(o.crossValidated[i] / m.latencyMs - 1)))"
            )
        }
        return lines.joined(separator: "\n")
    }

    func number(_ x: Double) -> String {
        if x == 0 { return "0" }
        if abs(x) >= 1000 || abs(x) < 0.001 { return String(format: "%.3g", x) }
        return String(format: "%.4g", x)
    }

    func signedPercent(_ x: Double) -> String { (x >= 0 ? "+" : "") + fixedPoint(100 * x, 1) + "%" }
}

/// The `--json` form of a calibration.
public struct CalibrationDocument: Encodable, Sendable {
    struct Parameter: Encodable, Sendable {
        var name: String, unit: String, summary: String, source: String
        var defaultValue: Double, lowerBound: Double, upperBound: Double
        var fitted: Double?
        var foldRange: [Double]?
        enum CodingKeys: String, CodingKey {
            case name, unit, summary, source, fitted
            case defaultValue = "default"
            case lowerBound = "lower_bound"
            case upperBound = "upper_bound"
            case foldRange = "fold_range"
        }
    }
    struct Row: Encodable, Sendable {
        var label: String, file: String, line: Int?, group: String, fold: Int, macs: Int
        var measuredMs: Double, uncalibratedMs: Double, inSampleMs: Double, crossValidatedMs: Double, macsCrossValidatedMs: Double
        enum CodingKeys: String, CodingKey {
            case label, file, line, group, fold, macs
            case measuredMs = "measured_ms"
            case uncalibratedMs = "uncalibrated_ms"
            case inSampleMs = "in_sample_ms"
            case crossValidatedMs = "cross_validated_ms"
            case macsCrossValidatedMs = "macs_cross_validated_ms"
        }
    }
    var profile: CalibrationProfile
    var parameters: [Parameter]
    var uncalibrated: CalibrationFigures
    var inSample: CalibrationFigures
    var crossValidation: CalibrationFigures
    var macsBaseline: CalibrationFigures
    var rows: [Row]
    var unmeasuredLines: [String]
    enum CodingKeys: String, CodingKey {
        case profile, parameters, uncalibrated, rows
        case inSample = "in_sample"
        case crossValidation = "cross_validation"
        case macsBaseline = "macs_baseline"
        case unmeasuredLines = "unmeasured_lines"
    }

    /// The document of `report`.
    public init(_ report: CalibrationReport) {
        let o = report.outcome
        profile = report.profile
        parameters = o.parameters.indices.map { i in
            let p = o.parameters[i]
            let fitted = o.free.contains(p.name)
            let values = o.foldValues.map { $0[i] }
            return Parameter(
                name: p.name, unit: p.unit, summary: p.summary, source: p.source, defaultValue: p.defaultValue,
                lowerBound: p.lowerBound, upperBound: p.upperBound, fitted: fitted ? o.values[i] : nil,
                foldRange: fitted && !values.isEmpty ? [values.min()!, values.max()!] : nil)
        }
        uncalibrated = o.uncalibratedFigures
        inSample = o.inSampleFigures
        crossValidation = o.crossValidation
        macsBaseline = o.macsBaseline
        rows = o.measurements.indices.map { i in
            let m = o.measurements[i]
            return Row(
                label: m.label, file: m.file, line: m.line, group: m.group, fold: o.folds[i], macs: m.macs, measuredMs: m.latencyMs,
                uncalibratedMs: o.uncalibrated[i], inSampleMs: o.inSample[i], crossValidatedMs: o.crossValidated[i],
                macsCrossValidatedMs: o.macsCrossValidated[i])
        }
        unmeasuredLines = report.unmeasured.map { "\($0.file):\($0.line)" }
    }
}
