import HAONetwork
import HAOSupport

// swift-format-ignore: AlwaysUseLowerCamelCase
// Property names are the JSON keys of this documented output; renaming them would change the output.
/// The `--json` form of a solve.
/// The `--json` form of a subgraph solve: every key always present (null when infeasible).
public struct SubgraphSolveDocument: Encodable, Sendable {
    struct Engine: Encodable, Sendable {
        var engine: String
        var unroll: [String: Int]
        var weightBuffering: String
        var dsp: Int
        var bram18: Int
        var lut: Int
        var ff: Int

        enum CodingKeys: String, CodingKey {
            case engine, unroll, dsp, bram18, lut, ff
            case weightBuffering = "weight_buffering"
        }
    }
    struct ResourceUse: Encodable, Sendable {
        var used: [String: Int]
        var budget: [String: Int]
        var device: [String: Int]
    }
    struct StageJSON: Encodable, Sendable {
        var name: String
        var latency_cycles: Int
        var latency_ms: Double
        var bound: String
        var compute_cycles: Int
        var memory_cycles: Int
        var overhead_cycles: Int
        var engine_cycles: [String: Int]
    }
    var network: String
    var device: String
    var status: String
    var latency_ms: Double?
    var latency_cycles: Int?
    var fps: Double?
    var configuration: [String: Engine]?
    var resources: ResourceUse?
    var stages: [StageJSON]?
    var solver: String
    var solve_ms: Double
    var diagnosis: String?
    var messages: [String]
    var candidates_before_pruning: [Int]
    var candidates_after_pruning: [Int]
    var target_fps: Double?
    var latency_model: LatencyModelDescription

    enum CodingKeys: String, CodingKey {
        case network, device, status, latency_ms, latency_cycles, fps, configuration, resources, stages, solver, solve_ms
        case diagnosis, messages, candidates_before_pruning, candidates_after_pruning, target_fps, latency_model
    }

    /// Every key is always present (null when infeasible), so scripts can rely on the shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(network, forKey: .network)
        try c.encode(device, forKey: .device)
        try c.encode(status, forKey: .status)
        try c.encode(latency_ms, forKey: .latency_ms)
        try c.encode(latency_cycles, forKey: .latency_cycles)
        try c.encode(fps, forKey: .fps)
        try c.encode(configuration, forKey: .configuration)
        try c.encode(resources, forKey: .resources)
        try c.encode(stages, forKey: .stages)
        try c.encode(solver, forKey: .solver)
        try c.encode(solve_ms, forKey: .solve_ms)
        try c.encode(diagnosis, forKey: .diagnosis)
        try c.encode(messages, forKey: .messages)
        try c.encode(candidates_before_pruning, forKey: .candidates_before_pruning)
        try c.encode(candidates_after_pruning, forKey: .candidates_after_pruning)
        try c.encode(target_fps, forKey: .target_fps)
        try c.encode(latency_model, forKey: .latency_model)
    }

    init(
        network: Network, device: Device, solution: HardwareSolution<SubgraphTarget>, targetFPS: Double?,
        latencyModel: LatencyModelDescription
    ) {
        latency_model = latencyModel
        self.network = network.name
        self.device = device.part
        status = solution.status.rawValue
        latency_ms = solution.latencyMs
        latency_cycles = solution.latencyCycles
        fps = solution.fps
        solver = solution.solver.rawValue
        solve_ms = solution.solveTime.milliseconds
        diagnosis = solution.diagnosis
        messages = solution.messages
        candidates_before_pruning = solution.problem.full.candidateCounts
        candidates_after_pruning = solution.problem.pruned.candidateCounts
        target_fps = targetFPS
        func dict(_ r: Resources) -> [String: Int] { ["dsp": r.dsp, "bram18": r.bram18, "lut": r.lut, "ff": r.ff] }
        if let report = solution.report {
            var engines: [String: Engine] = [:]
            for kind in EngineKind.allCases {
                let config = report.configuration[kind]
                let r = report.engineResources[kind.index]
                let unroll =
                    kind == .depthwise ? ["pc": config.unrollA, "pk": config.unrollB] : ["pi": config.unrollA, "po": config.unrollB]
                engines[kind.rawValue] = Engine(
                    engine: kind.rawValue, unroll: unroll, weightBuffering: config.weightBuffering.rawValue, dsp: r.dsp, bram18: r.bram18,
                    lut: r.lut, ff: r.ff)
            }
            configuration = engines
            resources = ResourceUse(used: dict(report.totalResources), budget: dict(solution.budget), device: dict(device.resources))
            stages = report.stages.map { stage in
                var cycles: [String: Int] = [:]
                for engine in stage.engines { cycles[engine.engine.rawValue] = engine.busyCycles }
                return StageJSON(
                    name: stage.name, latency_cycles: stage.latencyCycles,
                    latency_ms: Double(stage.latencyCycles) / (report.clockMHz * 1000), bound: stage.bound.rawValue,
                    compute_cycles: stage.computeCycles, memory_cycles: stage.memoryCycles,
                    overhead_cycles: stage.overheadCycles, engine_cycles: cycles)
            }
        }
    }
}

