/// A discrete optimisation problem that several exact backends can solve: an integer program for
/// a MILP solver such as GLPK, a problem-specific exact algorithm ("native"), and exhaustive
/// enumeration, which certifies the other two on instances small enough to enumerate.
///
/// A hardware target builds one per network (its configuration problem); the solver backends
/// (``ExactSolver``) decide which of the three ways runs. Every way must return the same optimum:
/// the project's tests check that they do.
public protocol ExactProblem: Sendable {
    /// What a solution is, e.g. an accelerator configuration.
    associatedtype Answer: Sendable

    /// The outcome when it is known without solving anything (e.g. reductions left a choice with
    /// no candidate, so nothing is feasible); nil otherwise. MILP backends report it instead of
    /// running on a program that is infeasible by construction.
    var outcomeWithoutSolving: ExactOutcome<Answer>? { get }

    /// Solves with `solver` for every integer program the problem needs. A solve that stops
    /// before proving optimality throws ``SolverError/notProven(_:status:)``.
    func solve(with solver: any MILPSolver, options: SolverOptions) throws(SolverError) -> ExactOutcome<Answer>

    /// Solves with the problem's own exact algorithm.
    func solveNatively() throws(SolverError) -> ExactOutcome<Answer>

    /// Evaluates every candidate; throws ``SolverError/unsupported(_:)`` when there are too many.
    func solveByEnumeration() throws(SolverError) -> ExactOutcome<Answer>

    /// Checks `claimed` (an outcome another way of solving returned) with `solver`; returns nil
    /// when the check holds and what `solver` found otherwise (see ``CertificateKind``).
    ///
    /// A default implementation re-solves the integer program and compares (both kinds); a
    /// problem whose objective takes discrete values overrides it to prove a ``CertificateKind/cutoff``
    /// with one bounded program, which is cheaper than finding the optimum again.
    func certify(
        _ claimed: ExactOutcome<Answer>, kind: CertificateKind, with solver: any MILPSolver,
        options: SolverOptions
    ) throws(SolverError) -> ExactOutcome<Answer>?
}

/// The proven result of one exact solve, as the problem reports it.
public struct ExactOutcome<Answer: Sendable>: Sendable {
    /// Optimal or infeasible: an exact outcome has no other status.
    public enum Status: String, Sendable, Hashable, Codable {
        /// `answer` is optimal.
        case optimal
        /// Nothing satisfies the constraints.
        case infeasible
    }

    /// How it ended.
    public var status: Status
    /// The optimal answer (nil when infeasible).
    public var answer: Answer?
    /// The objective of `answer` in the problem's units (nil when infeasible).
    public var objective: Double?
    /// Candidates whose objective was evaluated in full, for algorithms that count them.
    public var evaluatedCandidates: Int?

    /// An optimal outcome.
    public static func optimal(_ answer: Answer, objective: Double, evaluatedCandidates: Int? = nil) -> ExactOutcome {
        ExactOutcome(status: .optimal, answer: answer, objective: objective, evaluatedCandidates: evaluatedCandidates)
    }

    /// An infeasible outcome.
    public static func infeasible(evaluatedCandidates: Int? = nil) -> ExactOutcome {
        ExactOutcome(status: .infeasible, answer: nil, objective: nil, evaluatedCandidates: evaluatedCandidates)
    }
}

extension Solution {
    /// The solution when it is proven optimal, nil when the program is infeasible; any other
    /// status (time limit, gap, unbounded) is an error, since an exact problem needs a proof.
    public func proven() throws(SolverError) -> Solution? {
        switch status {
        case .optimal: return self
        case .infeasible: return nil
        case .unbounded, .feasible, .timeLimitWithIncumbent, .timeLimitNoIncumbent, .stoppedWithIncumbent, .stoppedNoIncumbent:
            throw .notProven(solver, status: status)
        }
    }
}
