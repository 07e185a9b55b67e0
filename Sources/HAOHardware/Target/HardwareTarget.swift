import HAONetwork
import HAOSolver

/// An accelerator architecture the co-design can map networks onto.
///
/// A target knows its configuration space, how to turn a network, a device and a configuration
/// into latency and resource use (its cost model), how to pose the choice of configuration as an
/// exact problem (an integer program for GLPK, a native exact algorithm, enumeration), and how to
/// report a solution. Everything above the hardware layer (solve, verify, baselines, quantize,
/// the search, the benchmarks) reaches hardware only through this protocol, so a new target is a
/// new folder under `Targets/` plus one line in ``HardwareTargets/all``.
///
/// Conformers are value types, safe to share across threads.
public protocol HardwareTarget: Sendable {
    /// What the configuration problem chooses, e.g. the three engines' unrolls.
    associatedtype Configuration: Sendable & Hashable & Codable & CustomStringConvertible
    /// The cost model's full evaluation of one configuration for one network.
    associatedtype Report: TargetReport where Report.Configuration == Configuration
    /// The exact problem of choosing a configuration for one network.
    associatedtype Problem: ConfigurationProblem where Problem.Answer == Configuration
    /// The machine-readable form of a solve (`hao solve --json`).
    associatedtype SolveDocument: Encodable & Sendable

    /// The target's name on the command line and in files.
    static var id: TargetID { get }
    /// One line for help texts.
    static var summary: String { get }
    /// What the target's latency figures are without a calibration profile, for reports, e.g.
    /// "uncalibrated: ideal pipeline" (default: "uncalibrated: documented default constants").
    static var uncalibratedLatencyModel: String { get }
    /// The version of the target's cost model: change it when the same configuration of the
    /// same network would get another latency or resource count, so that a search checkpointed
    /// with the old model is not resumed with the new one (see the co-design fingerprint).
    static var costModelVersion: String { get }
    /// The weight and activation bit widths the target runs, ascending; nil when it runs every
    /// width the network format allows. Commands skip or refuse the others with the reason
    /// (e.g. the DPU runs int8 only).
    static var supportedBitWidths: [Int]? { get }

    /// A target for a device and cap; throws when the device cannot host it.
    init(settings: TargetSettings) throws(HardwareError)

    /// The device and cap this target was built for.
    var settings: TargetSettings { get }

    /// Checks `network` against what the target runs and builds its configuration problem.
    func configurationProblem(for network: Network, objective: DesignObjective) throws(HardwareError) -> Problem

    /// Evaluates one configuration with the cost model itself, independently of the problem's tables.
    func evaluate(_ configuration: Configuration, for network: Network) throws(HardwareError) -> Report

    /// The objective value of an evaluated configuration, in the units the problem's solvers
    /// report (so their claims can be checked against the cost model).
    func objectiveValue(of report: Report, for objective: DesignObjective) throws(HardwareError) -> Double

    /// Why `problem` has no feasible configuration, in words computed from the data.
    func diagnoseInfeasibility(of problem: Problem, objective: DesignObjective) -> String

    /// The human-readable report of a solve.
    func describe(_ solution: HardwareSolution<Self>, network: Network) -> String

    /// The machine-readable report of a solve.
    func document(_ solution: HardwareSolution<Self>, network: Network, targetFPS: Double?) -> SolveDocument
}

extension HardwareTarget {
    /// "uncalibrated: documented default constants"; a target whose defaults mean something more specific overrides it.
    public static var uncalibratedLatencyModel: String { "uncalibrated: documented default constants" }

    /// Every width the network format allows.
    public static var supportedBitWidths: [Int]? { nil }

    /// Whether the target runs blocks at `bits` (weights and activations).
    public static func supports(bits: Int) -> Bool { supportedBitWidths?.contains(bits) ?? true }

    /// "int8 only" or "8-bit only" style wording of the widths, for messages; nil when unrestricted.
    public static var bitWidthRestriction: String? {
        supportedBitWidths.map { widths in
            "the \(id) target runs \(widths.map { "\($0)-bit" }.joined(separator: " and ")) weights and activations only"
        }
    }
}

/// What every target's evaluation of a configuration reports.
public protocol TargetReport: Sendable, Codable {
    /// The configuration type of the target.
    associatedtype Configuration
    /// The configuration evaluated.
    var configuration: Configuration { get }
    /// Batch-1 latency in milliseconds.
    var latencyMs: Double { get }
    /// Every resource the configuration uses, fixed logic included.
    var totalResources: Resources { get }
    /// The usable budget it was evaluated against.
    var budget: Resources { get }
}

extension TargetReport {
    /// Frames per second at batch 1.
    public var fps: Double { 1000 / latencyMs }
}

/// A report of a target that runs several inferences at once (e.g. several DPU cores).
public protocol ThroughputReport: TargetReport {
    /// Frames per second with every inference unit busy.
    var throughputFPS: Double { get }
}

extension TargetReport {
    /// Frames per second with every inference unit busy: the report's own figure when it has one,
    /// else the batch-1 rate (one inference at a time).
    public var sustainedFPS: Double { (self as? any ThroughputReport)?.throughputFPS ?? fps }
}

/// A target's exact configuration problem for one network.
public protocol ConfigurationProblem: ExactProblem {
    /// The integer program MILP backends solve (after the problem's exact reductions).
    func integerProgram() -> LinearModel
    /// The same problem without its reductions (e.g. pruning), for cross-checks.
    var unreduced: Self { get }
    /// How many candidates exhaustive enumeration evaluates (of the unreduced problem).
    var enumerationSize: Int { get }
    /// The candidate counts in words, e.g. "98 x 70 x 98".
    var candidateSummary: String { get }
    /// What the objective value is, in snake case with its unit, e.g. "latency_cycles", "latency_ns".
    var objectiveName: String { get }
}

extension ConfigurationProblem {
    /// "objective": problems whose objective has no more specific name keep this default.
    public var objectiveName: String { "objective" }
}

/// A target that writes its chosen configuration as a file an implementation flow consumes
/// (`hao solve --export-config FILE`): an HLS header, a vendor IP's configuration, ...
public protocol ConfigurationFileExporting: HardwareTarget {
    /// What the file is, in one line, for help texts and messages.
    static var configurationFileSummary: String { get }
    /// The file's text for `configuration`, as built for `network`.
    func configurationFile(for configuration: Configuration, network: Network) throws(HardwareError) -> String
}

extension HardwareTarget {
    /// "1" unless a target says otherwise (see ``HardwareTarget/costModelVersion``).
    public static var costModelVersion: String { "1" }
}
