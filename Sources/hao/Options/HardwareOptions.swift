import ArgumentParser
import Foundation
import HAOCalibration
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

extension SolverChoice: ExpressibleByArgument {
    /// Parses a `--solver` value (e.g. "auto", "glpk", "native"); nil for an unknown name, which the parser reports.
    public init?(argument: String) { self.init(argument) }
    /// Every name `--solver` accepts, for `--help` and shell completion.
    public static var allValueStrings: [String] { SolverChoice.allNames }
}

/// `--models-dir`: where `Models/` is (located automatically by default).
struct ModelsOptions: ParsableArguments {
    @Option(name: .long, help: "Models directory (default: located automatically).")
    var modelsDir: String?

    /// The models directory.
    func models() throws -> ModelsDirectory { try ModelsDirectory.locate(explicit: modelsDir) }

    /// A network file, or the name of a shipped network.
    func loadNetwork(_ argument: String) throws -> Network {
        do { return try Network.lookUp(argument, models: models) } catch let error as NetworkLookupError {
            throw CLIError(error.description)
        }
    }
}

/// The hardware a command maps networks onto: target, device and caps.
struct HardwareOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Hardware target: \(HardwareTargets.names.joined(separator: ", ")) (default: \(HardwareTargets.standard.id)).",
            valueName: "target"))
    var target: String?

    @Option(
        name: .long,
        help: "Device: a catalogue name (zu3eg, zcu102, ...) or a device JSON file (default: the catalogue's default, XCZU3EG).")
    var device: String?

    @Option(
        name: .long,
        help:
            "Utilisation cap: one fraction for all resources (0.9, 90%) or pairs (lut=0.9,bram18=95%). Default dsp=1, bram18=1, lut=0.9, ff=1."
    )
    var cap: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Calibration profile (from 'hao calibrate'): a file, or the name of a shipped one in Models/calibrations. Its fitted latency constants replace the uncalibrated ones; reports name it and its cross-validated error.",
            valueName: "profile"))
    var calibration: String?

    @OptionGroup var modelsOptions: ModelsOptions

    func validate() throws {
        if let target, HardwareTargets.named(target) == nil {
            throw ValidationError("unknown target '\(target)'; known targets: \(HardwareTargets.names.joined(separator: ", "))")
        }
    }

    /// The models directory.
    func models() throws -> ModelsDirectory { try modelsOptions.models() }

    /// The device named (or the catalogue's default).
    func resolveDevice() throws -> Device {
        try DeviceCatalogue.load(models: try models()).resolve(device)
    }

    /// The cap given (or the standard one).
    func resolveCap() throws -> UtilisationCap {
        guard let cap else { return .standard }
        return try UtilisationCap(parsing: cap)
    }

    /// The calibration profile named, if any.
    func resolveCalibration() throws -> CalibrationProfile? {
        guard let calibration else { return nil }
        return try CalibrationProfileLookup.resolve(calibration, models: try? models())
    }

    /// The target named (or the default), on the device and under the cap given, calibrated
    /// with the profile given.
    func makeTarget() throws -> any HardwareTarget {
        let id = TargetID(target ?? HardwareTargets.standard.id.rawValue)
        return try HardwareTargets.make(
            id,
            settings: TargetSettings(
                device: try resolveDevice(), cap: try resolveCap(),
                calibration: try resolveCalibration()))
    }

    /// A network file, or the name of a shipped network.
    func loadNetwork(_ argument: String) throws -> Network { try modelsOptions.loadNetwork(argument) }
}

/// `--objective`: what the configuration problem optimises.
struct ObjectiveOption: ParsableArguments {
    enum Objective: String, ExpressibleByArgument, CaseIterable {
        case latency, throughput
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "What the configuration optimises: latency (batch 1, one inference at a time) or throughput (frames per second with every core busy; the subgraph template runs one image at a time, so it is the same as latency there).",
            valueName: "latency|throughput"))
    var objective: Objective = .latency

    /// The design objective (inverse mode, `--target-fps`, is decided by the command).
    var designObjective: DesignObjective { objective == .latency ? .minimiseLatency : .maximiseThroughput }
}

/// `--solver`: which exact solver answers the configuration problems.
struct SolverOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Solver: auto (the native exact solver, its answer certified by GLPK), glpk, native or enumeration.",
            valueName: "solver"))
    var solver: SolverChoice = .auto
}

/// `--json`: machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON.")
    var json = false
}
