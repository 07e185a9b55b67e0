import HAOSupport

/// Why a network file could not be read or a network is not one the accelerator can run.
///
/// Every message names the file, the JSON path (e.g. `blocks[3].kernel`) or the block
/// index and field, so a user can find the offending value without a debugger.
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be read (a directory, no permission, ...).
    case unreadable(path: String, reason: String)
    /// The bytes are not valid JSON. `location` is e.g. "line 3, column 14" when known.
    case invalidJSON(source: String, location: String?, detail: String)
    /// A required key is absent. `path` is where it was expected, e.g. `blocks[2]`.
    case missingKey(source: String, key: String, path: String)
    /// A value has the wrong JSON type or an unknown enumeration value.
    case wrongValue(source: String, path: String, detail: String)
    /// A value is present and well-typed but not acceptable, e.g. a zero channel count,
    /// an even kernel or channels that do not chain. `location` is "stem", "head",
    /// "network" or "block N" (0-based, as in the file's `blocks` array).
    case invalidField(location: String, field: String, message: String)
    /// The network exceeds the sizes this tool handles.
    case tooLarge(String)

    /// One line for the user naming the file, JSON path or block and what is wrong.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "network file not found: '\(path)'"
        case .unreadable(let path, let reason):
            return "cannot read network file '\(path)': \(reason)"
        case .invalidJSON(let source, let location, let detail):
            return JSONFileError.invalidJSON(source: source, location: location, detail: detail).description
        case .missingKey(let source, let key, let path):
            return JSONFileError.missingKey(source: source, key: key, path: path).description
        case .wrongValue(let source, let path, let detail):
            return JSONFileError.wrongValue(source: source, path: path, detail: detail).description
        case .invalidField(let location, let field, let message):
            return "invalid network: \(location), \(field): \(message)"
        case .tooLarge(let detail):
            return "network too large: \(detail)"
        }
    }
}

extension NetworkError {
    /// A file or decoding error of the network file.
    init(_ error: JSONFileError) {
        switch error {
        case .fileNotFound(let path): self = .fileNotFound(path: path)
        case .unreadable(let path, let reason): self = .unreadable(path: path, reason: reason)
        case .invalidJSON(let source, let location, let detail): self = .invalidJSON(source: source, location: location, detail: detail)
        case .missingKey(let source, let key, let path): self = .missingKey(source: source, key: key, path: path)
        case .wrongValue(let source, let path, let detail): self = .wrongValue(source: source, path: path, detail: detail)
        }
    }
}
