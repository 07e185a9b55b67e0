import ArgumentParser
import Foundation
import HAOHardware
import HAONetwork
import HAOSupport

/// `hao baselines`: the shipped networks' published figures and their frame rate on a device at 8 and 4 bits.
struct BaselinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baselines",
        abstract: "Print the shipped networks' top-1, MACs, parameters and fps at 8-bit and 4-bit blocks on a device.",
        discussion: """
            The fps is the cost model's latency of the best accelerator configuration
            (batch 1), with every block at W8A8 or W4A4 and the stem and head at 8
            bits. "infeasible" means no configuration fits; the reason is printed
            below the table.
            Examples:
              hao baselines
              hao baselines --device zcu102 --json
            """
    )

    @OptionGroup var hardware: HardwareOptions
    @OptionGroup var solverOption: SolverOption
    @OptionGroup var objectiveOption: ObjectiveOption
    @OptionGroup var output: OutputOptions

    // swift-format-ignore: AlwaysUseLowerCamelCase
    // Property names are the JSON keys of this documented output; renaming them would change the output.
    struct Entry: Encodable {
        var network: String
        var file: String
        var top1: Double?
        var macs_millions: Double
        var params_millions: Double
        var fps_w8: Double?
        var fps_w4: Double?
        var dsp_w8: Int?
        var dsp_w4: Int?
        var infeasible_w8: String?
        var infeasible_w4: String?
        var paper: String?
    }

    func run() throws {
        let target = try hardware.makeTarget()
        let directory = try hardware.models().networks
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        guard !files.isEmpty else { throw CLIError("no network files in \(directory.path)") }
        let entries = try files.map {
            try entry(Network.loadValidated(contentsOf: directory.appendingPathComponent($0)), file: $0, on: target)
        }
        let device = target.device
        if output.json {
            // swift-format-ignore: AlwaysUseLowerCamelCase
            // Property names are the JSON keys of this documented output; renaming them would change the output.
            struct Output: Encodable {
                var device: String
                var latency_model: LatencyModelDescription
                var networks: [Entry]
            }
            try printJSON(Output(device: device.part, latency_model: target.latencyModel, networks: entries))
            return
        }
        try emit(
            "Baselines on \(device.part) (\(device.board)) with the \(type(of: target).id) target; blocks at W8A8 / W4A4, stem and head 8-bit"
                + (objectiveOption.objective == .throughput ? "; fps = throughput of the design of most throughput" : ""))
        try emit("Latency model: \(target.latencyModel.summary)")
        try emit(
            textTable(
                ["network", "top-1", "MACs (M)", "params (M)", "fps W8", "fps W4"],
                entries.map {
                    [
                        $0.network, $0.top1.map { fixedPoint($0, 1) } ?? "-", fixedPoint($0.macs_millions, 1),
                        fixedPoint($0.params_millions, 2),
                        $0.fps_w8.map { fixedPoint($0, 1) } ?? ($0.infeasible_w8?.hasPrefix("not run") == true ? "-" : "infeasible"),
                        $0.fps_w4.map { fixedPoint($0, 1) } ?? ($0.infeasible_w4?.hasPrefix("not run") == true ? "-" : "infeasible"),
                    ]
                }, rightAligned: [1, 2, 3, 4, 5]))
        for bits in [8, 4] where !type(of: target).supports(bits: bits) {
            try emit("W\(bits): not run: \(type(of: target).bitWidthRestriction ?? "unsupported width")")
        }
        for entry in entries {
            if let reason = entry.infeasible_w8, !reason.hasPrefix("not run") { try emit("\(entry.network) W8: \(reason)") }
            if let reason = entry.infeasible_w4, !reason.hasPrefix("not run") { try emit("\(entry.network) W4: \(reason)") }
        }
    }

    /// One network solved at W8A8 and W4A4 blocks.
    private func entry<T: HardwareTarget>(_ network: Network, file: String, on target: T) throws -> Entry {
        let objective = objectiveOption.designObjective
        func solve(_ bits: Int) throws -> (fps: Double?, dsp: Int?, reason: String?) {
            guard T.supports(bits: bits) else { return (nil, nil, "not run: \(T.bitWidthRestriction ?? "unsupported width")") }
            let solution = try target.solve(network.withBlockBits(bits), objective: objective, solver: solverOption.solver)
            for message in solution.messages { printError("note (\(network.name)): \(message)") }
            let fps = objective == .maximiseThroughput ? solution.report?.sustainedFPS : solution.fps
            return (fps, solution.resources?.dsp, solution.diagnosis)
        }
        let w8 = try solve(8)
        let w4 = try solve(4)
        return Entry(
            network: network.name, file: file, top1: network.reference?.top1,
            macs_millions: Double(network.macs) / 1e6, params_millions: Double(network.parameters) / 1e6,
            fps_w8: w8.fps, fps_w4: w4.fps, dsp_w8: w8.dsp, dsp_w4: w4.dsp,
            infeasible_w8: w8.reason, infeasible_w4: w4.reason, paper: network.reference?.paper)
    }
}
