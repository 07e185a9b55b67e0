import HAOEvolution
import HAOHardware
import HAOPredictor

/// What checkpoint validation reads of a scored candidate, whatever the target.
public protocol ScoredCandidate: Sendable, Codable {
    /// Predicted top-1, percent.
    var top1: Double { get }
    /// Batch-1 latency, milliseconds.
    var latencyMs: Double { get }
    /// Bit widths chosen per slot, when the search chose them per candidate.
    var bits: [Int]? { get }
}

/// What one candidate costs and scores: the predicted accuracy and the latency of the network on
/// its own optimal accelerator configuration (of the target's `Configuration` type).
public struct CandidateMetrics<Configuration: Sendable & Hashable & Codable>: ScoredCandidate, Hashable {
    /// Predicted ImageNet top-1, percent.
    public var top1: Double
    /// Predictive standard deviation of `top1`, when the predictor gives one.
    public var top1StdDev: Double?
    /// Latency at batch 1, milliseconds.
    public var latencyMs: Double
    /// The optimal accelerator configuration (nil when the candidate only reports how far it misses a limit).
    public var configuration: Configuration?
    /// Resources the configuration uses.
    public var resources: Resources?
    /// Which solver produced the configuration.
    public var solver: String?
    /// Bit width per block slot chosen by the bit-allocation program (`--bits optimal`); nil when the genome's own widths apply.
    public var bits: [Int]?

    /// Metrics of one candidate.
    public init(
        top1: Double, top1StdDev: Double? = nil, latencyMs: Double, configuration: Configuration? = nil,
        resources: Resources? = nil, solver: String? = nil, bits: [Int]? = nil
    ) {
        self.top1 = top1
        self.top1StdDev = top1StdDev
        self.latencyMs = latencyMs
        self.configuration = configuration
        self.resources = resources
        self.solver = solver
        self.bits = bits
    }

    /// Frames per second at batch 1.
    public var fps: Double { 1000 / latencyMs }

    enum CodingKeys: String, CodingKey {
        case top1
        case top1StdDev = "top1_stddev"
        case latencyMs = "latency_ms"
        case configuration, resources, solver, bits
    }

    // Written by hand only so that `configuration` is always present (null when absent), as
    // checkpoints have always written it.
    /// Encodes with snake_case keys (`top1_stddev`, `latency_ms`); `configuration` is always written, as null when absent,
    /// and the other optional fields only when present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(top1, forKey: .top1)
        try c.encodeIfPresent(top1StdDev, forKey: .top1StdDev)
        try c.encode(latencyMs, forKey: .latencyMs)
        try c.encode(configuration, forKey: .configuration)
        try c.encodeIfPresent(resources, forKey: .resources)
        try c.encodeIfPresent(solver, forKey: .solver)
        try c.encodeIfPresent(bits, forKey: .bits)
    }
}

extension EvaluationPhase {
    /// Time in the accuracy predictor (and, for `--bits optimal`, building the penalty tables).
    public static let predictor = EvaluationPhase("predictor")
    /// Time in the target's configuration solver (or the bit-allocation program).
    public static let solver = EvaluationPhase("solver")
    /// Time in GLPK certificates of sampled candidates (`--solver auto`), and their count.
    public static let sampleCertificates = EvaluationPhase("sample_certificates")
    /// Time in GLPK certificates of frontier points (`--solver auto`), and their count.
    public static let frontierCertificates = EvaluationPhase("frontier_certificates")
    /// Certificates GLPK could not finish (its time limit or a numerical failure); their answers stand uncertified.
    public static let certificatesNotCompleted = EvaluationPhase("certificates_not_completed")
}

/// The verdict of a ``CandidateEvaluator`` on one point, with where the time went.
public struct Evaluation<Configuration: Sendable & Hashable & Codable>: Sendable {
    /// What an evaluator can say about a point.
    public enum Result: Sendable {
        /// Scored: the accelerator exists and the metrics are real.
        case feasible(CandidateMetrics<Configuration>)
        /// No accelerator configuration fits the device (or another hard limit of the evaluator).
        /// `violation` >= 0 says how far off it is (e.g. relative resource excess), 0 if unknown.
        case infeasible(reason: String, violation: Double)
    }

