import ArgumentParser
import Foundation
import HAOCoDesign
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSupport

/// `hao quantize NETWORK`: mixed-precision bit widths and the accelerator, chosen together exactly.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract:
            "Choose each block's bit width (4 or 8) and the accelerator configuration together: least predicted accuracy loss under a frame-rate or model-size target.",
        discussion: """
            Penalties: the accuracy predictor's quantization model by layer kind
            (--regime qat or ptq), for a network of the search space or any other;
            a hao-sensitivity-v1 slot file (networks of the space) or a CSV with
            header 'block,penalty_4bit' (other networks) overrides it.
            Residual partners share a width (HAWQ-V3); stem and head keep 8 bits.
            Exits with status 1 when the target is out of reach, printing the least
            latency that is reachable. docs/bit-allocation.md explains the program.
            Examples:
              hao quantize mobilenet_v2_1.0 --target-fps 300
              hao quantize mnasnet_a1 --device zu3eg --max-size-mb 2.5 --json
              hao quantize mobilenet_v2_1.0 --target-fps 300 \\
                --sensitivity hessian.csv --solver native
            """
    )

    @Argument(help: "Network JSON file or shipped network name.")
    var network: String

    @OptionGroup var hardware: HardwareOptions

    @Option(name: .long, parsing: .unconditional, help: "Frame rate to reach (batch 1).")
    var targetFps: Double?

    @Option(name: .long, parsing: .unconditional, help: "Largest model size in MB (10^6 bytes; weights at their width, biases at 32 bits).")
    var maxSizeMb: Double?

    @Option(
        name: .long, help: "Sensitivity file: hao-sensitivity-v1 (JSON or slot CSV, networks of the space) or CSV 'block,penalty_4bit'.")
    var sensitivity: String?

    @Option(name: .long, help: "Accuracy predictor model file (default: Models/predictors/ofa-mbv3-w4w8-kernel.json).")
    var predictor: String?

    @Option(name: .long, help: "Search space file (default: Models/spaces/ofa-mbv3-w4w8.json).")
    var space: String?

    @Option(name: .long, help: "Training regime of the quantized network for the predictor's penalties: qat (default) or ptq.")
    var regime: QuantizationRegime = .qat

    @OptionGroup var solverOption: SolverOption

    @Flag(name: .long, help: "Do not force residual partners to share a width.")
    var noGroups = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        switch (targetFps, maxSizeMb) {
        case (nil, nil): throw ValidationError("give a target: --target-fps F or --max-size-mb M")
        case (.some, .some): throw ValidationError("give one target, not both --target-fps and --max-size-mb")
        default: break
        }
        if let f = targetFps, !(f.isFinite && f > 0) { throw ValidationError("--target-fps must be a positive number, got \(f)") }
        if let m = maxSizeMb, !(m.isFinite && m > 0) { throw ValidationError("--max-size-mb must be a positive number, got \(m)") }
    }

    func run() throws {
        let target = try hardware.makeTarget()
        guard let mixed = target as? any MixedPrecisionTarget else {
            if let restriction = type(of: target).bitWidthRestriction {
                throw CLIError(
                    "\(restriction) (\(type(of: target).summary)); quantize has no widths to choose. Solve the 8-bit network with 'hao solve', or choose widths with --target subgraph"
                )
            }
            throw CLIError(
                "the \(type(of: target).id) target runs every block at one bit width (\(type(of: target).summary)); quantize has no widths to choose"
            )
        }
        try quantize(on: mixed)
    }

    private func quantize<T: MixedPrecisionTarget>(on target: T) throws {
        let device = target.device
        let net = try hardware.loadNetwork(network)
        let limit: BitAllocationLimit
        do {
            if let targetFps {
                limit = try target.bitAllocationLimit(targetFPS: targetFps)
            } else {
                // Clamp before converting: 1e300 MB does not fit an Int of bits, and any limit
                // above 2^62 bits (over 5e11 MB) bounds nothing a network could reach.
                limit = .modelSize(maxBits: Int(min((maxSizeMb! * 8e6).rounded(.down), Double(1 << 62))))
            }
        } catch { throw CLIError("\(error)") }
        let setup = try quantizationSetup(net, limit: limit)
        let solution: BitAllocationSolution<T>
        do { solution = try target.allocateBits(setup.problem, using: solverOption.solver.makeSolver()) } catch {
            throw CLIError("\(error)")
        }
        for m in solution.messages { printError("note: \(m)") }
        let top1 = solution.bits.flatMap { setup.top1($0) }
        if output.json {
            try printJSON(
                QuantizeJSON(
                    network: net, device: device, setup: setup, solution: solution, top1: top1,
                    targetFPS: targetFps, maxSizeMB: maxSizeMb, latencyModel: target.latencyModel))
        } else {
            try emit(text(net, device, setup, solution, top1))
            try emit("Latency model: \(target.latencyModel.summary)")
        }
        if solution.status == .infeasible {
            if output.json { printError(solution.diagnosis ?? "infeasible") }
            throw ExitCode.failure
        }
    }

    /// The problem with its penalties (see ``QuantizationSetup/resolve``).
    private func quantizationSetup(_ net: Network, limit: BitAllocationLimit) throws -> QuantizationSetup {
        do {
            return try QuantizationSetup.resolve(
                network: net, limit: limit, models: try? hardware.models(),
                space: space.map { URL(fileURLWithPath: $0) }, predictor: predictor.map { URL(fileURLWithPath: $0) },
                regime: regime, sensitivity: sensitivity.map { URL(fileURLWithPath: $0) }, groups: !noGroups)
        } catch let error as QuantizationSetupError { throw CLIError(error.description) }
    }

    private func text<T: MixedPrecisionTarget>(
        _ net: Network, _ device: Device, _ setup: QuantizationSetup, _ s: BitAllocationSolution<T>,
        _ top1: Double?
    ) -> String {
        var lines: [String] = []
        let target =
            targetFps.map { "\(targetText($0)) fps" } ?? (maxSizeMb! >= 1e9 ? "\(maxSizeMb!) MB" : "\(fixedPoint(maxSizeMb!, 3)) MB")
        lines.append(
            "\(net.name) on \(device.part) (\(device.board)), target \(target), solver \(s.solver) (\(fixedPoint(s.solveTime.milliseconds, 1)) ms)"
        )
        guard s.status == .optimal, let bits = s.bits, let report = s.report else {
            lines.append("INFEASIBLE: \(s.diagnosis ?? "no assignment meets the target")")
            if let c = s.leastLatencyCycles, let ms = s.leastLatencyMs {
                lines.append("Least latency reachable: \(c) cycles = \(fixedPoint(ms, 3)) ms (\(fixedPoint(1000 / ms, 1)) fps)")
            }
            return lines.joined(separator: "\n")
        }
        let groups = setup.problem.groups
        var rows: [[String]] = []
        for (b, block) in net.blocks.enumerated() {
            let g = groups.firstIndex { $0.contains(b) }.map { "g\($0 + 1)" } ?? "-"
            let i = setup.problem.allowedBits[b].firstIndex(of: bits[b])!
            rows.append([
                "\(b)", "\(block.inChannels)->\(block.outChannels) e\(block.expandedChannels) k\(block.kernel) s\(block.stride)",
                "W\(bits[b])A\(bits[b])", g, fixedPoint(setup.problem.penalties[b][i], 3),
            ])
        }
        lines.append(textTable(["block", "shape", "bits", "group", "penalty"], rows, rightAligned: [0, 4]))
        lines.append("Stem and head: W\(net.stem.precision.weightBits)A\(net.stem.precision.activationBits) (fixed)")
        lines.append("Penalty: \(fixedPoint(s.penalty ?? 0, 3)) points (\(setup.penaltySource))")
        lines.append("Predicted top-1: " + (top1.map { fixedPoint($0, 2) + "%" } ?? "n/a") + " (\(setup.top1Source))")
        lines.append(
            "Latency: \(fixedPoint(report.latencyMs, 3)) ms = \(fixedPoint(report.fps, 1)) fps (\(s.latencyCycles ?? 0) cycles at \(fixedPoint(s.clockMHz, 0)) MHz)"
        )
        lines.append("Model size: \(fixedPoint(Double(s.modelBits ?? 0) / 8e6, 3)) MB")
        lines.append("Accelerator: \(report.configuration)")
        let r = report.totalResources
        let u = report.budget
        lines.append("Resources: DSP \(r.dsp)/\(u.dsp), BRAM18 \(r.bram18)/\(u.bram18), LUT \(r.lut)/\(u.lut), FF \(r.ff)/\(u.ff)")
        return lines.joined(separator: "\n")
    }
}

