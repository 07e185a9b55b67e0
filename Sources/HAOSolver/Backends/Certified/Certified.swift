/// Solves with a fast exact backend and has a MILP solver (GLPK) certify the answer: the project's
/// `auto` policy (`Certified(NativeBackend(), certifier: GLPKSolver())`).
///
/// The fast backend's outcome is returned, with the certificate in ``ExactResult/certificate``. A certificate that
/// fails is a disagreement between two exact solvers -- a bug -- and is thrown as
/// ``SolverError/disagreement(claimed:certifier:)`` naming both answers. A certifier that cannot
/// finish (a time limit, a numerical failure: ``SolverError/isInconclusive``) does not make the
/// fast answer wrong: the result carries a note that it was not certified. Any other certifier
/// error (a certificate program that does not validate, a call the solver rejects) is a bug and
/// is thrown.
///
/// ``certify(_:claimed:kind:)`` is public on its own, so that a caller that solves many problems
/// some other way (the co-design search's memoised evaluator) certifies the ones it chooses with
/// the same certifier and the same rules.
public struct Certified<Fast: ExactSolver>: ExactSolver {
    /// The backend that answers.
    public var fast: Fast
    /// The MILP solver that certifies.
    public var certifier: any MILPSolver
    /// Options of every certificate solve (the time limit above all).
    public var options: SolverOptions
    /// How ``solve(_:)`` certifies each answer.
    public var kind: CertificateKind

    /// `fast`, each answer certified by `certifier` (default GLPK) with a `kind` certificate.
    public init(
        _ fast: Fast, certifier: any MILPSolver = GLPKSolver(), options: SolverOptions = SolverOptions(),
        kind: CertificateKind = .cutoff
    ) {
        self.fast = fast
        self.certifier = certifier
        self.options = options
        self.kind = kind
    }

    /// The fast backend's name and the certifier's, e.g. for logs.
    public var name: String { "\(fast.name), certified by \(certifier.id.rawValue)" }
    /// The fast backend's and the certifier's names as reports print them.
    public var displayName: String { "\(fast.displayName), certified by \(certifier.id.displayName)" }

    /// Solves with the fast backend and certifies the answer. An outcome the problem's reductions decide is returned
    /// uncertified, as ``SolverID/reductions``. A certifier that cannot finish leaves a note in ``ExactResult/messages``
    /// and the answer stands; its other errors are thrown. Throws what the fast backend throws, and ``SolverError/disagreement(claimed:certifier:)``
    /// when the certificate refutes the answer.
    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        // An outcome the problem's own (exact) reductions decide is reported as theirs, as the
        // MILP backend reports it.
        if let known = problem.outcomeWithoutSolving {
            return ExactResult(outcome: known, solver: .reductions, solveTime: .zero)
        }
        var result = try fast.solve(problem)
        let certificate: Certificate<Problem.Answer>
        do { certificate = try certify(problem, claimed: result.outcome, kind: kind) } catch let error where error.isInconclusive {
            result.messages.append(
                "not certified: \(certifier.id.displayName) did not finish (\(error)); the \(fast.displayName) answer is exact on its own")
            return result
        }
        if let disagreement = certificate.disagreement { throw disagreement }
        result.certificate =
            "certified by \(certifier.id.displayName) (\(Self.explain(kind, result.outcome)), \(Self.format(certificate.time)))"
        return result
    }

    /// Checks `claimed` for `problem` with the certifier. Throws only when the certifier fails;
    /// a refuted claim is a certificate whose ``Certificate/counterexample`` is set.
    public func certify<Problem: ExactProblem>(
        _ problem: Problem, claimed: ExactOutcome<Problem.Answer>,
        kind: CertificateKind
    ) throws(SolverError) -> Certificate<Problem.Answer> {
        let clock = ContinuousClock()
        let start = clock.now
        let found = try problem.certify(claimed, kind: kind, with: certifier, options: options)
        return Certificate(kind: kind, solver: certifier.id, claimed: claimed, counterexample: found, time: clock.now - start)
    }

    static func explain<A>(_ kind: CertificateKind, _ outcome: ExactOutcome<A>) -> String {
        switch (kind, outcome.status) {
        case (_, .infeasible): return "the program is infeasible"
        case (.cutoff, .optimal): return "no answer strictly better"
        case (.reproduction, .optimal): return "same optimum"
        }
    }

    static func format(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
        return ms < 10 ? "\((ms * 100).rounded() / 100) ms" : "\(Int(ms.rounded())) ms"
    }
}
