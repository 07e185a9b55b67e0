import ArgumentParser
import Foundation
import HAOHardware
import HAONetwork

extension AcceleratorSolverChoice: ExpressibleByArgument {}

/// Options shared by `hao solve`, `hao verify` and `hao baselines`.
struct HardwareOptions: ParsableArguments {
    @Option(name: .long, help: "Device: a catalogue name (zu3eg, zcu102, ...) or a device JSON file (default: the catalogue's default, XCZU3EG).")
    var device: String?

    @Option(name: .long, help: "Utilisation cap: one fraction for all resources (0.9, 90%) or pairs (lut=0.9,bram18=95%). Default dsp=1, bram18=1, lut=0.9, ff=1.")
    var cap: String?

    @Option(name: .long, help: "Models directory (default: located automatically).")
    var modelsDir: String?

    func models() throws -> ModelsDirectory { try ModelsDirectory.locate(explicit: modelsDir) }

    func resolveDevice() throws -> Device {
        try DeviceCatalogue.load(models: try models()).resolve(device)
    }

    func resolveCap() throws -> UtilisationCap {
        guard let cap else { return .standard }
        return try UtilisationCap(parsing: cap)
    }

    /// A network file path, or the name of a file in Models/networks (with or without .json).
    func loadNetwork(_ argument: String) throws -> Network {
        if FileManager.default.fileExists(atPath: argument) {
            return try Network.loadValidated(contentsOf: URL(fileURLWithPath: argument))
        }
        let directory = try models().networks
        let name = argument.hasSuffix(".json") ? argument : argument + ".json"
        let url = directory.appendingPathComponent(name)
        if !argument.contains("/"), FileManager.default.fileExists(atPath: url.path) {
            return try Network.loadValidated(contentsOf: url)
        }
        let known = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted() ?? []
        throw CLIError("network '\(argument)' is neither a file nor a shipped network" + (known.isEmpty ? "" : " (shipped: \(known.joined(separator: ", ")))"))
    }
}

/// Sets every block to `bits` (weights and activations); stem and head keep theirs.
func withBlockBits(_ network: Network, _ bits: Int?) -> Network {
    guard let bits else { return network }
    var result = network
    for index in result.blocks.indices { result.blocks[index].precision = .uniform(bits) }
    return result
}

/// The `--json` form of a solve.
struct SolveJSON: Encodable {
    struct Engine: Encodable {
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
    struct ResourceUse: Encodable {
        var used: [String: Int]
        var budget: [String: Int]
        var device: [String: Int]
    }
    struct StageJSON: Encodable {
        var name: String
        var latency_cycles: Int
        var latency_ms: Double
        var bound: String
        var compute_cycles: Int
        var memory_cycles: Int
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

    enum CodingKeys: String, CodingKey {
        case network, device, status, latency_ms, latency_cycles, fps, configuration, resources, stages, solver, solve_ms
        case diagnosis, messages, candidates_before_pruning, candidates_after_pruning, target_fps
    }

    /// Every key is always present (null when infeasible), so scripts can rely on the shape.
    func encode(to encoder: any Encoder) throws {
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
    }

