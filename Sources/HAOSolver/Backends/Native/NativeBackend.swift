extension SolverID {
    /// The problem's own exact algorithm, in Swift.
    public static let native = SolverID("native")
}

/// Solves exact problems with their own exact algorithm (pure Swift, no integer program).
public struct NativeBackend: ExactSolver {
    /// The native backend; it has no options.
    public init() {}

    /// "native" (``SolverID/native``).
    public var name: String { SolverID.native.rawValue }

    /// Runs the problem's own exact algorithm (``ExactProblem/solveNatively()``) and times it; the result names ``SolverID/native``.
    /// Throws what the algorithm throws.
    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        try timed(.native) { () throws(SolverError) in try problem.solveNatively() }
    }
}
