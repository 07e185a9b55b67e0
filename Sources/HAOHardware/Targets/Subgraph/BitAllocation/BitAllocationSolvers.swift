import HAONetwork
import HAOSolver

/// What a bit-allocation solve minimises.
public enum BitAllocationObjective: Sendable, Hashable {
    /// Least total penalty under the problem's limit (the bit-allocation question).
    case penalty
    /// Least latency reachable at all (under a size limit, if the problem has one): what an
    /// infeasible latency target is reported against.
    case latency
}

/// The raw answer of one solver: the width of every block and the engine configuration.
public struct BitAllocationRaw: Sendable, Hashable {
    /// Width per block, nil when infeasible.
    public var bits: [Int]?
    /// The engine configuration chosen with those widths; nil when infeasible.
    public var configuration: SubgraphConfiguration?
    /// Total penalty (penalty objective) or latency in cycles (latency objective) as the solver found it.
    public var objective: Double?
    /// Leaves (assignments) checked, or integer programs solved.
    public var work: Int
}
