import HAONetwork
import HAOSolver

extension HardwareTarget {
    /// The device.
    public var device: Device { settings.device }
    /// The usable budget (device totals under the cap).
    public var budget: Resources { settings.budget }

    /// Solves `network`'s configuration problem exactly with `solver`, and evaluates the answer
    /// with the cost model, checking that it agrees with what the solver claimed.
    public func solve(
        _ network: Network, objective: DesignObjective = .minimiseLatency,
        using solver: any ExactSolver
    ) throws(HardwareError) -> HardwareSolution<Self> {
        let problem = try configurationProblem(for: network, objective: objective)
        return try solve(problem, network: network, objective: objective, using: solver)
    }

    /// Solves an already built problem of `network` (see ``solve(_:objective:using:)``).
    public func solve(
        _ problem: Problem, network: Network, objective: DesignObjective,
        using solver: any ExactSolver
    ) throws(HardwareError) -> HardwareSolution<Self> {
        let result: ExactResult<Configuration>
        do { result = try solver.solve(problem) } catch { throw .solverFailed(error) }
        guard result.outcome.status == .optimal, let configuration = result.outcome.answer else {
            return HardwareSolution(
                status: .infeasible, report: nil, problem: problem, solver: result.solver, solveTime: result.solveTime,
                objective: nil, diagnosis: diagnoseInfeasibility(of: problem, objective: objective),
                messages: result.messages, budget: budget, certificate: result.certificate)
        }
        let report = try evaluate(configuration, for: network)
        // The report is computed by the cost model independently of the problem's tables: they must agree.
        let check = try objectiveValue(of: report, for: objective)
        if let claimed = result.outcome.objective, abs(claimed - check) > 1e-6 * max(1, abs(check)) {
            throw .inconsistent("\(result.solver) reports objective \(claimed) but the cost model evaluates its configuration to \(check)")
        }
        return HardwareSolution(
            status: .optimal, report: report, problem: problem, solver: result.solver, solveTime: result.solveTime,
            objective: check, diagnosis: nil, messages: result.messages, budget: budget, certificate: result.certificate)
    }

    /// Writes the integer program of `network` (after the problem's reductions) as free MPS or CPLEX LP.
    public func exportProgram(
        _ network: Network, objective: DesignObjective = .minimiseLatency, to path: String,
        format: ModelFileFormat
    ) throws(HardwareError) {
        let program = try configurationProblem(for: network, objective: objective).integerProgram()
        do { try program.write(to: path, format: format) } catch {
            if case .fileError = error { throw .outputFailed(error.description) }
            throw .solverFailed(error)
        }
    }
}

extension HardwareTarget {
    /// Solves with the solver a ``SolverChoice`` names (default `auto`).
    public func solve(
        _ network: Network, objective: DesignObjective = .minimiseLatency,
        solver: SolverChoice = .auto
    ) throws(HardwareError) -> HardwareSolution<Self> {
        try solve(network, objective: objective, using: solver.makeSolver())
    }
}

extension HardwareTarget {
    /// Least weighted resources (DSP by default) reaching `targetFPS`: the inverse question.
    public func solve(
        _ network: Network, targetFPS: Double, weights: ResourceWeights = .dsp,
        solver: SolverChoice = .auto
    ) throws(HardwareError) -> HardwareSolution<Self> {
        try solve(network, objective: .minimiseResources(weights: weights, targetFPS: targetFPS), solver: solver)
    }
}
