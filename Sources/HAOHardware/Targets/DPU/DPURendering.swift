import HAONetwork
import HAOSupport

extension DPUTarget {
    /// One line on why no design is feasible: the resources the smallest single core needs beyond the budget (with a note on parts
    /// whose UltraRAM this target does not count), or, with a target fps, the fps of the fastest design within the budget.
    public func diagnoseInfeasibility(of problem: DPUProblem, objective: DesignObjective) -> String {
        let part = device.part
        let fitting = problem.candidates.indices.filter { problem.resources[$0].fits(in: problem.budget) }
        if fitting.isEmpty {
            // The cheapest core in each resource, over every architecture and option.
            let ones = problem.candidates.indices.filter { problem.candidates[$0].cores == 1 }
            func least(_ name: String, _ value: (Resources) -> Int, _ usable: Int, _ total: Int) -> String? {
                let need = ones.map { value(problem.resources[$0]) }.min() ?? 0
                guard need > usable else { return nil }
                return "the smallest DPU core needs \(need) \(name), the budget has \(usable) (device \(total))"
            }
            let all = device.resources
            let b = problem.budget
            let reasons = [
                least("DSP", \.dsp, b.dsp, all.dsp), least("BRAM18", \.bram18, b.bram18, all.bram18),
                least("LUT", \.lut, b.lut, all.lut), least("FF", \.ff, b.ff, all.ff),
            ].compactMap { $0 }
            let detail = reasons.isEmpty ? "no single-core design fits every resource at once" : reasons.joined(separator: "; ")
            return "infeasible on \(part): \(detail)" + uramNote
        }
        if let limit = problem.latencyLimit, case .minimiseResources(_, let fps) = objective {
            let fastest = fitting.map { problem.latencies[$0] }.min()!
            return
                "infeasible on \(part): the target of \(fixedPoint(fps, 2)) fps (\(Int(limit)) ns) is out of reach; the fastest design within the budget reaches \(fixedPoint(1e9 / fastest, 2)) fps (\(fixedPoint(fastest / 1e6, 4)) ms, batch 1)"
        }
        return "infeasible on \(part)"
    }

    /// Said where it matters: the device has UltraRAM, which vendor designs use for DPU buffers.
    var uramNote: String {
        device.resources.uram > 0
            ? " (\(device.part) also has \(device.resources.uram) UltraRAMs, which vendor designs use for DPU buffers; PG338 gives no per-architecture UltraRAM figures, so this target counts block RAM only)"
            : ""
    }

    /// The `--json` document of `solution` (see ``DPUSolveDocument``); `targetFPS` is written as `target_fps` (null without one).
    public func document(_ solution: HardwareSolution<DPUTarget>, network: Network, targetFPS: Double?) -> DPUSolveDocument {
        DPUSolveDocument(solution: solution, network: network, device: device, calibration: calibrationNote, targetFPS: targetFPS)
    }

    /// The text report of a solve: design, per-group latency, totals, resources, solver.
    public func describe(_ solution: HardwareSolution<DPUTarget>, network: Network) -> String {
        var lines = ["\(network.name) on \(device.part) (\(device.board)), DPUCZDX8G, int8"]
        lines.append("Latency model: \(calibrationNote)")
        for message in solution.messages { lines.append("note: \(message)") }
        guard let report = solution.report else {
            lines.append(solution.diagnosis ?? "infeasible")
            lines.append("solver: \(solution.solver), \(fixedPoint(solution.solveTime.milliseconds, 3)) ms")
            return lines.joined(separator: "\n")
        }
        let c = report.configuration
        let core = c.core
        lines.append(
            "Design: \(c) -- image buffer \(core.capacityAddresses) addresses (\(c.ramUsage.imageBankGroups) bank group\(c.ramUsage.imageBankGroups > 1 ? "s" : "")), data ports \(fixedPoint(core.peakBandwidthGBps, 2)) GB/s peak"
        )
        lines.append("")
        lines.append(
            textTable(
                ["group", "shape", "ms", "compute ms", "DDR ms", "DDR KB", "output"],
                report.layers.map {
                    [
                        $0.name, $0.shape, fixedPoint($0.timeMs, 4), fixedPoint($0.computeMs, 4), fixedPoint($0.memoryMs, 4),
                        fixedPoint(Double($0.ddrBytes) / 1024, 1), $0.outputOnChip ? "on chip" : "DDR",
                    ]
                }, rightAligned: [2, 3, 4, 5]))
        lines.append("")
        lines.append(
            "Latency: \(fixedPoint(report.latencyMs, 4)) ms, \(fixedPoint(report.fps, 1)) fps (batch 1, one core; \(fixedPoint(report.latencyMs - report.dpuTimeMs, 3)) ms per-program overhead)"
        )
        lines.append(
            "Throughput: \(fixedPoint(report.throughputFPS, 1)) fps with \(c.cores) core\(c.cores > 1 ? "s" : "") (one thread each; \(fixedPoint(Double(report.ddrBytesPerFrame) / 1e6, 2)) MB DDR per frame, shared DDR \(fixedPoint(device.ddrBandwidthGBps, 2)) GB/s)"
        )
        lines += Resources.usageTable(used: report.totalResources, budget: solution.budget, device: device.resources)
        if !uramNote.isEmpty { lines.append("note:" + uramNote.dropFirst(1).dropLast(1)) }
        lines.append(
            "Solver: \(solution.solver), \(fixedPoint(solution.solveTime.milliseconds, 3)) ms (\(solution.problem.candidates.count) designs, objective \(solution.problem.objectiveName))"
        )
        return lines.joined(separator: "\n")
    }
}

