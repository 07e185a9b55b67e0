extension SolverID {
    /// Exhaustive enumeration of every candidate: the reference that certifies the others.
    public static let enumeration = SolverID("enumeration", displayName: "exhaustive enumeration")
}

/// Solves exact problems by evaluating every candidate (slow; for certification).
public struct EnumerationBackend: ExactSolver {
    /// The enumeration backend; it has no options (each problem sets how many candidates it will enumerate).
    public init() {}

    /// "enumeration" (``SolverID/enumeration``); "exhaustive enumeration" in prose.
    public var name: String { SolverID.enumeration.rawValue }

    /// Evaluates every candidate (``ExactProblem/solveByEnumeration()``) and times it; the result names ``SolverID/enumeration``.
    /// Throws ``SolverError/unsupported(_:)`` when the problem has too many candidates to enumerate.
    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        try timed(.enumeration) { () throws(SolverError) in try problem.solveByEnumeration() }
    }
}
