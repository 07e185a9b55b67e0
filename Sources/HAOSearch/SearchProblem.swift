import HAOPredictor

/// What the evolutionary search needs to know about a search space and how to score it.
///
/// The algorithm is generic so the same NSGA-II runs the co-design space (architecture + bit
/// widths, scored by the predictor and the accelerator integer program) and small enumerable
/// spaces used to measure search quality against ground truth.
public protocol SearchProblem: Sendable {
    associatedtype Genome: Hashable & Codable & Sendable
    associatedtype Payload: Codable & Sendable

    /// Number of objectives (all minimised).
    var objectiveCount: Int { get }
    /// A uniformly random genome.
    func randomGenome(using rng: inout SplitMix64) -> Genome
    /// A child mixing two parents.
    func crossover(_ a: Genome, _ b: Genome, using rng: inout SplitMix64) -> Genome
    /// A randomly perturbed copy.
    func mutate(_ genome: Genome, using rng: inout SplitMix64) -> Genome
    /// The representative of the genomes that describe the same candidate (e.g. with the genes of
    /// inactive block slots reset). Memoisation and the archive key on it.
    func canonical(_ genome: Genome) -> Genome
    /// Scores a canonical genome. Called concurrently from several threads.
    /// Throw only for real failures (bad data, a solver error); constraint violations are
    /// `.infeasible` outcomes.
    func evaluate(_ genome: Genome) throws -> EvaluationRecord<Payload>
}

/// An outcome and the time spent in each named phase (e.g. "predictor", "solver").
public struct EvaluationRecord<Payload: Codable & Sendable>: Sendable {
    public var outcome: Outcome<Payload>
    public var phaseSeconds: [String: Double]

    public init(outcome: Outcome<Payload>, phaseSeconds: [String: Double] = [:]) {
        self.outcome = outcome
        self.phaseSeconds = phaseSeconds
    }
}

/// Errors of the search itself.
public enum SearchError: Error, CustomStringConvertible, Equatable {
    case invalidSetting(String)
    case evaluationFailed(candidate: String, message: String)
    case corruptCheckpoint(path: String, detail: String)
    case checkpointMismatch(String)
    case unwritableOutput(path: String, detail: String)
    case noFeasibleCandidate(String)
    case impossibleConstraints(String)
    case conflictingOptions(String)

    public var description: String {
        switch self {
        case .invalidSetting(let s): return "invalid search setting: \(s)"
        case .evaluationFailed(let c, let m): return "evaluating candidate \(c) failed: \(m)"
        case .corruptCheckpoint(let p, let d): return "checkpoint \(p) is unreadable or corrupted: \(d)"
        case .checkpointMismatch(let s): return "checkpoint does not match this search: \(s)"
        case .unwritableOutput(let p, let d): return "cannot write to output folder \(p): \(d)"
        case .noFeasibleCandidate(let s): return "no feasible network found: \(s)"
        case .impossibleConstraints(let s): return "impossible constraints: \(s)"
        case .conflictingOptions(let s): return "conflicting options: \(s)"
        }
    }
}
