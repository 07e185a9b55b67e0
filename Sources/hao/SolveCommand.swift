import ArgumentParser
import Foundation
import HAOHardware
import HAONetwork
import HAOSolver

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
        """
    )

    @Argument(help: "Network JSON file or shipped network name.")
    var network: String

    @OptionGroup var hardware: HardwareOptions

    @Option(name: .long, help: "Solver: glpk, native or auto (GLPK, native on a GLPK error or time limit).")
    var solver: AcceleratorSolverChoice = .auto

    @Option(name: .long, help: "Inverse mode: least DSP meeting this frame rate.")
    var targetFps: Double?

    @Option(name: .long, help: "Set every block's weight and activation bits (stem and head keep theirs).")
    var bits: Int?

    @Option(name: .long, help: "Write the integer program (after pruning) as free MPS to this file.")
    var exportMps: String?

    @Option(name: .long, help: "Write the integer program (after pruning) as CPLEX LP to this file.")
    var exportLp: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let device = try hardware.resolveDevice()
        let net = withBlockBits(try hardware.loadNetwork(network), bits)
        let optimizer = AcceleratorOptimizer(device: device, cap: try hardware.resolveCap())
        let solution: AcceleratorSolution
        if let targetFps {
            solution = try optimizer.solve(net, targetFPS: targetFps, solver: solver)
        } else {
            solution = try optimizer.solve(net, solver: solver)
        }
        let objective: AcceleratorObjective
        if let targetFps {
            objective = .minimiseResources(weights: .dsp, maxLatencyCycles: try optimizer.latencyLimit(targetFPS: targetFps))
        } else {
            objective = .minimiseLatency
        }
        if let exportMps { try optimizer.exportProgram(net, objective: objective, to: exportMps, format: .freeMPS) }
        if let exportLp { try optimizer.exportProgram(net, objective: objective, to: exportLp, format: .cplexLP) }
        if json {
            try printJSON(SolveJSON(network: net, device: device, solution: solution, targetFPS: targetFps))
        } else {
            print(describe(solution, network: net, device: device))
            if let targetFps, solution.status == .optimal {
                print("Target: \(formatTarget(targetFps)) fps (least DSP meeting it)")
            }
        }
        for message in solution.messages where json { printError("note: \(message)") }
        if solution.status == .infeasible {
            if json { printError(solution.diagnosis ?? "infeasible") }
            throw ExitCode.failure
        }
    }
}
