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

    public var name: String { milp.id.rawValue }
    public var displayName: String { milp.id.displayName }

    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        if let known = problem.outcomeWithoutSolving {
            return ExactResult(outcome: known, solver: .reductions, solveTime: .zero)
        }
        return try timed(milp.id) { () throws(SolverError) in try problem.solve(with: milp, options: options) }
    }
}
