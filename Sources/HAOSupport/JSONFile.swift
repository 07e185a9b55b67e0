import Foundation

/// Why a JSON file could not be read or decoded, precise enough to find the fault: the file,
/// the line and column of a syntax error, or the key path (e.g. `blocks[3].kernel`) of a
/// missing or wrong value.
public enum JSONFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but cannot be read as a file (a directory, no permission, ...).
    case unreadable(path: String, reason: String)
    /// The bytes are not valid JSON. `location` is e.g. "line 3, column 14" when known.
    case invalidJSON(source: String, location: String?, detail: String)
    /// A required key is absent. `path` is where it was expected, e.g. `blocks[2]`.
    case missingKey(source: String, key: String, path: String)
    /// A value has the wrong JSON type, an unknown enumeration value, or is out of range.
    case wrongValue(source: String, path: String, detail: String)

    /// What is wrong, without naming the file: for messages that name it their own way.
    public var reason: String {
        switch self {
        case .fileNotFound: return "file not found"
        case .unreadable(_, let reason): return reason
        case .invalidJSON(_, let location, let detail): return "not valid JSON" + (location.map { " at \($0)" } ?? "") + ": \(detail)"
        case .missingKey(_, let key, let path): return "missing key '\(key)'" + (path.isEmpty ? "" : " in '\(path)'")
        case .wrongValue(_, let path, let detail): return "bad value at '\(path)': \(detail)"
        }
    }

    /// One line for the user naming the file, with the line and column or key path of the fault.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "file not found: '\(path)'"
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .invalidJSON(let source, let location, let detail):
            let at = location.map { " at \($0)" } ?? ""
            return "\(source) is not valid JSON\(at): \(detail)"
        case .missingKey(let source, let key, let path):
            let within = path.isEmpty ? "the top level" : "'\(path)'"
            return "\(source): missing key '\(key)' in \(within)"
        case .wrongValue(let source, let path, let detail):
            return "\(source): bad value at '\(path)': \(detail)"
        }
    }
}

/// The one way the project reads its JSON files (networks, devices, spaces, predictors,
/// checkpoints, profiles): existence and kind checked first, syntax checked with a line and
/// column, then decoded with errors that name the key path.
public enum JSONFile {
    /// The bytes of a regular file or a pipe, with clear errors (see ``InputFile``).
    public static func data(at url: URL) throws(JSONFileError) -> Data {
        do { return try InputFile.read(url) } catch {
            switch error {
            case .notFound(let path): throw .fileNotFound(path: path)
            case .unreadable(let path, let reason): throw .unreadable(path: path, reason: reason)
            }
        }
    }

    /// Checks JSON syntax strictly (see ``JSONSyntax``): a fault, a duplicate key, an empty file.
    public static func checkSyntax(_ data: Data, source: String) throws(JSONFileError) {
        do { try JSONSyntax.check(data) } catch {
            throw .invalidJSON(source: source, location: error.location, detail: error.detail)
        }
    }

    /// Reads and decodes a file. `source` (default: the quoted path) names it in messages.
    public static func load<T: Decodable>(
        _ type: T.Type, from url: URL, source: String? = nil, decoder: JSONDecoder = JSONDecoder(),
        integerFields: [[String]] = []
    ) throws(JSONFileError) -> T {
        let bytes = try data(at: url)
        return try decode(type, from: bytes, source: source ?? "'\(url.path)'", decoder: decoder, integerFields: integerFields)
    }

    /// Decodes JSON bytes. Syntax is checked first by ``JSONSyntax`` (line and column, duplicate
    /// keys; `JSONDecoder`'s messages for the same faults vary between Foundation versions and
    /// it silently keeps one of two equal keys), then by `JSONSerialization` (e.g. invalid UTF-8). `integerFields` lists the key paths of integer fields (see ``JSONIntegerFields``)
    /// so that a non-integer number there is named instead of reported as "not valid JSON".
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, source: String, decoder: JSONDecoder = JSONDecoder(),
        integerFields: [[String]] = []
    ) throws(JSONFileError) -> T {
        try checkSyntax(data, source: source)
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw .invalidJSON(source: source, location: location(in: error, data: data), detail: detail(error))
        }
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            // The syntax is fine, so "not valid JSON" from the decoder means a number that does
            // not fit an integer field (224.5, 1e308, 2^63); name the field.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                let (path, value) = JSONIntegerFields.firstNonInteger(in: data, patterns: integerFields)
            {
                throw .wrongValue(source: source, path: path, detail: "\(JSONIntegerFields.expectation); got \(value)")
            }
            throw translate(error, source: source)
        } catch let error as JSONFileError {
            throw error
        } catch {
            throw .invalidJSON(source: source, location: nil, detail: String(describing: error))
        }
    }

    /// A key path such as `blocks[3].kernel`.
    public static func pathString(_ codingPath: [any CodingKey]) -> String {
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

    /// A decoding error as the file error it stands for.
    public static func translate(_ error: DecodingError, source: String) -> JSONFileError {
        switch error {
        case .keyNotFound(let key, let context):
            return .missingKey(source: source, key: key.stringValue, path: pathString(context.codingPath))
        case .typeMismatch(let type, let context):
            return .wrongValue(
                source: source, path: pathString(context.codingPath),
                detail: "expected \(typeName(type)); \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return .wrongValue(source: source, path: pathString(context.codingPath), detail: "expected \(typeName(type)), found null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = context.underlyingError
                return .invalidJSON(
                    source: source, location: underlying.flatMap { location(in: $0, data: nil) },
                    detail: underlying.map(detail) ?? context.debugDescription)
            }
            return .wrongValue(source: source, path: pathString(context.codingPath), detail: context.debugDescription)
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
    private static func detail(_ error: any Error) -> String {
        let ns = error as NSError
        if let text = ns.userInfo["NSDebugDescription"] as? String { return text }
        return ns.localizedDescription
    }

    /// Foundation words the position either as "line L, column C" or as "around character N"
    /// (a 0-based byte offset); the latter is turned into a line and column here.
    private static func location(in error: any Error, data: Data?) -> String? {
        let text = detail(error)
        if let range = text.range(of: "line ") {
            var tail = text[range.lowerBound...]
            if let end = tail.firstIndex(of: ".") { tail = tail[..<end] }
            return String(tail)
        }
        guard let data, let range = text.range(of: "character ") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        guard let offset = Int(digits), offset >= 0 else { return nil }
        return JSONSyntax.location(of: offset, in: data)
    }
}
