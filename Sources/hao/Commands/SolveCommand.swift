import ArgumentParser
import Foundation
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

/// `hao solve NETWORK`: the accelerator configuration of least latency, exactly.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Find the accelerator configuration of least latency (or least DSP for a target fps) exactly.",
        discussion: """
            NETWORK is a network JSON file or the name of a shipped network
            (Models/networks). Exits with status 1, and the reason, when nothing fits.
            Examples:
              hao solve mnasnet_a1 --device zu3eg
              hao solve Models/networks/mobilenet_v2_1.0.json --bits 4 --json
              hao solve mnasnet_a1 --bits 4 --target-fps 200
                  least DSP that reaches 200 fps (inverse mode)
              hao solve mnasnet_a1 --export-mps mnasnet.mps
                  also write the integer program (check it with 'hao lp' or glpsol)
              hao solve mobilenet_v2_1.0 --target dpu --device zcu102 --objective throughput
                  the vendor DPU design of most frames per second on the ZCU102
            """
    )

    @Argument(help: "Network JSON file or shipped network name.")
    var network: String

    @OptionGroup var hardware: HardwareOptions
    @OptionGroup var solverOption: SolverOption
    @OptionGroup var objectiveOption: ObjectiveOption

    @Option(name: .long, parsing: .unconditional, help: "Inverse mode: least DSP meeting this frame rate.")
    var targetFps: Double?

    @Option(name: .long, parsing: .unconditional, help: "Set every block's weight and activation bits (stem and head keep theirs).")
    var bits: Int?

    @Option(name: .long, help: "Write the integer program (after pruning) as free MPS to this file.")
    var exportMps: String?

    @Option(name: .long, help: "Write the integer program (after pruning) as CPLEX LP to this file.")
    var exportLp: String?

    @Option(
        name: [.customLong("export-config"), .customLong("export-hls")],
        help:
            "Write the chosen accelerator configuration in the target's implementation format (subgraph: a C++ header for HLS, docs/hls-header.md)."
    )
    var exportConfig: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if targetFps != nil && objectiveOption.objective == .throughput {
            throw ValidationError(
                "--target-fps asks for the least DSP reaching a batch-1 frame rate; it cannot be combined with --objective throughput")
        }
    }

    func run() throws {
        let target = try hardware.makeTarget()
        let net = try hardware.loadNetwork(network).withBlockBits(bits)
        try solve(net, on: target)
    }

    private func solve<T: HardwareTarget>(_ net: Network, on target: T) throws {
        let objective: DesignObjective =
            targetFps.map { .minimiseResources(weights: .dsp, targetFPS: $0) } ?? objectiveOption.designObjective
        let solution = try target.solve(net, objective: objective, solver: solverOption.solver)
        if let exportMps { try target.exportProgram(net, objective: objective, to: exportMps, format: .freeMPS) }
        if let exportLp { try target.exportProgram(net, objective: objective, to: exportLp, format: .cplexLP) }
        if let exportConfig, let configuration = solution.configuration {
            try writeConfigurationFile(target, configuration, net, to: exportConfig)
        }
        if output.json {
            try printJSON(target.document(solution, network: net, targetFPS: targetFps))
            for message in solution.messages { printError("note: \(message)") }
        } else {
            try emit(target.describe(solution, network: net))
            if let targetFps, solution.status == .optimal {
                try emit("Target: \(targetText(targetFps)) fps (least DSP meeting it)")
            }
        }
        if solution.status == .infeasible {
            if output.json { printError(solution.diagnosis ?? "infeasible") }
            throw ExitCode.failure
        }
    }

    /// The target's configuration file, or a clear refusal when the target has no such format.
    private func writeConfigurationFile<T: HardwareTarget>(
        _ target: T, _ configuration: T.Configuration, _ net: Network,
        to path: String
    ) throws {
        guard let exporter = target as? any ConfigurationFileExporting else {
            throw CLIError("--export-config: the \(T.id) target has no configuration file format")
        }
        let text = try configurationText(exporter, configuration, net)
        do { try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path)) } catch { throw CLIError("\(error)") }
    }

    private func configurationText<E: ConfigurationFileExporting>(_ exporter: E, _ configuration: Any, _ net: Network) throws -> String {
        guard let typed = configuration as? E.Configuration else { throw CLIError("--export-config: configuration of another target") }
        return try exporter.configurationFile(for: typed, network: net)
    }
}
