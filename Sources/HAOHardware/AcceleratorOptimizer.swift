import HAONetwork
import HAOSolver

/// Which exact solver answers the accelerator problem.
public enum AcceleratorSolverChoice: String, Sendable, Hashable, Codable, CaseIterable {
    /// The integer program, solved by GLPK.
    case glpk
    /// The pure-Swift exact solver.
    case native
    /// GLPK; the native solver takes over on a GLPK error or time limit (with a message saying so).
    case auto
}

/// Why the accelerator problem could not be set up or solved.
public enum AcceleratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The network is not one the template runs.
    case invalidNetwork(NetworkError)
    /// The device description is unusable (e.g. a zero clock).
    case invalidDevice(String)
    /// A target fps or cap that is not a positive finite number.
    case invalidOption(String)
    /// The network or candidate set is beyond what this tool handles.
    case tooLarge(String)
    /// The solver failed (not infeasibility: that is a status).
    case solverFailed(SolverError)
    /// The solver's objective and the cost model's evaluation of its answer differ: a bug.
    case inconsistent(String)

    public var description: String {
        switch self {
        // Validation only throws `invalidField` ("invalid network: block 3, ...") and `tooLarge`
        // ("network too large: ..."), which already say what is wrong; a prefix would repeat it.
        case .invalidNetwork(let e): return e.description
        case .invalidDevice(let m): return "invalid device: \(m)"
        case .invalidOption(let m): return "invalid option: \(m)"
        case .tooLarge(let m): return "too large: \(m)"
        case .solverFailed(let e): return "solver failed: \(e)"
        case .inconsistent(let m): return "internal inconsistency: \(m)"
        }
    }
}

/// Per-engine figures of one stage.
public struct EngineStageReport: Sendable, Hashable, Codable {
    public var engine: EngineKind
    /// Cycles the engine is busy in this stage (0 when idle).
    public var busyCycles: Int
    public var macs: Int
}

/// Where one stage's time goes.
public struct StageReport: Sendable, Hashable, Codable {
    public enum Bound: String, Sendable, Hashable, Codable {
        /// DDR traffic (weights and feature maps) takes longer than computing.
        case memory
        case expand, depthwise, project
    }
    public var name: String
    public var latencyCycles: Int
    /// Cycles of the longest pipeline path (compute plus fill and drain).
    public var computeCycles: Int
    public var memoryCycles: Int
    public var memoryBytes: Int
    public var bound: Bound
    public var engines: [EngineStageReport]
    public var weightBits: Int
    public var macs: Int
}

/// The cost model's full evaluation of one configuration.
public struct AcceleratorReport: Sendable, Hashable, Codable {
    public var configuration: AcceleratorConfiguration
    public var stages: [StageReport]
    public var latencyCycles: Int
    public var clockMHz: Double
    /// Resources of each engine, in `EngineKind.allCases` order.
    public var engineResources: [Resources]
    /// Resources outside the engines (DMA, interconnect, control).
    public var fixedResources: Resources
    public var totalResources: Resources
    public var budget: Resources

    public var latencyMs: Double { Double(latencyCycles) / (clockMHz * 1000) }
    public var fps: Double { 1000 / latencyMs }
}

