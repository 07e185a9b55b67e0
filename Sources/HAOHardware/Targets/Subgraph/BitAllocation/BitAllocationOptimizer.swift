import HAONetwork
import HAOSolver

/// Chooses every block's bit width and the accelerator configuration together, exactly:
/// least predicted accuracy penalty with latency (or model size) within a limit and the
/// configuration within the device's budget. docs/bit-allocation.md explains the method.
public struct BitAllocationOptimizer: Sendable {
    /// The device.
    public var device: Device
    /// The utilisation cap.
    public var cap: UtilisationCap
    /// The cost model's constants.
    public var parameters: SubgraphParameters

    /// The bit allocation of the subgraph template on `device` under `cap`.
    public init(device: Device, cap: UtilisationCap = .standard, parameters: SubgraphParameters = .standard) {
        self.device = device
        self.cap = cap
        self.parameters = parameters
    }

    /// The latency limit in whole cycles for a target frame rate: `floor(clock / fps)`.
    public func latencyLimit(fps: Double) throws(BitAllocationError) -> Int {
        guard fps.isFinite, fps > 0 else { throw .invalidProblem("target fps must be a positive number, got \(fps)") }
        let cycles = (device.clockMHz * 1e6 / fps).rounded(.down)
        guard cycles >= 1 else { throw .invalidProblem("target of \(fps) fps is less than one clock cycle at \(device.clockMHz) MHz") }
        return Int(min(cycles, Double(Int.max / 2)))
    }

    /// Least predicted penalty within the problem's limit, solved by `solver`.
    public func solve(_ problem: BitAllocationProblem, using solver: any ExactSolver) throws(BitAllocationError) -> BitAllocationSolution<
        SubgraphTarget
    > {
        let context = try BitAllocationContext(problem: problem, device: device, cap: cap, parameters: parameters)
        let result: ExactResult<BitAllocationRaw>
        do { result = try solver.solve(BitAllocationSearch(context: context, objective: .penalty)) } catch {
            throw .solverFailed("\(error)")
        }
        let raw = result.outcome.answer ?? BitAllocationRaw(bits: nil, configuration: nil, objective: nil, work: 0)
        let messages = result.messages
        let solverName = result.solver
        let solveTime = result.solveTime
        let accelerator = SubgraphTarget(device: device, cap: cap, parameters: parameters)
        guard let bits = raw.bits, let config = raw.configuration else {
            return try infeasible(problem, context: context, accelerator: accelerator, result: result)
        }
        // Check the answer with the cost model itself, independently of the tables.
        let network = problem.network(withBits: bits)
        let model = SubgraphCostModel(network: network, device: device, parameters: parameters)
        let budget = cap.budget(of: device)
        let check = model.evaluate(config, budget: budget)
        guard check.totalResources.fits(in: budget) else {
            throw .inconsistent(
                "\(solverName)'s configuration \(config) for widths \(bits) needs \(check.totalResources), over the budget \(budget)")
        }
        if case .latency(let c) = problem.limit, check.latencyCycles > c {
            throw .inconsistent("\(solverName)'s answer has latency \(check.latencyCycles) cycles, over the limit of \(c)")
        }
        let penalty = problem.penalty(bits)
        if let claimed = raw.objective, abs(claimed - penalty) > 1e-6 * max(1, abs(penalty)) {
            throw .inconsistent("\(solverName) reports penalty \(claimed) but the widths \(bits) have penalty \(penalty)")
        }
        // Report the fastest configuration for the chosen widths (the limit only needs some).
        let fastest: HardwareSolution<SubgraphTarget>
        do { fastest = try accelerator.solve(network, using: NativeBackend()) } catch { throw .hardware(error) }
        guard let report = fastest.report, report.latencyCycles <= check.latencyCycles else {
            throw .inconsistent(
                "the accelerator optimizer finds no configuration as fast as \(check.latencyCycles) cycles for widths \(bits)")
        }
        return BitAllocationSolution(
            status: .optimal, bits: bits, penalty: penalty, report: report,
            modelBits: BitAllocationProblem.modelBits(network), solver: solverName, solveTime: solveTime,
            clockMHz: device.clockMHz, latencyCycles: report.latencyCycles, leastLatencyCycles: nil, leastLatencyMs: nil,
            leastLatencyBits: nil, diagnosis: nil, messages: messages)
    }

