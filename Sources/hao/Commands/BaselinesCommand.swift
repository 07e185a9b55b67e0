import HAOSupport
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
    @OptionGroup var output: OutputOptions

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
        let entries = try files.map { try entry(Network.loadValidated(contentsOf: directory.appendingPathComponent($0)), file: $0, on: target) }
        let device = target.device
        if output.json {
            struct Output: Encodable { var device: String; var latency_model: LatencyModelDescription; var networks: [Entry] }
            try printJSON(Output(device: device.part, latency_model: target.latencyModel, networks: entries))
            return
        }
        print("Baselines on \(device.part) (\(device.board)), \(fixedPoint(device.clockMHz, 0)) MHz; blocks at W8A8 / W4A4, stem and head 8-bit")
        print("Latency model: \(target.latencyModel.summary)")
        print(textTable(["network", "top-1", "MACs (M)", "params (M)", "fps W8", "fps W4"], entries.map {
            [$0.network, $0.top1.map { fixedPoint($0, 1) } ?? "-", fixedPoint($0.macs_millions, 1), fixedPoint($0.params_millions, 2),
             $0.fps_w8.map { fixedPoint($0, 1) } ?? "infeasible", $0.fps_w4.map { fixedPoint($0, 1) } ?? "infeasible"]
        }, rightAligned: [1, 2, 3, 4, 5]))
        for entry in entries {
            if let reason = entry.infeasible_w8 { print("\(entry.network) W8: \(reason)") }
            if let reason = entry.infeasible_w4 { print("\(entry.network) W4: \(reason)") }
        }
    }

    /// One network solved at W8A8 and W4A4 blocks.
    private func entry<T: HardwareTarget>(_ network: Network, file: String, on target: T) throws -> Entry {
        let w8 = try target.solve(network.withBlockBits(8), solver: solverOption.solver)
        let w4 = try target.solve(network.withBlockBits(4), solver: solverOption.solver)
        for message in w8.messages + w4.messages { printError("note (\(network.name)): \(message)") }
        return Entry(network: network.name, file: file, top1: network.reference?.top1,
                     macs_millions: Double(network.macs) / 1e6, params_millions: Double(network.parameters) / 1e6,
                     fps_w8: w8.fps, fps_w4: w4.fps, dsp_w8: w8.resources?.dsp, dsp_w4: w4.resources?.dsp,
                     infeasible_w8: w8.diagnosis, infeasible_w4: w4.diagnosis, paper: network.reference?.paper)
    }
}
