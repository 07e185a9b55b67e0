import HAOSolver

/// The answer of a target to one configuration problem.
public struct HardwareSolution<Target: HardwareTarget>: Sendable {
    /// How a configuration problem ended.
    public enum Status: String, Sendable, Hashable, Codable {
        /// `report` holds the optimal configuration.
        case optimal
        /// No configuration fits the budget (or meets the target in inverse mode).
        case infeasible
    }

    /// How it ended.
    public var status: Status
    /// The cost model's evaluation of the chosen configuration (nil when infeasible).
    public var report: Target.Report?
    /// The problem that was solved.
    public var problem: Target.Problem
    /// Which backend produced the answer (``SolverID/reductions`` when none had to run).
    public var solver: SolverID
    /// Wall-clock time of the solve.
    public var solveTime: Duration
    /// The objective as the cost model evaluates the answer (cycles, or weighted resources).
    public var objective: Double?
    /// Why it is infeasible, computed from the data, e.g. "infeasible on XCZU3EG: ...".
    public var diagnosis: String?
    /// Notes for the user, e.g. that a fallback solver took over.
    public var messages: [String]
    /// The usable resource budget.
    public var budget: Resources
    /// The certificate that held, when the solver had the answer certified (see ``ExactResult/certificate``).
    public var certificate: String? = nil

    /// The chosen configuration.
    public var configuration: Target.Configuration? { report?.configuration }
    /// Batch-1 latency in milliseconds.
    public var latencyMs: Double? { report?.latencyMs }
    /// Frames per second at batch 1.
    public var fps: Double? { report?.fps }
    /// Resources the configuration uses.
    public var resources: Resources? { report?.totalResources }
}
