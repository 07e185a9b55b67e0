extension SolverID {
    /// Exhaustive enumeration of every candidate: the reference that certifies the others.
    public static let enumeration = SolverID("enumeration", displayName: "exhaustive enumeration")
}

/// Solves exact problems by evaluating every candidate (slow; for certification).
public struct EnumerationBackend: ExactSolver {
    public init() {}

    public var name: String { SolverID.enumeration.rawValue }

    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        try timed(.enumeration) { () throws(SolverError) in try problem.solveByEnumeration() }
    }
}
