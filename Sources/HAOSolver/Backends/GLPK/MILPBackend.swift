/// Solves exact problems through their integer programs with a MILP solver (GLPK by default).
public struct MILPBackend: ExactSolver {
    /// The MILP solver every program goes to.
    public var milp: any MILPSolver
    /// Options of every MILP solve (the time limit above all).
    public var options: SolverOptions

    /// A backend over `milp` (default GLPK) with `options`.
    public init(milp: any MILPSolver = GLPKSolver(), options: SolverOptions = SolverOptions()) {
        self.milp = milp
        self.options = options
    }

    /// The MILP solver's identifier, e.g. "glpk".
    public var name: String { milp.id.rawValue }
    /// The MILP solver in prose, e.g. "GLPK".
    public var displayName: String { milp.id.displayName }

    /// The problem's ``ExactProblem/outcomeWithoutSolving`` when it has one (attributed to ``SolverID/reductions``, zero time);
    /// otherwise the outcome of its integer programs solved by ``milp`` with ``options``, timed. Throws what
    /// ``ExactProblem/solve(with:options:)`` throws, e.g. ``SolverError/notProven(_:status:)`` when a time limit stops GLPK.
    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        if let known = problem.outcomeWithoutSolving {
            return ExactResult(outcome: known, solver: .reductions, solveTime: .zero)
        }
        return try timed(milp.id) { () throws(SolverError) in try problem.solve(with: milp, options: options) }
    }
}
