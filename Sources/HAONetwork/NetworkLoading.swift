import Foundation

extension Network {
    /// Reads and decodes a network JSON file (the format of `Models/networks/README.md`).
    ///
    /// The result is decoded but not validated; call ``validate(limits:)`` before using it,
    /// or use ``loadValidated(contentsOf:limits:)``.
    public static func load(contentsOf url: URL) throws(NetworkError) -> Network {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "it is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try decode(from: data, source: "'\(path)'")
    }

    /// Reads, decodes and validates a network JSON file.
    public static func loadValidated(contentsOf url: URL, limits: NetworkLimits = .standard) throws(NetworkError) -> Network {
        let network = try load(contentsOf: url)
        try network.validate(limits: limits)
        return network
    }

    /// Decodes a network from JSON bytes. `source` names the input in error messages.
    public static func decode(from data: Data, source: String = "network JSON") throws(NetworkError) -> Network {
        // Syntax first, with JSONSerialization, whose errors carry a line and column;
        // JSONDecoder's messages for the same fault vary between Foundation versions.
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw .invalidJSON(source: source, location: Self.jsonLocation(in: error, data: data), detail: Self.jsonDetail(error))
        }
        do {
            return try JSONDecoder().decode(Network.self, from: data)
        } catch let error as DecodingError {
            // The syntax is fine, so "not valid JSON" from the decoder means a number that does
            // not fit an integer field (224.5, 1e308, 2^63); name the field.
            if case let .dataCorrupted(context) = error, context.codingPath.isEmpty,
               let (path, value) = JSONIntegerFields.firstNonInteger(in: data, patterns: integerFields) {
                throw .wrongValue(source: source, path: path, detail: "\(JSONIntegerFields.expectation); got \(value)")
            }
            throw Self.translate(error, source: source)
        } catch {
            throw .invalidJSON(source: source, location: nil, detail: String(describing: error))
        }
    }

    /// Every integer field of the format, for ``JSONIntegerFields``.
    static let integerFields: [[String]] = {
        let precision = ["weight_bits", "activation_bits"]
        var patterns: [[String]] = [["resolution"], ["input_channels"]]
        patterns += (["out_channels", "kernel", "stride"] + precision).map { ["stem", $0] }
        patterns += (["in_channels", "out_channels", "expanded_channels", "expand_ratio", "kernel", "stride", "se_channels",
                      "pointwise_groups"] + precision).map { ["blocks", "[]", $0] }
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

    private static func pathString(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }

    private static func translate(_ error: DecodingError, source: String) -> NetworkError {
        switch error {
        case .keyNotFound(let key, let context):
            return .missingKey(source: source, key: key.stringValue, path: pathString(context.codingPath))
        case .typeMismatch(let type, let context):
            return .wrongValue(source: source, path: pathString(context.codingPath),
                               detail: "expected \(typeName(type)); \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return .wrongValue(source: source, path: pathString(context.codingPath),
                               detail: "expected \(typeName(type)), found null")
        case .dataCorrupted(let context):
            let path = pathString(context.codingPath)
            if context.codingPath.last?.stringValue == "activation" {
                let known = Activation.allCases.map(\.rawValue).joined(separator: ", ")
                return .wrongValue(source: source, path: path, detail: "unknown activation; expected one of \(known)")
            }
            if context.codingPath.isEmpty {
                let underlying = context.underlyingError
                return .invalidJSON(source: source, location: underlying.flatMap { jsonLocation(in: $0, data: nil) },
                                    detail: underlying.map(jsonDetail) ?? context.debugDescription)
            }
            return .wrongValue(source: source, path: path, detail: context.debugDescription)
        @unknown default:
            return .invalidJSON(source: source, location: nil, detail: String(describing: error))
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }

    /// Foundation reports JSON syntax errors as NSError with the text in the debug
    /// description, e.g. "Unexpected character 'x' around line 3, column 7."
    private static func jsonDetail(_ error: any Error) -> String {
        let ns = error as NSError
        if let text = ns.userInfo["NSDebugDescription"] as? String { return text }
        return ns.localizedDescription
    }

    /// Foundation words the position either as "line L, column C" or as "around character N"
    /// (a 0-based byte offset); the latter is turned into a line and column here.
    private static func jsonLocation(in error: any Error, data: Data?) -> String? {
        let text = jsonDetail(error)
        if let range = text.range(of: "line ") {
            var tail = text[range.lowerBound...]
            if let end = tail.firstIndex(of: ".") { tail = tail[..<end] }
            return String(tail)
        }
        guard let data, let range = text.range(of: "character ") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        guard let offset = Int(digits), offset >= 0 else { return nil }
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return "line \(line), column \(column)"
    }
}
