extension SolverID {
    /// The problem's own exact algorithm, in Swift.
    public static let native = SolverID("native")
}

/// Solves exact problems with their own exact algorithm (pure Swift, no integer program).
public struct NativeBackend: ExactSolver {
    public init() {}

    public var name: String { SolverID.native.rawValue }

    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        try timed(.native) { () throws(SolverError) in try problem.solveNatively() }
    }
}
