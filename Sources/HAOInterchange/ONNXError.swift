import HAONetwork

/// Why an ONNX file could not be imported as a network.
///
/// Every message names the file or the node (its name, or its first output when unnamed) and
/// its op type, and says what was expected, so a user can find the place in Netron.
public enum ONNXImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// The bytes are not an ONNX model (not protobuf, truncated, or without a graph).
    case notAModel(source: String, detail: String)
    /// The graph as a whole is outside what the importer handles (inputs, outputs, shapes).
    case unsupportedGraph(String)
    /// A node is outside the MBConv family, or an attribute of it is.
    case unsupportedNode(node: String, op: String, reason: String)
    /// The graph was recognised but the network it describes fails validation.
    case invalidNetwork(NetworkError)

    /// One line for the user naming the file or node and what is wrong.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read ONNX file '\(path)': \(reason)"
        case .notAModel(let source, let detail):
            return "\(source) is not an ONNX model: \(detail)"
        case .unsupportedGraph(let reason):
            return "unsupported ONNX graph: \(reason)"
        case .unsupportedNode(let node, let op, let reason):
            return "node \(node) (\(op)): \(reason)"
        case .invalidNetwork(let error):
            return "the imported network is not valid: \(error)"
        }
    }
}
