import Foundation
import HAOHardware
import HAONetwork
import HAOSupport

/// What `hao calibrate` asks for.
public struct CalibrationRequest: Sendable {
    /// The measurement files.
    public var files: [URL]
    /// How to read them.
    public var reader: MeasurementReader
    /// Folds, parameters to fit, threads, rounds.
    public var settings: CalibrationSettings
    /// Evaluate every measurement on the configuration the target chooses for this network
    /// (fixed hardware, like an overlay); nil: each measurement on its own optimal configuration.
    public var configurationOf: Network?
    /// Or on this configuration (a JSON file in the target's configuration format).
    public var configurationFile: URL?
    /// The profile's name.
    public var name: String
    /// The command line, recorded in the profile.
    public var command: String?

    /// A request.
    public init(
        files: [URL], reader: MeasurementReader = .init(), settings: CalibrationSettings = .init(), configurationOf: Network? = nil,
        configurationFile: URL? = nil, name: String, command: String? = nil
    ) {
        self.files = files
        self.reader = reader
        self.settings = settings
        self.configurationOf = configurationOf
        self.configurationFile = configurationFile
        self.name = name
        self.command = command
    }
}

/// A finished calibration, whatever the target: the profile to write, the outcome, and what the
/// measurements were evaluated on.
public struct CalibrationReport: Sendable {
    /// The profile (fitted values, fingerprint, cross-validated figures).
    public var profile: CalibrationProfile
    /// Everything the fit produced.
    public var outcome: CalibrationOutcome
    /// Rows left out for want of a latency.
    public var unmeasured: [(file: String, line: Int)]
}

/// Runs calibrations on a target chosen at run time.
public enum CalibrationJob {
    /// Reads the measurements, fits `target`'s parameters and builds the profile.
    public static func run(
        _ request: CalibrationRequest, on target: any HardwareTarget,
        progress: (String) -> Void = { _ in }
    ) throws -> CalibrationReport {
        guard let calibratable = target as? any CalibratableTarget else {
            throw CalibrationError.invalidOption("the \(type(of: target).id) target has no calibration parameters")
        }
        return try run(request, calibratable, progress: progress)
    }

    static func run<T: CalibratableTarget>(_ request: CalibrationRequest, _ target: T, progress: (String) -> Void) throws
        -> CalibrationReport
    {
        let set = try request.reader.read(request.files)
        guard !set.measurements.isEmpty else {
            throw CalibrationError.notEnoughData("the files hold no measured latency")
        }
        let (configuration, evaluatedOn) = try Self.configuration(request, target)
        let outcome = try Calibrator(target: target, configuration: configuration, settings: request.settings)
            .run(set.measurements, progress: progress)
        var notes = [
            "Fitted by robust least squares (soft-L1, scale 0.05) on log(predicted / measured), parameters in log space within their physical bounds; \(outcome.crossValidation.folds)-fold cross-validation with repeated workloads in one fold.",
            "MACs-only baseline: latency = a + b x MACs, fitted the same way.",
        ]
        let scopes = Set(set.measurements.map(\.scope))
        if scopes.contains(.singleBlock) {
            notes.append("Blocks and layers were timed as their own programs: each pays a launch and loads its weights before computing.")
        }
        if !outcome.unidentifiable.isEmpty {
            notes.append(
                "Not fitted, no prediction depends on them near the starting point (defaults kept): \(outcome.unidentifiable.joined(separator: ", "))."
            )
        }
        for (a, b) in outcome.confounded {
            notes.append("\(a) and \(b) move every prediction alike on these measurements: only a combination of them is determined.")
        }
        if !outcome.atBounds.isEmpty {
            notes.append(
                "Fitted at the edge of the physical range (a sign the model's form, not the hardware, is off): \(outcome.atBounds.map { "\($0.name) at its \($0.bound) bound" }.joined(separator: ", "))."
            )
        }
        if outcome.rounds > 1 {
            notes.append(
                "Configurations were re-chosen with the fitted constants and the fit repeated (\(outcome.rounds) rounds); cross-validation uses the last round's configurations."
            )
        }
        var profile = CalibrationProfile(
            name: request.name, target: T.id, device: target.device.part, parameters: outcome.fittedByName,
            measurementFiles: request.files.map(\.lastPathComponent), measurementFingerprint: try MeasurementFingerprint.of(request.files),
            crossValidation: outcome.crossValidation, macsBaseline: outcome.macsBaseline, notes: notes)
        profile.evaluatedOn = evaluatedOn
        profile.foldFigures = outcome.foldFigures
        profile.foldParameters = outcome.foldValues.map { v in
            Dictionary(
                uniqueKeysWithValues: outcome.parameters.indices.filter { outcome.free.contains(outcome.parameters[$0].name) }
                    .map { (outcome.parameters[$0].name, v[$0]) })
        }
        profile.command = request.command
        if let configuration {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            profile.fixedConfiguration = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        }
        return CalibrationReport(profile: profile, outcome: outcome, unmeasured: set.unmeasured)
    }

    /// The fixed configuration asked for, if any, and a description of how measurements are mapped.
    static func configuration<T: CalibratableTarget>(_ request: CalibrationRequest, _ target: T) throws -> (T.Configuration?, String) {
        if let url = request.configurationFile {
            let configuration: T.Configuration
            do { configuration = try JSONFile.load(T.Configuration.self, from: url) } catch {
                throw CalibrationError.badFile(file: url.path, line: nil, reason: "not a \(T.id) configuration: \(error)")
            }
            return (configuration, "every measurement on the configuration in \(url.lastPathComponent): \(configuration)")
        }
        if let network = request.configurationOf {
            let solution = try target.solve(network, solver: .native)
            guard let configuration = solution.configuration else {
                throw CalibrationError.invalidOption(
                    "no configuration of the \(T.id) target fits \(target.device.part) for \(network.name): \(solution.diagnosis ?? "infeasible")"
                )
            }
            return (
                configuration,
                "every measurement on the configuration the target chooses for \(network.name) on \(target.device.part): \(configuration)"
            )
        }
        return (
            nil,
            "each measurement on the configuration the target chooses for it on \(target.device.part) (for a block or layer timed alone: the fastest for that part)"
        )
    }
}
