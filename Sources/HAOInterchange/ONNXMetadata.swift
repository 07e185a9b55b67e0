import Foundation
import HAONetwork

/// What the ONNX graph cannot say about a network, kept in the model's `metadata_props` by
/// `hao export --format onnx` so that an import gives back the same network: its name, the
/// bit widths of every layer group, and its published reference. The structure itself is
/// always read from the graph, never from here.
struct ONNXNetworkMetadata: Equatable {
    static let nameKey = "hao.name"
    static let precisionKey = "hao.precision"
    static let referenceKey = "hao.reference"

    /// Bit widths, as compact JSON: `{"stem":[8,8],"blocks":[[8,8],[4,4],...],"head":[8,8]}`.
    struct Precisions: Codable, Equatable {
        var stem: [Int]
        var blocks: [[Int]]
        var head: [Int]
    }

    var name: String?
    var precisions: Precisions?
    var reference: Reference?

    init(network: Network) {
        name = network.name
        func pair(_ p: Precision) -> [Int] { [p.weightBits, p.activationBits] }
        precisions = Precisions(
            stem: pair(network.stem.precision), blocks: network.blocks.map { pair($0.precision) },
            head: pair(network.head.precision))
        reference = network.reference
    }

    init(entries: [Onnx_StringStringEntryProto]) {
        var values: [String: String] = [:]
        for entry in entries { values[entry.key] = entry.value }
        name = values[Self.nameKey]
        precisions = values[Self.precisionKey].flatMap { try? JSONDecoder().decode(Precisions.self, from: Data($0.utf8)) }
        reference = values[Self.referenceKey].flatMap { try? JSONDecoder().decode(Reference.self, from: Data($0.utf8)) }
    }

    var entries: [Onnx_StringStringEntryProto] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var result: [Onnx_StringStringEntryProto] = []
        func add(_ key: String, _ value: String?) {
            guard let value else { return }
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            result.append(entry)
        }
        add(Self.nameKey, name)
        add(Self.precisionKey, precisions.flatMap { try? String(decoding: encoder.encode($0), as: UTF8.self) })
        add(Self.referenceKey, reference.flatMap { try? String(decoding: encoder.encode($0), as: UTF8.self) })
        return result
    }

    /// Sets the network's bit widths from the metadata when it describes as many blocks and
    /// only widths the format accepts; returns a note when metadata was present but unusable.
    func applyPrecisions(to network: inout Network) -> String? {
        guard let precisions else { return nil }
        let allowed = NetworkLimits.standard.bitWidths
        let pairs = [precisions.stem, precisions.head] + precisions.blocks
        guard precisions.blocks.count == network.blocks.count,
            pairs.allSatisfy({ $0.count == 2 && allowed.contains($0[0]) && allowed.contains($0[1]) })
        else {
            return
                "the file's \(Self.precisionKey) metadata does not fit the graph (\(precisions.blocks.count) blocks); every layer is W8A8"
        }
        func precision(_ pair: [Int]) -> Precision { Precision(weightBits: pair[0], activationBits: pair[1]) }
        network.stem.precision = precision(precisions.stem)
        network.head.precision = precision(precisions.head)
        for index in network.blocks.indices { network.blocks[index].precision = precision(precisions.blocks[index]) }
        return nil
    }
}