extension SubgraphTarget {
    /// The machine-readable report of `solution` for `network`: device, configuration, resources, latency and frame rate,
    /// the target frame rate when one was asked for, and the latency model the figures come from.
    public func document(_ solution: HardwareSolution<SubgraphTarget>, network: Network, targetFPS: Double?) -> SubgraphSolveDocument {
        SubgraphSolveDocument(network: network, device: device, solution: solution, targetFPS: targetFPS, latencyModel: latencyModel)
    }

    /// The human-readable form of a solve: engines, per-stage latency, totals, resources, solver.
    public func describe(_ solution: HardwareSolution<SubgraphTarget>, network: Network) -> String {
        describeSolution(solution, network: network, device: device, latencyModel: latencyModel)
    }
}

private func describeSolution(
    _ solution: HardwareSolution<SubgraphTarget>, network: Network, device: Device,
    latencyModel: LatencyModelDescription
) -> String {
    var lines: [String] = []
    lines.append(
        "\(network.name) on \(device.part) (\(device.board)), \(fixedPoint(device.clockMHz, 0)) MHz, DDR \(fixedPoint(device.ddrBandwidthGBps)) GB/s"
    )
    lines.append("Latency model: \(latencyModel.summary)")
    for message in solution.messages { lines.append("note: \(message)") }
    if let certificate = solution.certificate { lines.append("solver answer \(certificate)") }
    guard let report = solution.report else {
        lines.append(solution.diagnosis ?? "infeasible")
        lines.append("solver: \(solution.solver), \(fixedPoint(solution.solveTime.milliseconds, 3)) ms")
        return lines.joined(separator: "\n")
    }
    lines.append("")
    lines.append("Engine configuration:")
    let engineRows = EngineKind.allCases.map { kind -> [String] in
        let r = report.engineResources[kind.index]
        return [kind.rawValue, report.configuration[kind].description, "\(r.dsp)", "\(r.bram18)", "\(r.lut)", "\(r.ff)"]
    }
    lines.append(textTable(["engine", "parallelism", "DSP", "BRAM18", "LUT", "FF"], engineRows, rightAligned: [2, 3, 4, 5]))
    lines.append("")
    lines.append("Per-stage latency:")
    let stageRows = report.stages.map { stage -> [String] in
        let busy = stage.engines.map { "\($0.busyCycles)" }
        return [stage.name, "\(stage.latencyCycles)", fixedPoint(Double(stage.latencyCycles) / (report.clockMHz * 1000), 4)] + busy
            + ["\(stage.memoryCycles)", stage.bound.rawValue]
    }
    lines.append(
        textTable(
            ["stage", "cycles", "ms", "expand", "depthwise", "project", "memory", "bound"], stageRows,
            rightAligned: [1, 2, 3, 4, 5, 6]))
    lines.append("")
    lines.append(
        "Total latency: \(report.latencyCycles) cycles = \(fixedPoint(report.latencyMs, 4)) ms, \(fixedPoint(report.fps, 1)) fps (batch 1)")
    lines += Resources.usageTable(used: report.totalResources, budget: solution.budget, device: device.resources)
    let before = solution.problem.full.candidateCounts
    let after = solution.problem.pruned.candidateCounts
    lines.append(
        "Solver: \(solution.solver), \(fixedPoint(solution.solveTime.milliseconds, 3)) ms (candidates expand/depthwise/project: \(before.map(String.init).joined(separator: "/")) before pruning, \(after.map(String.init).joined(separator: "/")) after)"
    )
    return lines.joined(separator: "\n")
}
