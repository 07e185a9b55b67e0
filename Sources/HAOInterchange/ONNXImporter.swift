import Foundation
import HAONetwork
import HAOSupport
import SwiftProtobuf

/// Options of an ONNX import.
public struct ONNXImportOptions: Sendable, Hashable {
    /// The network's name; default: the name `hao export` stored, else the file's base name.
    public var name: String?
    /// The input resolution, for graphs whose input height and width are symbolic (or to
    /// import a fixed-size graph at another size).
    public var resolution: Int?

    /// Creates options; nil keeps the defaults: the name `hao export` stored (else the file's base name) and the graph's
    /// own resolution.
    public init(name: String? = nil, resolution: Int? = nil) {
        self.name = name
        self.resolution = resolution
    }
}

/// A network read from an ONNX graph, with what the import noticed on the way.
public struct ONNXImportResult: Sendable, Hashable {
    /// The imported network, validated against the standard limits.
    public var network: Network
    /// Observations that did not stop the import: layers without the bias the format counts,
    /// squeeze-excite gates the format does not record, metadata that did not fit.
    public var notes: [String]
    /// Elements of every conv and FC weight tensor the import recognised (biases and batch
    /// norm excluded). Equals the network's weight count (``Network/weightElements``) exactly.
    public var graphWeightElements: Int
    /// The default-domain opset of the file.
    public var opset: Int
    /// The producer the file names, e.g. "pytorch 2.6.0".
    public var producer: String
}

/// Reads ONNX graphs of MBConv-family classifiers (opset 7 and later; opset 11+ is what
/// current exporters write) into the project's network format.
///
/// Recognised: a stem conv; blocks of optional 1x1 expand conv, k x k depthwise conv,
/// optional squeeze-excite (global pooling or means -> Conv/Gemm/MatMul -> act -> Conv/Gemm/
/// MatMul -> Sigmoid/HardSigmoid -> Mul), 1x1 project conv and residual Add; a head of
/// optional 1x1 conv, global pooling, optional hidden layer and classifier (Gemm, MatMul + Add,
/// or 1x1 Conv). Batch norm, Identity and Dropout pass through (batch norm counts as folded);
/// activations Relu, Clip(0, 6) as relu6, HardSwish or `x * HardSigmoid(x)` or
/// `x * relu6(x + 3) / 6` as h_swish, `x * Sigmoid(x)` as swish. Anything else is refused with
/// the node's name, op type and the reason. Weights are read only for their shapes.
public enum ONNXImporter {
    /// Reads and imports an ONNX file.
    public static func importNetwork(contentsOf url: URL, options: ONNXImportOptions = .init()) throws(ONNXImportError) -> ONNXImportResult
    {
        let data: Data
        do { data = try InputFile.read(url) } catch {
            // The historical wording for a directory, which callers and tests match.
            let reason = error.reason == "it is a directory, not a file" ? "it is a directory" : error.reason
            throw .unreadable(path: url.path, reason: reason)
        }
        return try importNetwork(
            from: data, source: "'\(url.path)'", defaultName: url.deletingPathExtension().lastPathComponent,
            options: options)
    }

    /// Imports an ONNX model from its bytes. `source` names it in messages; `defaultName` is
    /// the network's name when neither the options nor the file's metadata give one.
    public static func importNetwork(
        from data: Data, source: String = "the input", defaultName: String = "imported",
        options: ONNXImportOptions = .init()
    ) throws(ONNXImportError) -> ONNXImportResult {
        let model = try decodeModel(data, source: source)
        let graph = ONNXGraph(model: model)
        try graph.checkOrder()
        let image = try imageInput(graph)
        guard graph.outputs.count == 1 else {
            throw .unsupportedGraph(
                "the graph has \(graph.outputs.count) outputs (\(graph.outputs.joined(separator: ", "))); an image classifier has one")
        }
        let (inputChannels, resolution, sizeNote) = try inputGeometry(graph, image: image, override: options.resolution)
        var walker = GraphWalker(graph: graph, image: image)
        let (stem, blocks, head) = try walker.network(resolution: resolution, inputChannels: inputChannels)
        let metadata = ONNXNetworkMetadata(entries: model.metadataProps)
        let name = options.name ?? metadata.name ?? defaultName
        var network = Network(
            name: name, reference: metadata.reference, resolution: resolution, inputChannels: inputChannels,
            stem: stem, blocks: blocks, head: head)
        var notes = walker.notes
        if let sizeNote { notes.insert(sizeNote, at: 0) }
        if let precisionNote = metadata.applyPrecisions(to: &network) { notes.append(precisionNote) }
        if !walker.gates.isEmpty {
            let gates = walker.gates.map(\.rawValue).sorted().joined(separator: " and ")
            notes.append("squeeze-excite gates are \(gates); the network format does not record the gate")
        }
        do { try network.validate() } catch { throw .invalidNetwork(error) }
        let producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        return ONNXImportResult(
            network: network, notes: notes, graphWeightElements: walker.weightElements,
            opset: graph.opset, producer: producer)
    }