    /// The answer when no width assignment meets the limit, with a diagnosis of what is
    /// reachable at all: the least latency, the smallest model, or why the lowest widths fail.
    private func infeasible(
        _ problem: BitAllocationProblem, context: BitAllocationContext, accelerator: SubgraphTarget,
        result: ExactResult<BitAllocationRaw>
    ) throws(BitAllocationError) -> BitAllocationSolution<SubgraphTarget> {
        let lowestBits = context.blockBits(context.units.map { $0.bits.min()! })
        let smallest = context.modelBits(lowestBits)
        let least = context.solveNative(.latency)
        var diagnosis: String
        var leastCycles: Int? = nil
        if let lb = least.bits, let cycles = least.objective.map({ Int($0) }) {
            leastCycles = cycles
            let fps = device.clockMHz * 1e6 / Double(cycles)
            switch problem.limit {
            case .latency(let c):
                diagnosis =
                    "infeasible on \(device.part): the target of \(Self.format(device.clockMHz * 1e6 / Double(c))) fps (\(c) cycles) is out of reach; the least latency reachable is \(cycles) cycles (\(Self.format(fps)) fps) with widths \(lb)"
            case .modelSize(let s):
                diagnosis =
                    "infeasible on \(device.part): no width assignment within \(s) bits (\(Self.format(Double(s) / 8e6)) MB) fits the device; the smallest model is \(smallest) bits"
            }
        } else if case .modelSize(let s) = problem.limit, smallest > s {
            diagnosis =
                "infeasible: the smallest model (every block at its lowest width) has \(smallest) bits = \(Self.format(Double(smallest) / 8e6)) MB, above the limit of \(s) bits = \(Self.format(Double(s) / 8e6)) MB"
        } else {
            let atLowest: HardwareSolution<SubgraphTarget>
            do { atLowest = try accelerator.solve(problem.network(withBits: lowestBits), using: NativeBackend()) } catch {
                throw .hardware(error)
            }
            let why = atLowest.diagnosis ?? "no configuration fits"
            diagnosis = "no width assignment fits the device (at the lowest widths: \(why))"
            if case .modelSize(let s) = problem.limit {
                diagnosis += "; size limit \(s) bits, smallest model \(smallest) bits"
            }
        }
        return BitAllocationSolution(
            status: .infeasible, bits: nil, penalty: nil, report: nil, modelBits: nil, solver: result.solver,
            solveTime: result.solveTime, clockMHz: device.clockMHz, latencyCycles: nil, leastLatencyCycles: leastCycles,
            leastLatencyMs: leastCycles.map { Double($0) / (device.clockMHz * 1000) }, leastLatencyBits: least.bits,
            diagnosis: diagnosis, messages: result.messages)
    }

    static func format(_ x: Double) -> String { "\((x * 100).rounded() / 100)" }
}

/// One bit-allocation solve as an exact problem, so that the solver backends (GLPK, native,
/// enumeration, and their compositions) answer it like any other.
struct BitAllocationSearch: ExactProblem {
    let context: BitAllocationContext
    let objective: BitAllocationObjective

    var outcomeWithoutSolving: ExactOutcome<BitAllocationRaw>? { nil }

    func solve(with solver: any MILPSolver, options: SolverOptions) throws(SolverError) -> ExactOutcome<BitAllocationRaw> {
        outcome(try context.solve(objective, with: solver, options: options))
    }

    func solveNatively() throws(SolverError) -> ExactOutcome<BitAllocationRaw> {
        outcome(context.solveNative(objective))
    }

    func solveByEnumeration() throws(SolverError) -> ExactOutcome<BitAllocationRaw> {
        do { return outcome(try context.solveExhaustive(objective)) } catch { throw .unsupported(error.description) }
    }

    private func outcome(_ raw: BitAllocationRaw) -> ExactOutcome<BitAllocationRaw> {
        guard raw.bits != nil, let value = raw.objective else { return .infeasible(evaluatedCandidates: raw.work) }
        return .optimal(raw, objective: value, evaluatedCandidates: raw.work)
    }
}

extension SubgraphTarget: MixedPrecisionTarget {
    /// The latency limit in clock cycles that reaching `targetFPS` frames per second means on this device's clock.
    /// Throws ``BitAllocationError`` when the frame rate is not positive and finite, or its frame time is under one clock cycle.
    public func bitAllocationLimit(targetFPS: Double) throws(BitAllocationError) -> BitAllocationLimit {
        .latency(maxCycles: try BitAllocationOptimizer(device: device, cap: cap, parameters: parameters).latencyLimit(fps: targetFPS))
    }

    /// Clamped as a target fps is: a limit of 1e300 ms (from --min-fps 1e-300) does not fit an
    /// Int of cycles, and bounds nothing anyway.
    public func bitAllocationLimit(latencyMs: Double) -> BitAllocationLimit {
        let cycles = Int(min((latencyMs * device.clockMHz * 1000).rounded(.down), Double(Int.max / 2)))
        return .latency(maxCycles: max(1, cycles))
    }

    /// The per-block bit widths and engine configuration that best meet `problem` within the budget, solved by `solver`
    /// (GLPK, native or enumeration). Throws ``BitAllocationError`` when the problem is invalid or the solver fails.
    public func allocateBits(_ problem: BitAllocationProblem, using solver: any ExactSolver) throws(BitAllocationError)
        -> BitAllocationSolution<SubgraphTarget>
    {
        try BitAllocationOptimizer(device: device, cap: cap, parameters: parameters).solve(problem, using: solver)
    }
}

extension BitAllocationOptimizer {
    /// Solves with the solver a ``SolverChoice`` names (default `auto`).
    public func solve(_ problem: BitAllocationProblem, solver: SolverChoice = .auto) throws(BitAllocationError) -> BitAllocationSolution<
        SubgraphTarget
    > {
        try solve(problem, using: solver.makeSolver())
    }
}