/// The `--json` form of `hao quantize`.
struct QuantizeJSON<T: MixedPrecisionTarget>: Encodable {
    struct BlockJSON: Encodable {
        var block: Int
        var bits: Int
        var penalty: Double
        var group: Int?
    }
    var network: String
    var device: String
    var status: String
    var solver: String
    var solveMs: Double
    var targetFPS: Double?
    var maxSizeMB: Double?
    var blocks: [BlockJSON]?
    var penalty: Double?
    var penaltySource: String
    var top1: Double?
    var top1Source: String
    var latencyMs: Double?
    var fps: Double?
    var latencyCycles: Int?
    var sizeMB: Double?
    var configuration: T.Configuration?
    var resources: Resources?
    var leastLatencyCycles: Int?
    var leastLatencyFPS: Double?
    var diagnosis: String?
    var latencyModel: LatencyModelDescription

    init(
        network: Network, device: Device, setup: QuantizationSetup, solution s: BitAllocationSolution<T>, top1: Double?,
        targetFPS: Double?, maxSizeMB: Double?, latencyModel: LatencyModelDescription
    ) {
        self.latencyModel = latencyModel
        self.network = network.name
        self.device = device.part
        status = s.status.rawValue
        solver = s.solver.rawValue
        solveMs = s.solveTime.milliseconds
        self.targetFPS = targetFPS
        self.maxSizeMB = maxSizeMB
        blocks = s.bits.map { bits in
            bits.enumerated().map { b, w in
                BlockJSON(
                    block: b, bits: w, penalty: setup.problem.penalties[b][setup.problem.allowedBits[b].firstIndex(of: w)!],
                    group: setup.problem.groups.firstIndex { $0.contains(b) })
            }
        }
        penalty = s.penalty
        penaltySource = setup.penaltySource
        self.top1 = top1
        top1Source = setup.top1Source
        latencyMs = s.latencyMs
        fps = s.fps
        latencyCycles = s.latencyCycles
        sizeMB = s.modelBits.map { Double($0) / 8e6 }
        configuration = s.configuration
        resources = s.report?.totalResources
        leastLatencyCycles = s.leastLatencyCycles
        leastLatencyFPS = s.leastLatencyCycles.map { s.clockMHz * 1e6 / Double($0) }
        diagnosis = s.diagnosis
    }

    enum CodingKeys: String, CodingKey {
        case network, device, status, solver
        case solveMs = "solve_ms"
        case targetFPS = "target_fps"
        case maxSizeMB = "max_size_mb"
        case blocks, penalty
        case penaltySource = "penalty_source"
        case top1
        case top1Source = "top1_source"
        case latencyMs = "latency_ms"
        case fps
        case latencyCycles = "latency_cycles"
        case sizeMB = "size_mb"
        case configuration, resources
        case leastLatencyCycles = "least_latency_cycles"
        case leastLatencyFPS = "least_latency_fps"
        case diagnosis
        case latencyModel = "latency_model"
    }
}
