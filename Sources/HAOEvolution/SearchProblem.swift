import HAOSupport

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
    /// A compact key of a canonical genome for the memo (default: a digest of its JSON, see
    /// ``GenomeKey``); a problem whose genomes pack into 128 bits gives a lossless one.
    func memoKey(_ canonical: Genome) -> GenomeKey
    /// Scores a canonical genome. Called concurrently from several threads.
    /// Throw only for real failures (bad data, a solver error); constraint violations are
    /// `.infeasible` outcomes.
    func evaluate(_ genome: Genome) throws -> EvaluationRecord<Payload>
}

/// Names a phase of an evaluation whose time the search adds up across candidates (the
/// co-design search declares "predictor" and "solver"). Encoded as its name, also as a JSON key.
public struct EvaluationPhase: Sendable, Hashable, Codable, CodingKeyRepresentable, RawRepresentable, CustomStringConvertible {
    /// The phase's name in checkpoints and reports.
    public let rawValue: String

    /// A phase named `rawValue`; never fails.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A phase named `name`.
    public init(_ name: String) { rawValue = name }

    /// The phase's name.
    public var description: String { rawValue }
    /// The phase's name as a dictionary key, so `[EvaluationPhase: Double]` encodes as a JSON object keyed by name.
    public var codingKey: any CodingKey { PhaseKey(stringValue: rawValue) }
    /// The phase named by a JSON object key; never fails.
    public init?<T: CodingKey>(codingKey: T) { rawValue = codingKey.stringValue }

    /// Decodes a phase from its name (a JSON string).
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    /// Encodes the phase as its name (a JSON string).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    private struct PhaseKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// An outcome and the time spent in each phase of the evaluation.
public struct EvaluationRecord<Payload: Codable & Sendable>: Sendable {
    /// The verdict.
    public var outcome: Outcome<Payload>
    /// Seconds per phase (summed per candidate, whatever the thread count).
    public var phaseSeconds: [EvaluationPhase: Double]
    /// Counts the search adds up (e.g. certificates run for this candidate).
    public var counts: [EvaluationPhase: Int]

    /// A record of one evaluation.
    public init(outcome: Outcome<Payload>, phaseSeconds: [EvaluationPhase: Double] = [:], counts: [EvaluationPhase: Int] = [:]) {
        self.outcome = outcome
        self.phaseSeconds = phaseSeconds
        self.counts = counts
    }
}

/// Errors of the evolutionary search itself.
public enum SearchError: Error, CustomStringConvertible, Equatable {
    /// A setting is out of range.
    case invalidSetting(String)
    /// The problem's evaluation threw.
    case evaluationFailed(candidate: String, message: String)
    /// A checkpoint file cannot be used.
    case corruptCheckpoint(path: String, detail: String)
    /// An output file or folder cannot be written.
    case unwritableOutput(path: String, detail: String)

    /// One line for the user saying which setting, candidate, checkpoint or output failed and why.
    public var description: String {
        switch self {
        case .invalidSetting(let s): return "invalid search setting: \(s)"
        case .evaluationFailed(let c, let m): return "evaluating candidate \(c) failed: \(m)"
        case .corruptCheckpoint(let p, let d): return "checkpoint \(p) is unreadable or corrupted: \(d)"
        case .unwritableOutput(let p, let d): return "cannot write to output folder \(p): \(d)"
        }
    }
}
