/// How a certifier (a MILP solver, GLPK) checks an outcome another exact solver claimed.
public enum CertificateKind: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Nothing is strictly better: the integer program with its objective bounded by the claimed
    /// optimum less the problem's objective step (one cycle for latency in whole cycles) is
    /// infeasible. For a claimed infeasibility, the program itself is infeasible. The claimed
    /// answer's own value is checked separately, by evaluating it with the cost model.
    case cutoff
    /// The plain integer program, solved to proven optimality, has the claimed optimum (or is
    /// infeasible when infeasibility was claimed).
    case reproduction

    /// The kind's name in reports: "cutoff" or "reproduction".
    public var description: String { rawValue }
}

/// The result of checking one claimed outcome: what was claimed, how it was checked, by whom, how
/// long it took, and what the certifier found when the check failed.
public struct Certificate<Answer: Sendable>: Sendable {
    /// How it was checked.
    public var kind: CertificateKind
    /// The certifier.
    public var solver: SolverID
    /// The outcome that was checked.
    public var claimed: ExactOutcome<Answer>
    /// nil when the certificate holds; otherwise the certifier's outcome: a strictly better answer
    /// (cutoff), its own optimum or status (reproduction), or a feasible answer to a claimed infeasibility.
    public var counterexample: ExactOutcome<Answer>?
    /// Wall-clock time of the check.
    public var time: Duration

    /// Whether the claimed outcome survived the check.
    public var holds: Bool { counterexample == nil }

    /// The disagreement as an error naming both outcomes, nil when the certificate holds.
    public var disagreement: SolverError? {
        guard let counterexample else { return nil }
        let better =
            counterexample.status == .optimal
            && (claimed.status == .infeasible || (counterexample.objective ?? .infinity) < (claimed.objective ?? -.infinity))
        let found =
            "\(solver.displayName) found \(Self.describe(counterexample))"
            + (better
                ? (claimed.status == .infeasible ? ", a feasible answer" : ", strictly better than the claimed optimum")
                : " as the program's optimum")
            + " (\(kind) certificate)"
        return .disagreement(claimed: "claimed \(Self.describe(claimed))", certifier: found)
    }

    static func describe(_ outcome: ExactOutcome<Answer>) -> String {
        switch outcome.status {
        case .infeasible: return "infeasible"
        case .optimal:
            let value = outcome.objective.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" } ?? "?"
            return "objective \(value) with \(outcome.answer.map { "\($0)" } ?? "no answer")"
        }
    }
}

extension ExactOutcome {
    /// Whether `other` has the same status and, when optimal, the same objective. Objectives are
    /// compared as the problems report them: a MILP solver's objective is a floating-point sum of
    /// integral terms, so values that differ by less than one part in 10^9 are the same number
    /// written twice, not a tolerance on the model.
    public func sameOptimum(as other: ExactOutcome<Answer>) -> Bool {
        guard status == other.status else { return false }
        guard status == .optimal else { return true }
        guard let a = objective, let b = other.objective else { return false }
        return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    }
}

extension ExactProblem {
    /// The default certificate: re-solve the integer program with `solver` and compare (both
    /// kinds). Returns nil when the claimed outcome is confirmed, the certifier's outcome otherwise.
    public func certify(
        _ claimed: ExactOutcome<Answer>, kind: CertificateKind, with solver: any MILPSolver,
        options: SolverOptions
    ) throws(SolverError) -> ExactOutcome<Answer>? {
        let reference: ExactOutcome<Answer>
        if let known = outcomeWithoutSolving { reference = known } else { reference = try solve(with: solver, options: options) }
        return claimed.sameOptimum(as: reference) ? nil : reference
    }
}