extension CostModel {
    /// Evaluates `configuration` stage by stage and engine by engine.
    public func evaluate(_ configuration: AcceleratorConfiguration, budget: Resources? = nil) -> AcceleratorReport {
        var stageReports: [StageReport] = []
        var total = 0
        for stage in stages {
            let n = pathCount(stage)
            var pathSums = [Int](repeating: 0, count: n)
            for kind in EngineKind.allCases {
                for (k, t) in pathTerms(stage, configuration[kind]).enumerated() { pathSums[k] += t }
            }
            let compute = pathSums.max() ?? 0
            let memory = memoryCycles(stage)
            let latency = max(compute, memory)
            let engines = EngineKind.allCases.map { kind in
                EngineStageReport(engine: kind, busyCycles: busyCycles(stage, configuration[kind]),
                                  macs: stage.layers.filter { EngineKind.running($0.role) == kind }.reduce(0) { $0 + $1.macs })
            }
            let busiest = engines.max { $0.busyCycles < $1.busyCycles }!.engine
            let bound: StageReport.Bound = memory >= compute ? .memory
                : (busiest == .expand ? .expand : busiest == .depthwise ? .depthwise : .project)
            stageReports.append(StageReport(name: stage.name, latencyCycles: latency, computeCycles: compute, memoryCycles: memory,
                                            memoryBytes: memoryBytes(stage), bound: bound, engines: engines,
                                            weightBits: stage.layers.reduce(0) { $0 + $1.weightBits },
                                            macs: stage.layers.reduce(0) { $0 + $1.macs }))
            total += latency
        }
        let engineResources = EngineKind.allCases.map { resources(configuration[$0]) }
        let totalResources = engineResources.reduce(fixedResources, +)
        return AcceleratorReport(configuration: configuration, stages: stageReports, latencyCycles: total, clockMHz: device.clockMHz,
                                 engineResources: engineResources, fixedResources: fixedResources, totalResources: totalResources,
                                 budget: budget ?? UtilisationCap.standard.budget(of: device))
    }
}

/// The answer to one accelerator problem.
public struct AcceleratorSolution: Sendable {
    public enum Status: String, Sendable, Hashable, Codable {
        case optimal
        /// No configuration fits the budget (or meets the target in inverse mode).
        case infeasible
    }
    public var status: Status
    /// The full evaluation of the chosen configuration (nil when infeasible).
    public var report: AcceleratorReport?
    /// Which solver produced the answer: "glpk", "native", or ``decidedByPruning`` when pruning
    /// left an engine with no candidate, so the instance is infeasible without running a solver.
    public var solver: String
    public var solveTime: Duration
    /// The objective the solver reported (cycles, or weighted resources in inverse mode).
    public var objective: Double?
    /// Why it is infeasible, computed from the data, e.g. "infeasible on XCZU3EG: ...".
    public var diagnosis: String?
    /// Notes for the user, e.g. that the native solver took over from GLPK.
    public var messages: [String]
    /// Candidates per engine before and after pruning.
    public var candidateCounts: (before: [Int], after: [Int])
    public var budget: Resources

    public var configuration: AcceleratorConfiguration? { report?.configuration }
    public var latencyCycles: Int? { report?.latencyCycles }
    public var latencyMs: Double? { report?.latencyMs }
    public var fps: Double? { report?.fps }
    public var resources: Resources? { report?.totalResources }

    /// The `solver` of an answer decided by pruning alone (no solver ran).
    public static let decidedByPruning = "pruning"
}

/// Finds the accelerator configuration of least latency (or least resources for a target fps)
/// for a network on a device, exactly.
public struct AcceleratorOptimizer: Sendable {
    public var device: Device
    public var cap: UtilisationCap
    public var parameters: CostModelParameters
    public var pruning: PruningOptions
    public var formulation: FormulationOptions
    /// GLPK's time limit; in `auto` mode the native solver takes over when it is reached.
    public var glpkTimeLimit: Duration?
    /// Largest number of stages accepted (the tables grow linearly; this keeps a solve bounded).
    public static let maximumStages = 2_000

    public init(device: Device, cap: UtilisationCap = .standard, parameters: CostModelParameters = .standard,
                pruning: PruningOptions = .all, formulation: FormulationOptions = .standard, glpkTimeLimit: Duration? = .seconds(60)) {
        self.device = device
        self.cap = cap
        self.parameters = parameters
        self.pruning = pruning
        self.formulation = formulation
        self.glpkTimeLimit = glpkTimeLimit
    }