    static func decodeModel(_ data: Data, source: String) throws(ONNXImportError) -> Onnx_ModelProto {
        guard !data.isEmpty else { throw .notAModel(source: source, detail: "the file is empty") }
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch let error as BinaryDecodingError {
            throw .notAModel(source: source, detail: describe(error))
        } catch {
            throw .notAModel(source: source, detail: String(describing: error))
        }
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw .notAModel(source: source, detail: "it has no graph nodes (is it an ONNX model file, and complete?)")
        }
        return model
    }

    private static func describe(_ error: BinaryDecodingError) -> String {
        switch error {
        case .truncated: return "the data is truncated (it ends inside a field)"
        case .malformedProtobuf: return "the bytes are not a valid protobuf message"
        case .invalidUTF8: return "a text field is not valid UTF-8"
        case .messageDepthLimit: return "messages are nested too deeply"
        default: return "protobuf decoding failed (\(error))"
        }
    }

    /// The image: the graph input (not an initializer) that nodes read only as their first
    /// operand; among several, the one of rank 3 or more (weights stripped to graph inputs can
    /// be read first too, e.g. a bias in `Add(bias, x)`).
    private static func imageInput(_ graph: ONNXGraph) throws(ONNXImportError) -> String {
        var candidates = graph.model.graph.input.map(\.name).filter { name in
            guard graph.initializers[name] == nil, let readers = graph.consumers[name], !readers.isEmpty else { return false }
            return readers.allSatisfy { graph.nodes[$0].input.firstIndex(of: name) == 0 }
        }
        if candidates.count > 1 { candidates = candidates.filter { (graph.declaredShapes[$0]?.count ?? 0) >= 3 } }
        guard candidates.count == 1 else {
            throw .unsupportedGraph(
                candidates.isEmpty
                    ? "no graph input is read as data (an N x C x H x W image)"
                    : "\(candidates.count) inputs could be the image (\(candidates.joined(separator: ", "))); a classifier has one")
        }
        return candidates[0]
    }

    /// Channels and resolution of the image input; the resolution from the option when given.
    private static func inputGeometry(
        _ graph: ONNXGraph, image: String,
        override: Int?
    ) throws(ONNXImportError) -> (Int, Int, String?) {
        let shape = graph.declaredShapes[image] ?? []
        guard shape.count == 4 else {
            let reader = graph.consumers[image]![0]
            throw .unsupportedNode(
                node: graph.label(reader), op: graph.op(reader),
                reason:
                    "it reads the graph input '\(image)' of rank \(shape.count), not an N x C x H x W image; an MBConv network starts with its stem convolution"
            )
        }
        guard let channels = shape[1] else {
            throw .unsupportedGraph("the image input '\(image)' has a symbolic channel count")
        }
        let height = shape[2]
        let width = shape[3]
        if let override {
            guard NetworkLimits.standard.resolutions.contains(override) else {
                throw .unsupportedGraph("resolution \(override) is outside \(NetworkLimits.standard.resolutions)")
            }
            if let height, let width, height == width, height != override {
                return (channels, override, "imported at \(override)x\(override); the graph's input is \(height)x\(width)")
            }
            return (channels, override, nil)
        }
        guard let height, let width else {
            throw .unsupportedGraph("the image input '\(image)' has a symbolic height or width; give the resolution (--resolution)")
        }
        guard height == width else {
            throw .unsupportedGraph("the image input is \(height)x\(width); only square inputs are supported (or give --resolution)")
        }
        return (channels, height, nil)
    }
}

extension Network {
    /// Elements of every conv and FC weight (biases excluded): what an ONNX graph of the
    /// network holds in its weight tensors, whatever biases batch-norm folding adds.
    public var weightElements: Int {
        layers.reduce(0) { $0 + $1.kernel * $1.kernel * ($1.inChannels / $1.groups) * $1.outChannels }
    }
}