    init(network: Network, device: Device, solution: AcceleratorSolution, targetFPS: Double?) {
        self.network = network.name
        self.device = device.part
        status = solution.status.rawValue
        latency_ms = solution.latencyMs
        latency_cycles = solution.latencyCycles
        fps = solution.fps
        solver = solution.solver
        solve_ms = milliseconds(solution.solveTime)
        diagnosis = solution.diagnosis
        messages = solution.messages
        candidates_before_pruning = solution.candidateCounts.before
        candidates_after_pruning = solution.candidateCounts.after
        target_fps = targetFPS
        func dict(_ r: Resources) -> [String: Int] { ["dsp": r.dsp, "bram18": r.bram18, "lut": r.lut, "ff": r.ff] }
        if let report = solution.report {
            var engines: [String: Engine] = [:]
            for kind in EngineKind.allCases {
                let config = report.configuration[kind]
                let r = report.engineResources[kind.index]
                let unroll = kind == .depthwise ? ["pc": config.unrollA, "pk": config.unrollB] : ["pi": config.unrollA, "po": config.unrollB]
                engines[kind.rawValue] = Engine(engine: kind.rawValue, unroll: unroll, weightBuffering: config.weightBuffering.rawValue, dsp: r.dsp, bram18: r.bram18, lut: r.lut, ff: r.ff)
            }
            configuration = engines
            resources = ResourceUse(used: dict(report.totalResources), budget: dict(solution.budget), device: dict(device.resources))
            stages = report.stages.map { stage in
                var cycles: [String: Int] = [:]
                for engine in stage.engines { cycles[engine.engine.rawValue] = engine.busyCycles }
                return StageJSON(name: stage.name, latency_cycles: stage.latencyCycles,
                                 latency_ms: Double(stage.latencyCycles) / (report.clockMHz * 1000), bound: stage.bound.rawValue,
                                 compute_cycles: stage.computeCycles, memory_cycles: stage.memoryCycles, engine_cycles: cycles)
            }
        }
    }
}

func format(_ value: Double, _ digits: Int = 2) -> String {
    String(format: "%.\(digits)f", value)
}

/// A user's target (fps, MB) as given: one decimal for ordinary values, but in full when that
/// would hide it (1e-300 would print as 0.0, 1e300 as 301 digits).
func formatTarget(_ value: Double) -> String {
    value >= 0.05 && value < 1e9 ? format(value, 1) : "\(value)"
}

/// The human-readable form of a solve.
func describe(_ solution: AcceleratorSolution, network: Network, device: Device) -> String {
    var lines: [String] = []
    lines.append("\(network.name) on \(device.part) (\(device.board)), \(format(device.clockMHz, 0)) MHz, DDR \(format(device.ddrBandwidthGBps)) GB/s")
    for message in solution.messages { lines.append("note: \(message)") }
    guard let report = solution.report else {
        lines.append(solution.diagnosis ?? "infeasible")
        lines.append("solver: \(solution.solver), \(format(milliseconds(solution.solveTime), 3)) ms")
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
        return [stage.name, "\(stage.latencyCycles)", format(Double(stage.latencyCycles) / (report.clockMHz * 1000), 4)] + busy
            + ["\(stage.memoryCycles)", stage.bound.rawValue]
    }
    lines.append(textTable(["stage", "cycles", "ms", "expand", "depthwise", "project", "memory", "bound"], stageRows,
                           rightAligned: [1, 2, 3, 4, 5, 6]))
    lines.append("")
    lines.append("Total latency: \(report.latencyCycles) cycles = \(format(report.latencyMs, 4)) ms, \(format(report.fps, 1)) fps (batch 1)")
    let used = report.totalResources
    let budget = solution.budget
    let all = device.resources
    func pct(_ a: Int, _ b: Int) -> String { b > 0 ? format(100 * Double(a) / Double(b), 1) + "%" : "-" }
    lines.append("Resources (used / budget / device):")
    lines.append(textTable(["resource", "used", "budget", "device", "of device"], [
        ["DSP", "\(used.dsp)", "\(budget.dsp)", "\(all.dsp)", pct(used.dsp, all.dsp)],
        ["BRAM18", "\(used.bram18)", "\(budget.bram18)", "\(all.bram18)", pct(used.bram18, all.bram18)],
        ["LUT", "\(used.lut)", "\(budget.lut)", "\(all.lut)", pct(used.lut, all.lut)],
        ["FF", "\(used.ff)", "\(budget.ff)", "\(all.ff)", pct(used.ff, all.ff)],
    ], rightAligned: [1, 2, 3, 4]))
    let counts = solution.candidateCounts
    lines.append("Solver: \(solution.solver), \(format(milliseconds(solution.solveTime), 3)) ms (candidates expand/depthwise/project: \(counts.before.map(String.init).joined(separator: "/")) before pruning, \(counts.after.map(String.init).joined(separator: "/")) after)")
    return lines.joined(separator: "\n")
}