    /// One-call form: least latency of `network` on `device`.
    public static func solve(network: Network, device: Device, cap: UtilisationCap = .standard,
                             solver: AcceleratorSolverChoice = .auto) throws(AcceleratorError) -> AcceleratorSolution {
        try AcceleratorOptimizer(device: device, cap: cap).solve(network, solver: solver)
    }

    /// Checks the inputs and builds the cost model and the (unpruned) instance.
    public func setUp(_ network: Network) throws(AcceleratorError) -> (CostModel, AcceleratorInstance) {
        do { try network.validate() } catch { throw .invalidNetwork(error) }
        // A device built in code (or decoded from a checkpoint) has not necessarily been through
        // the catalogue; the cost model's arithmetic relies on the ranges `validate()` enforces.
        do { try device.validate() } catch {
            if case let .invalidValue(part, field, message) = error { throw .invalidDevice("\(part): \(field) \(message)") }
            throw .invalidDevice(error.description)
        }
        for (name, value) in [("dsp", cap.dsp), ("bram18", cap.bram18), ("lut", cap.lut), ("ff", cap.ff)] {
            guard value.isFinite, value > 0, value <= 1 else { throw .invalidOption("utilisation cap for \(name) must be in (0, 1], got \(value)") }
        }
        let model = CostModel(network: network, device: device, parameters: parameters)
        guard model.stages.count <= Self.maximumStages else {
            throw .tooLarge("\(model.stages.count) stages; at most \(Self.maximumStages) are supported")
        }
        // Cycle counts stay far below Int.max for any network that passes validation; check the
        // slowest candidate's cycles anyway so an absurd input cannot overflow silently.
        let macs = Double(network.macs)
        guard macs * 4 < Double(Int.max) / 1e3 else { throw .tooLarge("\(network.macs) MACs") }
        return (model, AcceleratorInstance(model: model, budget: cap.budget(of: device)))
    }

    /// Least latency.
    public func solve(_ network: Network, solver: AcceleratorSolverChoice = .auto) throws(AcceleratorError) -> AcceleratorSolution {
        try solve(network, objective: .minimiseLatency, solver: solver)
    }

    /// Least weighted resources (DSP by default) reaching `targetFPS`.
    public func solve(_ network: Network, targetFPS: Double, weights: ResourceWeights = .dsp,
                      solver: AcceleratorSolverChoice = .auto) throws(AcceleratorError) -> AcceleratorSolution {
        let cycles = try latencyLimit(targetFPS: targetFPS)
        return try solve(network, objective: .minimiseResources(weights: weights, maxLatencyCycles: cycles), solver: solver,
                         targetFPS: targetFPS)
    }

    /// Largest latency limit, in cycles, that inverse mode uses: a lower target fps is clamped to
    /// it. 2^62 cycles is over 700 years at 200 MHz, and far above any latency the cost model gives
    /// a network that passes validation, so clamping never changes an answer; it keeps the limit an
    /// `Int` (and its sums with other cycle counts) from overflowing.
    public static let maximumLatencyLimit = 1 << 62

    /// The latency limit in whole cycles that `targetFPS` means on this device: latency <= clock / fps,
    /// clamped to ``maximumLatencyLimit``. Throws unless `targetFPS` is a positive finite number.
    public func latencyLimit(targetFPS: Double) throws(AcceleratorError) -> Int {
        guard targetFPS.isFinite, targetFPS > 0 else { throw .invalidOption("target fps must be a positive number, got \(targetFPS)") }
        guard device.clockMHz.isFinite, device.clockMHz > 0 else {
            throw .invalidDevice("\(device.part): clock_mhz must be a finite positive number; got \(device.clockMHz)")
        }
        // The quotient can be +infinity (1e-300 fps), so clamp before converting.
        let cycles = (device.clockMHz * 1e6 / targetFPS).rounded(.down)
        return cycles >= Double(Self.maximumLatencyLimit) ? Self.maximumLatencyLimit : Int(cycles)
    }

