/// How a solve ended.
public enum SolveStatus: String, Sendable, Hashable, Codable {
    /// Proven optimal.
    case optimal
    /// An incumbent within the requested relative gap, not proven optimal.
    case feasible
    case infeasible
    case unbounded
    /// Stopped by the time limit with an incumbent solution.
    case timeLimitWithIncumbent = "time_limit_feasible"
    /// Stopped by the time limit with no solution found.
    case timeLimitNoIncumbent = "time_limit_no_solution"

    /// Whether `Solution.values` and `Solution.objective` hold a solution.
    public var hasSolution: Bool {
        self == .optimal || self == .feasible || self == .timeLimitWithIncumbent
    }
}

/// Options understood by every solver.
public struct SolverOptions: Sendable, Hashable {
    /// Stop after this long; `nil` means no limit.
    public var timeLimit: Duration?
    /// Stop when the relative gap between incumbent and bound is at most this. 0 proves optimality.
    public var relativeGap: Double
    /// Use the solver's presolver where it has one.
    public var presolve: Bool

    public init(timeLimit: Duration? = nil, relativeGap: Double = 0, presolve: Bool = true) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.presolve = presolve
    }
}

/// The result of a solve.
public struct Solution: Sendable, Hashable {
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
    public var solverName: String

    public init(status: SolveStatus, objective: Double?, values: [Double], bestBound: Double? = nil,
                solveTime: Duration, solverName: String) {
        self.status = status
        self.objective = objective
        self.values = values
        self.bestBound = bestBound
        self.solveTime = solveTime
        self.solverName = solverName
    }

    /// The value of one column, when there is a solution.
    public subscript(variable: VariableID) -> Double? {
        values.indices.contains(variable.index) ? values[variable.index] : nil
    }
}

/// Why a solve or a file operation failed.
public enum SolverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model failed validation; GLPK never saw it.
    case invalidModel(ModelError)
    /// GLPK rejected a call; its message is attached. The process carries on.
    case glpkError(String)
    /// GLPK returned a failure code (e.g. a numerical failure of the simplex method).
    case glpkFailure(code: Int, message: String)
    /// A solver option is out of range.
    case invalidOption(String)
    /// A model file could not be read or written.
    case fileError(path: String, message: String)
    /// A solver that cannot handle this model (e.g. a specialised one).
    case unsupported(String)

    public var description: String {
        switch self {
        case let .invalidModel(error): return "invalid model: \(error)"
        case let .glpkError(message): return "GLPK rejected the call: \(message.trimmingWhitespace())"
        case let .glpkFailure(code, message):
            let detail = message.trimmingWhitespace()
            return "GLPK failed with code \(code)" + (detail.isEmpty ? "" : ": \(detail)")
        case let .invalidOption(message): return "invalid solver option: \(message)"
        case let .fileError(path, message): return "\(path): \(message.trimmingWhitespace())"
        case let .unsupported(message): return "unsupported: \(message)"
        }
    }
}

/// Any exact or heuristic solver of a ``LinearModel``.
///
/// Implementations are value types and safe to use from several threads at once.
public protocol MILPSolver: Sendable {
    /// A short name for reports, e.g. "glpk".
    var name: String { get }
    /// Solves `model`. Validation problems and solver failures are thrown; infeasibility,
    /// unboundedness and time limits are statuses of the returned ``Solution``.
    func solve(_ model: LinearModel, options: SolverOptions) throws(SolverError) -> Solution
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
