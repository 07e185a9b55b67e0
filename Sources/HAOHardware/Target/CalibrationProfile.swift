import Foundation
import HAOSupport

/// Cross-validated error figures of a latency model on measured data.
public struct CalibrationFigures: Sendable, Hashable, Codable {
    /// Folds of the cross-validation.
    public var folds: Int
    /// Measurements evaluated.
    public var count: Int
    /// Spearman rank correlation of predicted and measured latency.
    public var spearman: Double
    /// Kendall rank correlation.
    public var kendall: Double
    /// Mean absolute percentage error.
    public var meanAbsolutePercentageError: Double
    /// Median absolute percentage error.
    public var medianAbsolutePercentageError: Double
    /// Largest absolute percentage error.
    public var maxAbsolutePercentageError: Double

    /// Figures of one evaluation.
    public init(
        folds: Int, count: Int, spearman: Double, kendall: Double, meanAbsolutePercentageError: Double,
        medianAbsolutePercentageError: Double, maxAbsolutePercentageError: Double
    ) {
        self.folds = folds
        self.count = count
        self.spearman = spearman
        self.kendall = kendall
        self.meanAbsolutePercentageError = meanAbsolutePercentageError
        self.medianAbsolutePercentageError = medianAbsolutePercentageError
        self.maxAbsolutePercentageError = maxAbsolutePercentageError
    }
}

/// Fitted parameter values of one target's latency model, with where they come from and how well
/// they predict held-out measurements. Produced by `hao calibrate`; read by every command that
/// takes `--calibration`.
public struct CalibrationProfile: Sendable, Hashable, Codable {
    /// The file format's name and version.
    public static let formatName = "hao-calibration-v1"

    /// Always ``formatName``.
    public var format: String
    /// A short name for reports, e.g. "zcu102-b4096-anb".
    public var name: String
    /// The target the parameters belong to.
    public var target: TargetID
    /// The device part the measurements were taken on.
    public var device: String
    /// Fitted values by parameter name; parameters not listed keep their defaults.
    public var parameters: [String: Double]
    /// The measurement files (names) and a fingerprint of their contents (SHA-256, hex).
    public var measurementFiles: [String]
    /// SHA-256 (hex) of the measurement files' contents, to tell whether a profile was fitted on given data.
    public var measurementFingerprint: String
    /// Cross-validated figures of the fitted model, and of a MACs-only model fitted the same way.
    public var crossValidation: CalibrationFigures?
    /// Cross-validated figures of the MACs-only model, the baseline the fitted model must beat; nil when not recorded.
    public var macsBaseline: CalibrationFigures?
    /// Anything a user should know (e.g. what the measurements include).
    public var notes: [String]
    /// How each measurement was mapped to a hardware configuration of the target (e.g. "each
    /// workload on its own optimal configuration"); nil in profiles written before this field.
    public var evaluatedOn: String?
    /// The figures of each cross-validation fold, and the parameters fitted on each fold's
    /// training part (how stable the fit is); nil when not recorded.
    public var foldFigures: [CalibrationFigures]?
    /// The parameters fitted on each fold's training part, by name, one dictionary per fold; nil when not recorded.
    public var foldParameters: [[String: Double]]?
    /// The command that produced the profile, to reproduce it.
    public var command: String?
    /// When every measurement was evaluated on one configuration (fixed hardware), that
    /// configuration in the target's JSON format: latency tables built with the profile use it by
    /// default, so they predict what was validated.
    public var fixedConfiguration: String?

    /// A profile.
    public init(
        name: String, target: TargetID, device: String, parameters: [String: Double], measurementFiles: [String],
        measurementFingerprint: String, crossValidation: CalibrationFigures?, macsBaseline: CalibrationFigures?, notes: [String] = []
    ) {
        format = Self.formatName
        self.name = name
        self.target = target
        self.device = device
        self.parameters = parameters
        self.measurementFiles = measurementFiles
        self.measurementFingerprint = measurementFingerprint
        self.crossValidation = crossValidation
        self.macsBaseline = macsBaseline
        self.notes = notes
    }

