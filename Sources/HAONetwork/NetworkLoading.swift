import Foundation
import HAOSupport

extension Network {
    /// Reads and decodes a network JSON file (the format of `Models/networks/README.md`).
    ///
    /// The result is decoded but not validated; call ``validate(limits:)`` before using it,
    /// or use ``loadValidated(contentsOf:limits:)``.
    public static func load(contentsOf url: URL) throws(NetworkError) -> Network {
        let data: Data
        do { data = try JSONFile.data(at: url) } catch { throw NetworkError(error) }
        return try decode(from: data, source: "'\(url.path)'")
    }

    /// Reads, decodes and validates a network JSON file.
    public static func loadValidated(contentsOf url: URL, limits: NetworkLimits = .standard) throws(NetworkError) -> Network {
        let network = try load(contentsOf: url)
        try network.validate(limits: limits)
        return network
    }

    /// Decodes a network from JSON bytes. `source` names the input in error messages.
    public static func decode(from data: Data, source: String = "network JSON") throws(NetworkError) -> Network {
        do {
            return try JSONFile.decode(Network.self, from: data, source: source, integerFields: integerFields)
        } catch {
            if case .wrongValue(let source, let path, let detail) = error, path.hasSuffix("activation"), !detail.hasPrefix("expected") {
                let known = Activation.allCases.map(\.rawValue).joined(separator: ", ")
                throw .wrongValue(source: source, path: path, detail: "unknown activation; expected one of \(known)")
            }
            throw NetworkError(error)
        }
    }

    /// Every integer field of the format, for ``JSONIntegerFields``.
    static let integerFields: [[String]] = {
        let precision = ["weight_bits", "activation_bits"]
        var patterns: [[String]] = [["resolution"], ["input_channels"]]
        patterns += (["out_channels", "kernel", "stride"] + precision).map { ["stem", $0] }
        patterns +=
            ([
                "in_channels", "out_channels", "expanded_channels", "expand_ratio", "kernel", "stride", "se_channels",
                "pointwise_groups",
            ] + precision).map { ["blocks", "[]", $0] }
        patterns += (["conv_channels", "hidden_channels", "classes"] + precision).map { ["head", $0] }
        return patterns
    }()

    /// The network as pretty-printed JSON in the documented format (keys sorted, so
    /// files diff cleanly).
    public func jsonData() throws(NetworkError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw .wrongValue(source: name, path: "", detail: "cannot encode: \(error)")
        }
    }
}