    /// The verdict.
    public var result: Result
    /// Seconds in the predictor.
    public var predictorSeconds: Double
    /// Seconds in the solver.
    public var solverSeconds: Double
    /// Seconds certifying the answer (a sampled candidate under `--solver auto`), and how many
    /// certificates ran.
    public var certificateSeconds: Double
    /// Certificates run for this candidate (0 or 1 under sampling).
    public var certificates: Int
    /// Certificates the certifier could not finish (the answer stands, uncertified).
    public var certificatesNotCompleted: Int

    /// A verdict with its timings.
    public init(
        _ result: Result, predictorSeconds: Double = 0, solverSeconds: Double = 0, certificateSeconds: Double = 0,
        certificates: Int = 0, certificatesNotCompleted: Int = 0
    ) {
        self.result = result
        self.predictorSeconds = predictorSeconds
        self.solverSeconds = solverSeconds
        self.certificateSeconds = certificateSeconds
        self.certificates = certificates
        self.certificatesNotCompleted = certificatesNotCompleted
    }
}

/// Scores a point of the search space: accuracy predictor plus a hardware target's exact
/// configuration problem. Called concurrently from several threads.
public protocol CandidateEvaluator: Sendable {
    /// The target's configuration type.
    associatedtype Configuration: Sendable & Hashable & Codable
    /// Scores one point.
    func evaluate(_ point: ArchitecturePoint) throws -> Evaluation<Configuration>
    /// Checks the scores of the final frontier's points (the session calls it before writing the
    /// frontier). The hardware-aware evaluator under `--solver auto` certifies each with GLPK; a
    /// refuted certificate is thrown. Default: nothing to check.
    func confirm(_ entrants: [(point: ArchitecturePoint, metrics: CandidateMetrics<Configuration>)], threads: Int) throws
        -> ConfirmationTally
}

extension CandidateEvaluator {
    /// Checks nothing and returns an empty tally: evaluators without certificates keep this default.
    public func confirm(_ entrants: [(point: ArchitecturePoint, metrics: CandidateMetrics<Configuration>)], threads: Int) throws
        -> ConfirmationTally
    {
        ConfirmationTally()
    }
}

/// What confirming the frontier did.
public struct ConfirmationTally: Sendable, Hashable {
    /// Certificates that ran to the end (and held: a refuted one is thrown).
    public var certificates = 0
    /// Certificates the certifier could not finish (its time limit or a numerical failure).
    public var notCompleted = 0
    /// Seconds spent, summed over threads.
    public var seconds = 0.0

    /// A tally of the given counts; all zero by default.
    public init(certificates: Int = 0, notCompleted: Int = 0, seconds: Double = 0) {
        self.certificates = certificates
        self.notCompleted = notCompleted
        self.seconds = seconds
    }
}

/// Any evaluator of a given configuration type behind one concrete type, so one search code path
/// serves every bit-width mode.
public struct AnyCandidateEvaluator<Configuration: Sendable & Hashable & Codable>: CandidateEvaluator {
    private let body: @Sendable (ArchitecturePoint) throws -> Evaluation<Configuration>
    private let confirmation:
        @Sendable ([(point: ArchitecturePoint, metrics: CandidateMetrics<Configuration>)], Int) throws -> ConfirmationTally

    /// Wraps `evaluator`.
    public init<E: CandidateEvaluator>(_ evaluator: E) where E.Configuration == Configuration {
        body = { try evaluator.evaluate($0) }
        confirmation = { try evaluator.confirm($0, threads: $1) }
    }

    /// Calls the wrapped evaluator; rethrows what it throws.
    public func evaluate(_ point: ArchitecturePoint) throws -> Evaluation<Configuration> { try body(point) }

    /// Calls the wrapped confirmation closure; rethrows what it throws.
    public func confirm(_ entrants: [(point: ArchitecturePoint, metrics: CandidateMetrics<Configuration>)], threads: Int) throws
        -> ConfirmationTally
    {
        try confirmation(entrants, threads)
    }
}