    /// The values of `parameters` in their order: the profile's where it has one, the default otherwise.
    /// Throws when the profile names a parameter the target does not have, or a value outside its
    /// physical range (a profile is a user-editable file).
    public func values(for parameters: [CalibrationParameter]) throws(HardwareError) -> [Double] {
        let known = Set(parameters.map(\.name))
        if let unknown = self.parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidOption(
                "calibration profile \(name): '\(unknown)' is not a parameter of the \(target) target (known: \(parameters.map(\.name).joined(separator: ", ")))"
            )
        }
        return try parameters.map { p throws(HardwareError) -> Double in
            guard let value = self.parameters[p.name] else { return p.defaultValue }
            guard value.isFinite, value >= p.lowerBound, value <= p.upperBound else {
                throw .invalidOption(
                    "calibration profile \(name): \(p.name) = \(value) is outside its physical range \(p.lowerBound)...\(p.upperBound) \(p.unit)"
                )
            }
            return value
        }
    }

    /// One line for reports: the profile's name, target, device and cross-validated error.
    public var summary: String {
        var text = "calibrated: profile \(name) (\(target) on \(device)"
        if let cv = crossValidation {
            text += String(
                format: ", %d-fold CV on %d measurements: MAPE %.1f%%, median %.1f%%, Spearman %.3f", cv.folds, cv.count,
                cv.meanAbsolutePercentageError, cv.medianAbsolutePercentageError, cv.spearman)
        }
        if let macs = macsBaseline {
            text += String(format: "; MACs alone: MAPE %.1f%%, Spearman %.3f", macs.meanAbsolutePercentageError, macs.spearman)
        }
        return text + ")"
    }

    /// What is out of range in a profile read from a file, or nil: every parameter value finite
    /// (their physical ranges are the target's, checked by ``values(for:)``), and the error
    /// figures what such figures can be.
    public var problem: String? {
        if let (name, value) = parameters.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isFinite }) {
            return "parameters.\(name) = \(value) is not a finite number"
        }
        for (label, figures) in [("cross_validation", crossValidation), ("macs_baseline", macsBaseline)] {
            guard let f = figures else { continue }
            if f.folds < 1 || f.count < 0 { return "\(label): folds \(f.folds) and count \(f.count) must be at least 1 and 0" }
            for (name, value) in [("spearman", f.spearman), ("kendall", f.kendall)] where !(value.isFinite && (-1...1).contains(value)) {
                return "\(label).\(name) = \(value) is not a rank correlation (-1...1)"
            }
            for (name, value) in [
                ("mean", f.meanAbsolutePercentageError), ("median", f.medianAbsolutePercentageError),
                ("max", f.maxAbsolutePercentageError),
            ] where !(value.isFinite && value >= 0) {
                return "\(label): the \(name) absolute percentage error \(value) is not a finite number >= 0"
            }
        }
        return nil
    }

    /// Reads a profile file.
    public static func load(contentsOf url: URL) throws(HardwareError) -> CalibrationProfile {
        let profile: CalibrationProfile
        do { profile = try JSONFile.load(CalibrationProfile.self, from: url) } catch {
            throw .invalidOption("calibration profile: \(error)")
        }
        guard profile.format == formatName else {
            throw .invalidOption("calibration profile '\(url.path)': format '\(profile.format)', expected '\(formatName)'")
        }
        if let problem = profile.problem {
            throw .invalidOption("calibration profile '\(url.path)': \(problem)")
        }
        return profile
    }
}

/// Which latency model produced a report's figures: a calibration profile, with its
/// cross-validated error, or a target's uncalibrated constants. Every report and frontier.json
/// carries one, so a latency is never read without knowing what it claims.
public struct LatencyModelDescription: Sendable, Hashable, Codable {
    /// Whether the figures come from a calibration profile.
    public var calibrated: Bool
    /// The profile's name (nil when uncalibrated).
    public var profile: String?
    /// One line: the profile and its error, or what the uncalibrated model is.
    public var summary: String
    /// The profile's cross-validated figures and those of a MACs-only model fitted the same way.
    public var crossValidation: CalibrationFigures?
    /// The MACs-only model's cross-validated figures; nil when uncalibrated or not recorded.
    public var macsBaseline: CalibrationFigures?
    /// The fingerprint of the measurements the profile was fitted on.
    public var measurementFingerprint: String?

    /// The description of `profile`, or of the uncalibrated model `uncalibrated` describes.
    public init(profile: CalibrationProfile?, uncalibrated: String) {
        calibrated = profile != nil
        self.profile = profile?.name
        summary = profile?.summary ?? uncalibrated
        crossValidation = profile?.crossValidation
        macsBaseline = profile?.macsBaseline
        measurementFingerprint = profile?.measurementFingerprint
    }
}

extension HardwareTarget {
    /// The latency model this target's figures come from.
    public var latencyModel: LatencyModelDescription {
        LatencyModelDescription(profile: settings.calibration, uncalibrated: Self.uncalibratedLatencyModel)
    }
}
