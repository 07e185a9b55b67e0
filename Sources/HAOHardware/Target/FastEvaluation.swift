import HAONetwork

/// A target that can answer the least-latency question for many networks in a row much faster
/// than solving each configuration problem from scratch, with exactly the same optimum.
///
/// A search evaluates hundreds of thousands of networks that share most of their stages and most
/// of their optimal configurations. A fast evaluator keeps what carries over between them -- a
/// memo of per-stage cost-model terms, recent optima as starting bounds -- and never a second copy
/// of the cost model: its tables come from the target's own cost functions. Its answers must equal
/// the target's exact solvers' (tests check this; the search's `auto` policy certifies a sample and
/// every frontier point with GLPK), and must not depend on what the memo holds: ties are broken by
/// a rule of the problem alone, so results do not depend on evaluation order or thread count.
///
/// The co-design search uses it when the target offers it and the solver policy allows
/// (`auto`, `native`); otherwise every candidate goes through ``HardwareTarget/solve(_:objective:using:)``.
public protocol FastEvaluatingTarget: HardwareTarget {
    /// The evaluator type, holding the shared memo.
    associatedtype FastEvaluator: FastLatencyEvaluator where FastEvaluator.Configuration == Configuration

    /// A new evaluator with an empty memo. One evaluator is shared by all threads of a search.
    func makeFastEvaluator() -> FastEvaluator
}

/// The fast least-latency evaluator of a ``FastEvaluatingTarget``. Safe to call from several
/// threads at once.
public protocol FastLatencyEvaluator: Sendable {
    /// The target's configuration type.
    associatedtype Configuration: Sendable & Hashable & Codable

    /// The least-latency configuration of `network` within the budget (batch 1), or infeasible.
    func leastLatency(of network: Network) throws(HardwareError) -> FastOptimum<Configuration>

    /// What the evaluator has done so far (for benchmarks and reports).
    var statistics: FastEvaluatorStatistics { get }
}

/// The answer of a fast evaluator for one network.
public struct FastOptimum<Configuration: Sendable & Hashable & Codable>: Sendable {
    /// The optimal configuration; nil when nothing fits the budget.
    public var configuration: Configuration?
    /// The optimum in the units of the target's exact problem (e.g. clock cycles); nil when infeasible.
    public var objective: Double?
    /// Batch-1 latency in milliseconds; nil when infeasible.
    public var latencyMs: Double?
    /// Resources of the configuration, fixed logic included; nil when infeasible.
    public var resources: Resources?
    /// Candidate configurations whose latency was evaluated in full.
    public var evaluatedCandidates: Int

    /// An answer.
    public init(configuration: Configuration?, objective: Double?, latencyMs: Double?, resources: Resources?, evaluatedCandidates: Int) {
        self.configuration = configuration
        self.objective = objective
        self.latencyMs = latencyMs
        self.resources = resources
        self.evaluatedCandidates = evaluatedCandidates
    }

    /// Whether a configuration fits.
    public var isFeasible: Bool { configuration != nil }
}

/// Counters of a fast evaluator.
public struct FastEvaluatorStatistics: Sendable, Hashable, Codable {
    /// Networks evaluated.
    public var networks = 0
    /// Stage look-ups answered by the memo, and computed by the cost model.
    public var memoHits = 0
    /// Stage look-ups computed by the cost model because the memo did not hold them.
    public var memoMisses = 0
    /// Entries in the memo now, and the most it may hold.
    public var memoEntries = 0
    /// The most entries the memo may hold before it is emptied.
    public var memoCapacity = 0
    /// Times the memo was emptied because it was full.
    public var memoResets = 0
    /// Networks whose optimum was one of the recent optima tried first.
    public var incumbentWasOptimal = 0
    /// Candidate configurations evaluated in full, over all networks.
    public var evaluatedCandidates = 0

    /// Zero counts.
    public init() {}
}
