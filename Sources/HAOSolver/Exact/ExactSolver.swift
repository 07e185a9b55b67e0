/// One way of solving any ``ExactProblem``: a backend (GLPK, native, enumeration) or a
/// composition of backends (``Fallback``). Call sites receive one injected; they never build a
/// particular backend themselves.
public protocol ExactSolver: Sendable {
    /// The solver as named in reports and on the command line, e.g. "glpk".
    var name: String { get }
    /// The solver in prose, e.g. "GLPK".
    var displayName: String { get }
    /// Solves `problem` exactly. Infeasibility is an outcome; failures (a backend error, a time
    /// limit without proof) are thrown.
    func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer>
}

extension ExactSolver {
    /// Defaults to ``name``.
    public var displayName: String { name }
}

/// An exact outcome with who produced it, how long it took, and notes for the user.
public struct ExactResult<Answer: Sendable>: Sendable {
    /// The proven outcome.
    public var outcome: ExactOutcome<Answer>
    /// The backend that produced it (``SolverID/reductions`` when no backend had to run).
    public var solver: SolverID
    /// Wall-clock time of the solve, building the backend's own model included.
    public var solveTime: Duration
    /// Notes, e.g. that a fallback backend took over and why, or that a certificate could not be
    /// obtained: things the user should see.
    public var messages: [String]
    /// The certificate that held, when a certifier checked the answer (``Certified``), e.g.
    /// "certified by GLPK (no answer strictly better, 12 ms)". Not a note: nothing went wrong.
    public var certificate: String?

    /// A result as a backend reports it.
    public init(outcome: ExactOutcome<Answer>, solver: SolverID, solveTime: Duration, messages: [String] = []) {
        self.outcome = outcome
        self.solver = solver
        self.solveTime = solveTime
        self.messages = messages
    }
}

/// Runs `body` and returns its outcome with the backend's identity and the elapsed time.
func timed<Answer>(_ solver: SolverID, _ body: () throws(SolverError) -> ExactOutcome<Answer>) throws(SolverError) -> ExactResult<Answer> {
    let clock = ContinuousClock()
    let start = clock.now
    let outcome = try body()
    return ExactResult(outcome: outcome, solver: solver, solveTime: clock.now - start)
}
