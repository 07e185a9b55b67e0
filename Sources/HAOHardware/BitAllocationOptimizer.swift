import HAONetwork

/// The answer to one bit-allocation problem.
public struct BitAllocationSolution: Sendable {
    public enum Status: String, Sendable, Hashable, Codable {
        case optimal
        /// No width assignment and configuration meets the limit within the budget.
        case infeasible
    }
    public var status: Status
    /// Width per block (nil when infeasible).
    public var bits: [Int]?
    /// Total predicted penalty in top-1 points of the chosen widths.
    public var penalty: Double?
    /// The fastest accelerator configuration for the chosen widths, evaluated by the cost model.
    public var report: AcceleratorReport?
    /// Model size in bits of the chosen widths.
    public var modelBits: Int?
    /// Which solver answered ("glpk" or "native").
    public var solver: String
    public var solveTime: Duration
    /// When infeasible: the least latency reachable at all (any widths, best configuration), its widths.
    public var leastLatencyCycles: Int?
    public var leastLatencyBits: [Int]?
    /// Why it is infeasible, in words.
    public var diagnosis: String?
    /// Notes, e.g. that the native solver took over from GLPK.
    public var messages: [String]

    public var latencyCycles: Int? { report?.latencyCycles }
    public var latencyMs: Double? { report?.latencyMs }
    public var fps: Double? { report?.fps }
    public var configuration: AcceleratorConfiguration? { report?.configuration }
}

/// Chooses every block's bit width and the accelerator configuration together, exactly:
/// least predicted accuracy penalty with latency (or model size) within a limit and the
/// configuration within the device's budget. docs/bit-allocation.md explains the method.
public struct BitAllocationOptimizer: Sendable {
    public var device: Device
    public var cap: UtilisationCap
    public var parameters: CostModelParameters
    /// GLPK's time limit per integer program; in `auto` mode the native solver takes over when reached.
    public var glpkTimeLimit: Duration?

    public init(device: Device, cap: UtilisationCap = .standard, parameters: CostModelParameters = .standard,
                glpkTimeLimit: Duration? = .seconds(60)) {
        self.device = device
        self.cap = cap
        self.parameters = parameters
        self.glpkTimeLimit = glpkTimeLimit
    }

    /// The latency limit in whole cycles for a target frame rate: `floor(clock / fps)`.
    public func latencyLimit(fps: Double) throws(BitAllocationError) -> Int {
        guard fps.isFinite, fps > 0 else { throw .invalidProblem("target fps must be a positive number, got \(fps)") }
        let cycles = (device.clockMHz * 1e6 / fps).rounded(.down)
        guard cycles >= 1 else { throw .invalidProblem("target of \(fps) fps is less than one clock cycle at \(device.clockMHz) MHz") }
        return Int(min(cycles, Double(Int.max / 2)))
    }

