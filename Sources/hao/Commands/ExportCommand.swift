import ArgumentParser
import Foundation
import HAOInterchange
import HAONetwork
import HAOSupport

/// `hao export NETWORK --format F`: a network or frontier point for the field's tools.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a network or frontier point as a timm arch_def, a once-for-all subnet config, an ONNX graph or network JSON.",
        discussion: """
            NETWORK is a network JSON file, a shipped network name (Models/networks),
            or FRONTIER.json#INDEX: point INDEX (0-based, in file order) of the
            frontier a search wrote. Formats:
              arch_def  timm-style arch_def with stem, head, bit widths and the timm
                        model-class arguments (JSON); parses back to the network
              ofa       once-for-all MobileNetV3 subnet: {"ks", "e", "d", "r"} as
                        set_active_subnet takes them (refused outside OFA's space)
              onnx      ONNX graph (opset 14), weightless unless --weights random;
                        'hao import' reads it back to the same network
              json      the network in the Models/networks format
            See docs/interchange.md. Examples:
              hao export mnasnet_a1 --format arch_def
              hao export out/frontier.json#3 --format ofa
              hao export fbnet_b --format onnx --out fbnet_b.onnx
              hao export out/frontier.json#0 --format onnx --weights random --out p0.onnx
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case archDef = "arch_def"
        case ofa
        case onnx
        case json
    }

    @Argument(help: "Network JSON file, shipped network name, or FRONTIER.json#INDEX.")
    var network: String

    @Option(name: .long, help: "arch_def, ofa, onnx or json.")
    var format: Format

    @Option(name: .long, help: "Write to this file (default: standard output; required for onnx).")
    var out: String?

    @Option(name: .long, help: "ONNX weights: none (graph inputs with shapes) or random (seeded He-uniform initializers).")
    var weights: ONNXExportOptions.Weights = .none

    @Option(name: .long, parsing: .unconditional, help: "Seed of --weights random.")
    var seed: UInt64 = 0

    @OptionGroup var modelsOptions: ModelsOptions

    func validate() throws {
        if format == .onnx && out == nil {
            throw ValidationError("--format onnx writes a binary file; give --out FILE")
        }
        if format != .onnx && (weights != .none || seed != 0) {
            throw ValidationError("--weights and --seed apply to --format onnx only")
        }
    }

    func run() throws {
        let net = try loadExportedNetwork(network, models: modelsOptions)
        let data: Data
        switch format {
        case .archDef: data = try prettyJSON(ArchDefDocument(network: net))
        case .ofa: data = try prettyJSON(OFASubnetConfig(network: net))
        case .json: data = try net.jsonData() + Data("\n".utf8)
        case .onnx:
            data = try ONNXExporter.modelData(
                for: net,
                options: ONNXExportOptions(
                    weights: weights, seed: seed,
                    producerVersion: HAOVersion.string))
        }
        if let out {
            try writeOutput(data, to: out)
            try emit("Wrote \(out) (\(format.rawValue) of '\(net.name)')")
        } else {
            try emit(data)
        }
    }
}

/// A network file, a shipped network's name, or `FRONTIER.json#INDEX`.
func loadExportedNetwork(_ argument: String, models: ModelsOptions) throws -> Network {
    if let (path, index) = FrontierPoints.reference(argument), FileManager.default.fileExists(atPath: path) {
        return try FrontierPoints.network(contentsOf: URL(fileURLWithPath: path), index: index)
    }
    do { return try Network.lookUp(argument, models: models.models) } catch let error as NetworkLookupError {
        throw CLIError(
            "'\(argument)' is neither a file, a shipped network (\(error.shipped.joined(separator: ", "))), nor FRONTIER.json#INDEX of an existing file"
        )
    }
}

/// Pretty JSON with sorted keys and a final newline.
func prettyJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value) + Data("\n".utf8)
}

/// Writes a result file (see ``AtomicFile``); a path that cannot be written is an error naming it.
func writeOutput(_ data: Data, to path: String) throws {
    do { try AtomicFile.write(data, to: URL(fileURLWithPath: path)) } catch { throw CLIError("\(error)") }
}

extension ONNXExportOptions.Weights: ExpressibleByArgument {}
