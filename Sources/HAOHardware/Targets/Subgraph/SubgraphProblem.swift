import HAOSolver

/// The subgraph target's configuration problem for one network: the instance's tables before and
/// after exact pruning, the objective in cycles, and the formulation of its integer program.
///
/// GLPK solves the pruned program, the native solver the pruned instance, and enumeration the
/// unpruned instance, so enumeration also certifies that pruning kept an optimum.
public struct SubgraphProblem: ConfigurationProblem {
    /// A solution is one engine configuration for the network.
    public typealias Answer = SubgraphConfiguration

    /// The instance before pruning.
    public var full: SubgraphInstance
    /// The instance after pruning (what GLPK and the native solver see).
    public var pruned: SubgraphInstance
    /// What is minimised, in cycles.
    public var objective: SubgraphObjective
    /// Options of the integer program.
    public var formulation: FormulationOptions
    /// The network's name, for the program's name.
    public var name: String

    /// The problem of `full` under `pruning`.
    public init(
        full: SubgraphInstance, pruning: PruningOptions, objective: SubgraphObjective,
        formulation: FormulationOptions = .standard, name: String
    ) {
        self.full = full
        pruned = full.pruned(pruning)
        self.objective = objective
        self.formulation = formulation
        self.name = name
    }

    /// A problem without pruning.
    public var unreduced: SubgraphProblem {
        var copy = self
        copy.pruned = full
        return copy
    }

    /// When pruning leaves an engine without candidates, the problem is infeasible without solving:
    /// reported as such rather than crediting a solver with an answer it never computed.
    public var outcomeWithoutSolving: ExactOutcome<SubgraphConfiguration>? {
        pruned.candidateCounts.contains(0) ? .infeasible() : nil
    }

    /// The integer program of the pruned instance, with names for the program file and messages.
    public func integerProgram() -> LinearModel {
        SubgraphProgram(instance: pruned, objective: objective, options: formulation, name: name).model
    }

    /// The program as solvers get it (unnamed: names only serve files and messages).
    var program: SubgraphProgram {
        SubgraphProgram(instance: pruned, objective: objective, options: formulation, name: name, names: false)
    }

    /// Solves the pruned program with `solver`. Returns an infeasible outcome when the program is; the objective is in
    /// clock cycles (latency mode) or weighted resources (inverse mode). Throws what `solver` throws and
    /// ``SolverError/failed(_:code:message:)`` when the solution chooses no configuration for some engine.
    public func solve(with solver: any MILPSolver, options: SolverOptions) throws(SolverError) -> ExactOutcome<SubgraphConfiguration> {
        let program = self.program
        guard let solution = try solver.solve(program.model, options: options).proven() else { return .infeasible() }
        guard let choice = program.choice(from: solution.values) else {
            throw .failed(solver.id, code: 0, message: "returned a solution with no engine configuration chosen")
        }
        return .optimal(pruned.configuration(choice), objective: (solution.objective ?? .nan) + program.objectiveOffset)
    }

    /// Solves the pruned instance with the native branch-and-bound; does not throw.
    public func solveNatively() throws(SolverError) -> ExactOutcome<SubgraphConfiguration> {
        outcome(pruned, pruned.solveNative(objective))
    }

    /// Evaluates every candidate triple of the unpruned instance, so the answer also certifies that pruning kept an optimum.
    /// Does not throw: the subgraph target's candidate lists are small enough to enumerate.
    public func solveByEnumeration() throws(SolverError) -> ExactOutcome<SubgraphConfiguration> {
        outcome(full, full.solveExhaustive(objective))
    }

    /// The product of the unpruned candidate counts of the three engines.
    public var enumerationSize: Int { full.candidateCounts.reduce(1, *) }

    /// The pruned candidate counts of the three engines, e.g. "98 x 70 x 98".
    public var candidateSummary: String { pruned.candidateCounts.map(String.init).joined(separator: " x ") }

    /// "latency_cycles" in latency mode, "resources" (the weighted resource cost) in inverse mode.
    public var objectiveName: String { objective == .minimiseLatency ? "latency_cycles" : "resources" }

    private func outcome(_ instance: SubgraphInstance, _ result: NativeResult) -> ExactOutcome<SubgraphConfiguration> {
        guard let choice = result.choice, let value = result.objective else { return .infeasible(evaluatedCandidates: result.evaluated) }
        return .optimal(instance.configuration(choice), objective: value, evaluatedCandidates: result.evaluated)
    }
}

extension SubgraphInstance {
    /// The configuration of a candidate triple (indices into `candidates`).
    public func configuration(_ choice: [Int]) -> SubgraphConfiguration {
        SubgraphConfiguration(
            expand: candidates[EngineKind.expand.index][choice[0]],
            depthwise: candidates[EngineKind.depthwise.index][choice[1]],
            project: candidates[EngineKind.project.index][choice[2]])
    }
}