    public func solve(_ network: Network, objective: AcceleratorObjective,
                      solver: AcceleratorSolverChoice) throws(AcceleratorError) -> AcceleratorSolution {
        try solve(network, objective: objective, solver: solver, targetFPS: nil)
    }

    /// `targetFPS` is the user's target behind a `.minimiseResources` limit, for the diagnosis only.
    func solve(_ network: Network, objective: AcceleratorObjective, solver: AcceleratorSolverChoice,
               targetFPS: Double?) throws(AcceleratorError) -> AcceleratorSolution {
        let (model, full) = try setUp(network)
        let instance = full.pruned(pruning)
        let budget = instance.budget
        var messages: [String] = []
        let clock = ContinuousClock()

        func finish(_ choice: [Int]?, objectiveValue: Double?, solverName: String, time: Duration) throws(AcceleratorError) -> AcceleratorSolution {
            guard let choice else {
                return AcceleratorSolution(status: .infeasible, report: nil, solver: solverName, solveTime: time, objective: nil,
                                           diagnosis: diagnose(full, objective: objective, targetFPS: targetFPS), messages: messages,
                                           candidateCounts: (full.candidateCounts, instance.candidateCounts), budget: budget)
            }
            let configuration = AcceleratorConfiguration(expand: instance.candidates[0][choice[0]],
                                                         depthwise: instance.candidates[1][choice[1]],
                                                         project: instance.candidates[2][choice[2]])
            let report = model.evaluate(configuration, budget: budget)
            // The report is computed by the cost model independently of the tables: they must agree.
            let check: Double
            switch objective {
            case .minimiseLatency: check = Double(report.latencyCycles)
            case .minimiseResources(let w, _): check = w.cost(report.totalResources)
            }
            if let objectiveValue, abs(objectiveValue - check) > 1e-6 * max(1, abs(check)) {
                throw .inconsistent("\(solverName) reports objective \(objectiveValue) but the cost model evaluates its configuration to \(check)")
            }
            return AcceleratorSolution(status: .optimal, report: report, solver: solverName, solveTime: time, objective: check,
                                       diagnosis: nil, messages: messages,
                                       candidateCounts: (full.candidateCounts, instance.candidateCounts), budget: budget)
        }

        func runNative() throws(AcceleratorError) -> AcceleratorSolution {
            let start = clock.now
            let result = instance.solveNative(objective)
            return try finish(result.choice, objectiveValue: result.objective, solverName: "native", time: clock.now - start)
        }

        if solver == .native { return try runNative() }
        // A problem with no candidate left after pruning is infeasible without a solver; say so
        // rather than credit GLPK with an answer it never computed.
        if instance.candidateCounts.contains(0) {
            return try finish(nil, objectiveValue: nil, solverName: AcceleratorSolution.decidedByPruning, time: .zero)
        }
        let program = AcceleratorProgram(instance: instance, objective: objective, options: formulation, name: network.name)
        let solution: Solution
        do {
            solution = try GLPKSolver().solve(program.model, options: SolverOptions(timeLimit: glpkTimeLimit))
        } catch {
            if solver == .auto {
                messages.append("GLPK failed (\(error)); the native exact solver took over")
                return try runNative()
            }
            throw .solverFailed(error)
        }
        switch solution.status {
        case .optimal:
            guard let choice = program.choice(from: solution.values) else {
                throw .inconsistent("GLPK returned a solution with no engine configuration chosen")
            }
            return try finish(choice, objectiveValue: solution.objective.map { $0 + program.objectiveOffset },
                              solverName: "glpk", time: solution.solveTime)
        case .infeasible:
            return try finish(nil, objectiveValue: nil, solverName: "glpk", time: solution.solveTime)
        case .timeLimitNoIncumbent, .timeLimitWithIncumbent, .feasible:
            if solver == .auto {
                messages.append("GLPK stopped at its time limit without proving optimality; the native exact solver took over")
                return try runNative()
            }
            throw .solverFailed(.unsupported("GLPK stopped with status \(solution.status.rawValue) before proving optimality"))
        case .unbounded:
            throw .inconsistent("GLPK reports the accelerator program unbounded")
        }
    }

