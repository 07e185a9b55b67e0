import ArgumentParser
import Foundation
import HAOInterchange
import HAONetwork

/// `hao import MODEL.onnx`: an ONNX model of the MBConv family as a network file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an ONNX model of the MBConv family (MobileNet, MnasNet, FBNet, EfficientNet, ...) as a network file.",
        discussion: """
            Reads the graph (weights are optional: only shapes and attributes matter),
            recognises stem, inverted-residual blocks, squeeze-excite and head, and
            writes the network in the Models/networks format. Anything outside the
            MBConv family is refused, naming the first node that does not fit.
            Summary and notes go to standard error when the network JSON goes to
            standard output. See docs/interchange.md.
            Examples:
              hao import mobilenet_v2.onnx --out mbv2.json
              hao import model.onnx --name my-net --resolution 192 > net.json
              hao solve mbv2.json --device zu3eg
            """
    )

    @Argument(help: "ONNX model file.")
    var model: String

    @Option(name: .long, help: "Write the network JSON to this file (default: standard output).")
    var out: String?

    @Option(name: .long, help: "Network name (default: the name hao export stored, else the file's base name).")
    var name: String?

    @Option(name: .long, parsing: .unconditional, help: "Input resolution, for graphs whose input size is symbolic (16...1024).")
    var resolution: Int?

    func validate() throws {
        if let resolution, !NetworkLimits.standard.resolutions.contains(resolution) {
            throw ValidationError("--resolution \(resolution) is outside 16...1024")
        }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--name must not be empty")
        }
    }

    func run() throws {
        let result = try ONNXImporter.importNetwork(
            contentsOf: URL(fileURLWithPath: model),
            options: ONNXImportOptions(name: name, resolution: resolution))
        let network = result.network
        var json = try network.jsonData()
        json.append(Data("\n".utf8))
        let head = network.head.hasConv ? "head conv \(network.head.convChannels)" : "no head conv"
        let summary =
            "Imported '\(network.name)' from \(model) (\(result.producer.isEmpty ? "unknown producer" : result.producer), opset \(result.opset)): "
            + "\(network.resolution)x\(network.resolution), \(network.blocks.count) blocks, \(head), "
            + String(format: "%.2fM MACs, %.3fM parameters", Double(network.macs) / 1e6, Double(network.parameters) / 1e6)
        if let out {
            try writeOutput(json, to: out)
            try emit(summary)
            try emit("Wrote \(out)")
        } else {
            try emit(json)
            printError(summary)
        }
        for note in result.notes { printError("note: \(note)") }
    }
}
