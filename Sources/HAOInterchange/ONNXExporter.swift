import Foundation
import HAONetwork
import SwiftProtobuf

/// Options of an ONNX export.
public struct ONNXExportOptions: Sendable, Hashable {
    /// What the weight tensors hold.
    public enum Weights: String, Sendable, Hashable, CaseIterable {
        /// No values: every weight and bias is a graph input with its shape, as
        /// `torch.onnx.export(..., export_params=False)` writes them. Small files that Netron,
        /// the ONNX checker and shape tools read; feed the weights (or run `--weights random`) to execute.
        case none
        /// He-uniform random weights and zero biases as initializers (seeded, reproducible):
        /// a file ONNX Runtime and compilers run as it is.
        case random
    }

    /// Whether weight tensors are shape-only graph inputs (`none`, the default) or seeded random initializers.
    public var weights: Weights
    /// Seed of the random weights.
    public var seed: UInt64
    /// Written as the model's producer version (e.g. the `hao` version).
    public var producerVersion: String

    /// Creates options from their fields; the defaults write a shape-only graph with seed 0 and no producer version.
    public init(weights: Weights = .none, seed: UInt64 = 0, producerVersion: String = "") {
        self.weights = weights
        self.seed = seed
        self.producerVersion = producerVersion
    }
}

/// Writes a network as an ONNX inference graph (opset 14, IR version 7): convs with the
/// batch norm folded into a bias (as exporters write inference graphs), Relu, Clip(0, 6),
/// HardSwish, `x * Sigmoid(x)`, squeeze-excite as GlobalAveragePool -> Conv -> act -> Conv ->
/// gate -> Mul, residual Add, and the head as Conv -> GlobalAveragePool -> [Conv] -> Flatten ->
/// Gemm. `ONNXImporter` reads it back to the same network.
///
/// The format does not record squeeze-excite details, so the export follows the families'
/// conventions: reduce activation swish in swish blocks (EfficientNet) and relu elsewhere; gate
/// HardSigmoid in networks that use h_swish (MobileNetV3), Sigmoid otherwise (MnasNet, EfficientNet).
public enum ONNXExporter {
    /// The default-domain opset written (HardSwish needs 14).
    public static let opset: Int64 = 14
    /// The IR version that goes with opset 14.
    public static let irVersion: Int64 = 7

    /// The serialised model. Validates the network first.
    public static func modelData(for network: Network, options: ONNXExportOptions = .init()) throws(NetworkError) -> Data {
        let model = try self.model(for: network, options: options)
        do {
            return try model.serializedBytes()
        } catch {
            throw .wrongValue(source: network.name, path: "", detail: "cannot serialise the ONNX model: \(error)")
        }
    }

    static func model(for network: Network, options: ONNXExportOptions) throws(NetworkError) -> Onnx_ModelProto {
        try network.validate()
        var builder = ONNXGraphBuilder(weights: options.weights, seed: options.seed)
        builder.build(network)
        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.producerName = "hao"
        model.producerVersion = options.producerVersion
        model.docString =
            "\(network.name): an MBConv-family network exported by hao (HAO in Swift). "
            + (options.weights == .none
                ? "Weightless: every weight and bias is a graph input with its shape."
                : "Random He-uniform weights (seed \(options.seed)), zero biases.")
            + " Batch norm is folded into the conv biases. Bit widths are in the hao.precision metadata."
        model.metadataProps = ONNXNetworkMetadata(network: network).entries
        var graph = Onnx_GraphProto()
        graph.name = network.name
        graph.node = builder.nodes
        graph.initializer = builder.initializers
        graph.input =
            [ONNXGraphBuilder.valueInfo("image", shape: [1, network.inputChannels, network.resolution, network.resolution])]
            + builder.weightInputs
        graph.output = [ONNXGraphBuilder.valueInfo(builder.output, shape: [1, network.head.classes])]
        model.graph = graph
        return model
    }
}