// swift-format-ignore: AlwaysUseLowerCamelCase
// Property names are the JSON keys of this documented output; renaming them would change the output.
/// The `--json` form of a DPU solve: every key always present (null when infeasible).
public struct DPUSolveDocument: Encodable, Sendable {
    struct ResourceUse: Encodable, Sendable {
        var used: [String: Int]
        var budget: [String: Int]
        var device: [String: Int]
    }
    var target = DPUTarget.id.rawValue
    var network: String
    var device: String
    var status: String
    var objective: String
    var latency_ms: Double?
    var fps: Double?
    var throughput_fps: Double?
    var configuration: DPUConfiguration?
    var resources: ResourceUse?
    var layers: [DPULayerReport]?
    var ddr_bytes_per_frame: Int?
    var latency_model: String
    var solver: String
    var solve_ms: Double
    var designs: Int
    var diagnosis: String?
    var messages: [String]
    var target_fps: Double?

    init(solution: HardwareSolution<DPUTarget>, network: Network, device: Device, calibration: String, targetFPS: Double?) {
        self.network = network.name
        self.device = device.part
        status = solution.status.rawValue
        objective = solution.problem.objectiveName
        latency_ms = solution.latencyMs
        fps = solution.fps
        throughput_fps = solution.report?.throughputFPS
        configuration = solution.configuration
        func dict(_ r: Resources) -> [String: Int] { ["dsp": r.dsp, "bram18": r.bram18, "lut": r.lut, "ff": r.ff] }
        resources = solution.report.map {
            ResourceUse(used: dict($0.totalResources), budget: dict(solution.budget), device: dict(device.resources))
        }
        layers = solution.report?.layers
        ddr_bytes_per_frame = solution.report?.ddrBytesPerFrame
        latency_model = calibration
        solver = solution.solver.rawValue
        solve_ms = solution.solveTime.milliseconds
        designs = solution.problem.candidates.count
        diagnosis = solution.diagnosis
        messages = solution.messages
        target_fps = targetFPS
    }

    enum CodingKeys: String, CodingKey {
        case target, network, device, status, objective, latency_ms, fps, throughput_fps, configuration, resources, layers
        case ddr_bytes_per_frame, latency_model, solver, solve_ms, designs, diagnosis, messages, target_fps
    }

    /// Writes every key, with `null` for the figures an infeasible solve has not got (synthesised encoding would leave them out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(target, forKey: .target)
        try c.encode(network, forKey: .network)
        try c.encode(device, forKey: .device)
        try c.encode(status, forKey: .status)
        try c.encode(objective, forKey: .objective)
        try c.encode(latency_ms, forKey: .latency_ms)
        try c.encode(fps, forKey: .fps)
        try c.encode(throughput_fps, forKey: .throughput_fps)
        try c.encode(configuration, forKey: .configuration)
        try c.encode(resources, forKey: .resources)
        try c.encode(layers, forKey: .layers)
        try c.encode(ddr_bytes_per_frame, forKey: .ddr_bytes_per_frame)
        try c.encode(latency_model, forKey: .latency_model)
        try c.encode(solver, forKey: .solver)
        try c.encode(solve_ms, forKey: .solve_ms)
        try c.encode(designs, forKey: .designs)
        try c.encode(diagnosis, forKey: .diagnosis)
        try c.encode(messages, forKey: .messages)
        try c.encode(target_fps, forKey: .target_fps)
    }
}