    public func solve(_ problem: BitAllocationProblem, solver: AcceleratorSolverChoice = .auto) throws(BitAllocationError) -> BitAllocationSolution {
        let context = try BitAllocationContext(problem: problem, device: device, cap: cap, parameters: parameters)
        let clock = ContinuousClock()
        let start = clock.now
        var messages: [String] = []
        var raw: BitAllocationRaw
        var solverName = solver == .native ? "native" : "glpk"
        switch solver {
        case .native:
            raw = context.solveNative(.penalty)
        case .glpk:
            raw = try context.solveGLPK(.penalty, timeLimit: glpkTimeLimit)
        case .auto:
            do { raw = try context.solveGLPK(.penalty, timeLimit: glpkTimeLimit) } catch {
                messages.append("GLPK did not finish (\(error)); the native exact solver took over")
                solverName = "native"
                raw = context.solveNative(.penalty)
            }
        }
        let solveTime = clock.now - start
        let accelerator = AcceleratorOptimizer(device: device, cap: cap, parameters: parameters)

        guard let bits = raw.bits, let config = raw.configuration else {
            // Infeasible: what is reachable at all?
            let least = context.solveNative(.latency)
            var diagnosis: String
            var leastCycles: Int? = nil
            if let lb = least.bits, let cycles = least.objective.map({ Int($0) }) {
                leastCycles = cycles
                let fps = device.clockMHz * 1e6 / Double(cycles)
                switch problem.limit {
                case .latency(let c):
                    diagnosis = "infeasible on \(device.part): the target of \(Self.format(device.clockMHz * 1e6 / Double(c))) fps (\(c) cycles) is out of reach; the least latency reachable is \(cycles) cycles (\(Self.format(fps)) fps) with widths \(lb)"
                case .modelSize(let s):
                    diagnosis = "infeasible on \(device.part): no width assignment within \(s) bits (\(Self.format(Double(s) / 8e6)) MB) fits the device; the smallest model is \(context.modelBits(context.blockBits(context.units.map { $0.bits.min()! }))) bits"
                }
            } else if case .modelSize(let s) = problem.limit,
                      case let smallest = context.modelBits(context.blockBits(context.units.map { $0.bits.min()! })), smallest > s {
                diagnosis = "infeasible: the smallest model (every block at its lowest width) has \(smallest) bits = \(Self.format(Double(smallest) / 8e6)) MB, above the limit of \(s) bits = \(Self.format(Double(s) / 8e6)) MB"
            } else {
                let lowest = problem.network(withBits: context.blockBits(context.units.map { $0.bits.min()! }))
                let why: String
                do { why = try accelerator.solve(lowest, solver: .native).diagnosis ?? "no configuration fits" } catch { throw .accelerator(error) }
                diagnosis = "no width assignment fits the device (at the lowest widths: \(why))"
                if case .modelSize(let s) = problem.limit {
                    diagnosis += "; size limit \(s) bits, smallest model \(context.modelBits(context.blockBits(context.units.map { $0.bits.min()! }))) bits"
                }
            }
            return BitAllocationSolution(status: .infeasible, bits: nil, penalty: nil, report: nil, modelBits: nil, solver: solverName,
                                         solveTime: solveTime, leastLatencyCycles: leastCycles, leastLatencyBits: least.bits,
                                         diagnosis: diagnosis, messages: messages)
        }
        // Check the answer with the cost model itself, independently of the tables.
        let network = problem.network(withBits: bits)
        let model = CostModel(network: network, device: device, parameters: parameters)
        let budget = cap.budget(of: device)
        let check = model.evaluate(config, budget: budget)
        guard check.totalResources.fits(in: budget) else {
            throw .inconsistent("\(solverName)'s configuration \(config) for widths \(bits) needs \(check.totalResources), over the budget \(budget)")
        }
        if case .latency(let c) = problem.limit, check.latencyCycles > c {
            throw .inconsistent("\(solverName)'s answer has latency \(check.latencyCycles) cycles, over the limit of \(c)")
        }
        let penalty = problem.penalty(bits)
        if let claimed = raw.objective, abs(claimed - penalty) > 1e-6 * max(1, abs(penalty)) {
            throw .inconsistent("\(solverName) reports penalty \(claimed) but the widths \(bits) have penalty \(penalty)")
        }
        // Report the fastest configuration for the chosen widths (the limit only needs some).
        let fastest: AcceleratorSolution
        do { fastest = try accelerator.solve(network, solver: .native) } catch { throw .accelerator(error) }
        guard let report = fastest.report, report.latencyCycles <= check.latencyCycles else {
            throw .inconsistent("the accelerator optimizer finds no configuration as fast as \(check.latencyCycles) cycles for widths \(bits)")
        }
        return BitAllocationSolution(status: .optimal, bits: bits, penalty: penalty, report: report,
                                     modelBits: BitAllocationProblem.modelBits(network), solver: solverName, solveTime: solveTime,
                                     leastLatencyCycles: nil, leastLatencyBits: nil, diagnosis: nil, messages: messages)
    }

    static func format(_ x: Double) -> String { "\((x * 100).rounded() / 100)" }
}