    /// Writes the (pruned) integer program of `network` to `path` as free MPS or CPLEX LP.
    public func exportProgram(_ network: Network, objective: AcceleratorObjective = .minimiseLatency, to path: String,
                              format: ModelFileFormat) throws(AcceleratorError) {
        let (_, full) = try setUp(network)
        let program = AcceleratorProgram(instance: full.pruned(pruning), objective: objective, options: formulation, name: network.name)
        do { try program.model.write(to: path, format: format) } catch { throw .solverFailed(error) }
    }

    /// Explains, from the data, why nothing fits.
    /// In inverse mode, `targetFPS` is the target as the user gave it; without it the target is
    /// recomputed from the cycle limit (which is rounded, and clamped for tiny targets).
    public func diagnose(_ instance: AcceleratorInstance, objective: AcceleratorObjective = .minimiseLatency,
                         targetFPS: Double? = nil) -> String {
        let counts = instance.candidateCounts
        if counts.contains(0) { return "infeasible on \(device.part): an engine has no candidate configuration" }
        var smallest = instance.fixed
        for e in 0..<3 {
            let list = instance.resources[e]
            smallest = smallest + Resources(dsp: list.map(\.dsp).min()!, bram18: list.map(\.bram18).min()!, uram: 0,
                                            lut: list.map(\.lut).min()!, ff: list.map(\.ff).min()!)
        }
        let total = device.resources
        let budget = instance.budget
        var reasons: [String] = []
        func describe(_ name: String, _ need: Int, _ usable: Int, _ all: Int, _ fraction: Double) {
            guard need > usable else { return }
            let capNote = usable < all ? " (\(usable) usable under the \(Int((fraction * 100).rounded()))% cap)" : ""
            reasons.append("the smallest configuration needs \(need) \(name), the device has \(all)\(capNote)")
        }
        describe("DSP", smallest.dsp, budget.dsp, total.dsp, cap.dsp)
        describe("BRAM18", smallest.bram18, budget.bram18, total.bram18, cap.bram18)
        describe("LUT", smallest.lut, budget.lut, total.lut, cap.lut)
        describe("FF", smallest.ff, budget.ff, total.ff, cap.ff)
        if !reasons.isEmpty { return "infeasible on \(device.part): " + reasons.joined(separator: "; ") }
        let fastest = instance.pruned(.all).solveNative(.minimiseLatency)
        guard let best = fastest.objective else {
            return "infeasible on \(device.part): every resource fits on its own (smallest configuration: \(smallest.dsp) DSP, \(smallest.bram18) BRAM18, \(smallest.lut) LUT, \(smallest.ff) FF; budget \(budget.dsp) DSP, \(budget.bram18) BRAM18, \(budget.lut) LUT, \(budget.ff) FF) but no configuration fits all of them at once"
        }
        if case let .minimiseResources(_, limit) = objective {
            let fps = device.clockMHz * 1e6 / best
            let target = targetFPS ?? device.clockMHz * 1e6 / Double(max(limit, 1))
            return "infeasible on \(device.part): the target of \(format(target)) fps (\(limit) cycles) is out of reach; the fastest configuration within the budget reaches \(format(fps)) fps (\(Int(best)) cycles)"
        }
        return "infeasible on \(device.part)"
    }

    private func format(_ x: Double) -> String {
        let scaled = (x * 100).rounded() / 100
        // x * 100 overflows to infinity for targets near Double.greatestFiniteMagnitude.
        return scaled.isFinite ? "\(scaled)" : "\(x)"
    }
}
