import HAOSupport

/// How a solve ended.
public enum SolveStatus: String, Sendable, Hashable, Codable {
    /// Proven optimal.
    case optimal
    /// An incumbent within the requested relative gap, not proven optimal.
    case feasible
    /// No solution satisfies the constraints.
    case infeasible
    /// The objective can improve without limit.
    case unbounded
    /// Stopped by the time limit with an incumbent solution.
    case timeLimitWithIncumbent = "time_limit_feasible"
    /// Stopped by the time limit with no solution found.
    case timeLimitNoIncumbent = "time_limit_no_solution"
    /// Stopped on request (``StopRequest``, e.g. Ctrl-C) with an incumbent solution.
    case stoppedWithIncumbent = "interrupted_feasible"
    /// Stopped on request before any solution was found.
    case stoppedNoIncumbent = "interrupted_no_solution"

    /// Whether `Solution.values` and `Solution.objective` hold a solution.
    public var hasSolution: Bool {
        self == .optimal || self == .feasible || self == .timeLimitWithIncumbent || self == .stoppedWithIncumbent
    }
}

/// A flag a solver polls between branch-and-bound nodes; setting it (from a signal handler's
/// queue, say) stops the search with the best solution found so far.
public final class StopRequest: @unchecked Sendable, Hashable {
    /// Read by the C solver between nodes; written once, by ``request()``.
    let flag: UnsafeMutablePointer<Int32>

    /// Creates a request that has not been made; pass it in ``SolverOptions/stop`` and call ``request()`` to stop the solve.
    public init() {
        flag = .allocate(capacity: 1)
        flag.initialize(to: 0)
    }

    deinit { flag.deallocate() }

    /// Asks the solve to stop at its next node.
    public func request() { flag.pointee = 1 }

    /// Whether a stop was asked for.
    public var isRequested: Bool { flag.pointee != 0 }

    /// Identity: two requests are equal only when they are the same object.
    public static func == (a: StopRequest, b: StopRequest) -> Bool { a === b }
    /// Hashes the object's identity, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// Options understood by every solver.
public struct SolverOptions: Sendable, Hashable {
    /// Stop after this long; `nil` means no limit.
    public var timeLimit: Duration?
    /// Stop when the relative gap between incumbent and bound is at most this. 0 proves optimality.
    public var relativeGap: Double
    /// Use the solver's presolver where it has one.
    public var presolve: Bool
    /// Stops a MIP solve early with its best solution when requested.
    public var stop: StopRequest?

    /// Options; the defaults prove optimality with no time limit.
    public init(timeLimit: Duration? = nil, relativeGap: Double = 0, presolve: Bool = true) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.presolve = presolve
    }
}

/// The result of a solve.
public struct Solution: Sendable, Hashable {
    /// How the solve ended.
    public var status: SolveStatus
    /// Objective value of the returned solution, or `nil` if there is none.
    public var objective: Double?
    /// One value per column when ``SolveStatus/hasSolution``; empty otherwise.
    public var values: [Double]
    /// Best proven bound on the objective, when the solver reports one.
    public var bestBound: Double?
    /// Wall-clock time of the solve, including building the solver's own model.
    public var solveTime: Duration
    /// Which solver produced this solution.
    public var solver: SolverID

    /// A solution as a backend reports it.
    public init(
        status: SolveStatus, objective: Double?, values: [Double], bestBound: Double? = nil,
        solveTime: Duration, solver: SolverID
    ) {
        self.status = status
        self.objective = objective
        self.values = values
        self.bestBound = bestBound
        self.solveTime = solveTime
        self.solver = solver
    }

    /// The value of one column, when there is a solution.
    public subscript(variable: VariableID) -> Double? {
        values.indices.contains(variable.index) ? values[variable.index] : nil
    }
}

/// Any exact or heuristic solver of a ``LinearModel``.
///
/// Implementations are value types and safe to use from several threads at once.
public protocol MILPSolver: Sendable {
    /// Which solver this is.
    var id: SolverID { get }
    /// Solves `model`. Validation problems and solver failures are thrown; infeasibility,
    /// unboundedness and time limits are statuses of the returned ``Solution``.
    func solve(_ model: LinearModel, options: SolverOptions) throws(SolverError) -> Solution
}

extension String {
    /// The string without leading and trailing white space (for solver messages).
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
