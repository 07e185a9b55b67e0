import HAOSolver

extension SubgraphProblem {
    /// Certifies a claimed outcome with a MILP solver (GLPK) on this problem's integer program.
    ///
    /// - Cutoff, latency mode: latency is a whole number of cycles, so "nothing strictly better
    ///   than U" is "the program with `sum_s L_s <= U - 1` is infeasible" -- one bounded program.
    /// - Reproduction: the plain program solved to proven optimality; its configuration's latency,
    ///   evaluated on the instance's integer tables, must equal the claim.
    /// - A claimed infeasibility: the unpruned program must be infeasible (so the pruning that may
    ///   have decided it is checked too).
    /// - Inverse mode (least weighted resources) has no objective step: it is reproduced.
    ///
    /// A configuration GLPK returns is always judged by its exact latency on the tables, not by
    /// GLPK's floating-point objective, so a solution accepted within GLPK's feasibility tolerance
    /// (about 1e-7 of the row bound) is never mistaken for a counterexample; such a cutoff answer
    /// falls back to reproduction.
    public func certify(
        _ claimed: ExactOutcome<SubgraphConfiguration>, kind: CertificateKind, with solver: any MILPSolver,
        options: SolverOptions
    ) throws(SolverError) -> ExactOutcome<SubgraphConfiguration>? {
        guard claimed.status == .optimal, let value = claimed.objective else {
            let outcome = try unreduced.solve(with: solver, options: options)
            return outcome.status == .infeasible ? nil : outcome
        }
        if kind == .cutoff, objective == .minimiseLatency, value == value.rounded(), value >= 1, !pruned.candidateCounts.contains(0) {
            let claimedCycles = Int(value)
            guard let choice = try cutoffChoice(below: claimedCycles, with: solver, options: options) else { return nil }
            let latency = pruned.latency(choice)
            if latency < claimedCycles, pruned.fits(choice) {
                return .optimal(pruned.configuration(choice), objective: Double(latency))
            }
            // Accepted only within GLPK's feasibility tolerance, not exactly better: reproduce.
        }
        return try reproduce(claimed, value: value, with: solver, options: options)
    }

    /// The configuration GLPK finds for the program with `sum_s L_s <= claimed - 1`; nil when
    /// that program is infeasible.
    private func cutoffChoice(below claimed: Int, with solver: any MILPSolver, options: SolverOptions) throws(SolverError) -> [Int]? {
        var program = self.program
        program.model.addConstraint("", program.latencyColumns.map { 1.0 * $0 }, upperBound: Double(claimed - 1))
        guard let solution = try solver.solve(program.model, options: options).proven() else { return nil }
        guard let choice = program.choice(from: solution.values) else {
            throw .failed(solver.id, code: 0, message: "returned a solution with no engine configuration chosen")
        }
        return choice
    }

    private func reproduce(
        _ claimed: ExactOutcome<SubgraphConfiguration>, value: Double, with solver: any MILPSolver,
        options: SolverOptions
    ) throws(SolverError) -> ExactOutcome<SubgraphConfiguration>? {
        let instance = pruned.candidateCounts.contains(0) ? full : pruned
        let program = SubgraphProgram(instance: instance, objective: objective, options: formulation, name: name, names: false)
        guard let solution = try solver.solve(program.model, options: options).proven() else { return .infeasible() }
        guard let choice = program.choice(from: solution.values) else {
            throw .failed(solver.id, code: 0, message: "returned a solution with no engine configuration chosen")
        }
        let exact: Double
        switch objective {
        case .minimiseLatency: exact = Double(instance.latency(choice))
        case .minimiseResources(let weights, _): exact = weights.cost(instance.totalResources(choice))
        }
        let found = ExactOutcome<SubgraphConfiguration>.optimal(instance.configuration(choice), objective: exact)
        return found.sameOptimum(as: claimed) && instance.fits(choice) ? nil : found
    }
}
