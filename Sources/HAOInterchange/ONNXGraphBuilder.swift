import Foundation
import HAONetwork

/// Builds the nodes, weights and inputs of an exported network's graph.
struct ONNXGraphBuilder {
    let weights: ONNXExportOptions.Weights
    private var random: SplitMix64
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    /// Weights declared as graph inputs (weightless export).
    private(set) var weightInputs: [Onnx_ValueInfoProto] = []
    /// The graph's output tensor.
    private(set) var output = ""
    private var haveClipBounds = false

    init(weights: ONNXExportOptions.Weights, seed: UInt64) {
        self.weights = weights
        random = SplitMix64(seed: seed)
    }

    // MARK: - Network

    mutating func build(_ network: Network) {
        // The SE gate and reduce activation the format leaves open (see ONNXExporter).
        let usesHardSwish =
            network.stem.activation == .hardSwish || network.head.activation == .hardSwish
            || network.blocks.contains { $0.activation == .hardSwish }
        var x = conv(
            "stem", input: "image", inChannels: network.inputChannels, outChannels: network.stem.outChannels,
            kernel: network.stem.kernel, stride: network.stem.stride, groups: 1, bias: true)
        x = activation(network.stem.activation, "stem", x)
        for (index, block) in network.blocks.enumerated() {
            x = self.block(block, name: "blocks.\(index)", input: x, hardSigmoidGate: usesHardSwish)
        }
        let head = network.head
        var features = network.blocks.last!.outChannels
        if head.hasConv {
            x = conv(
                "head.conv", input: x, inChannels: features, outChannels: head.convChannels, kernel: 1, stride: 1, groups: 1, bias: true)
            x = activation(head.activation, "head.conv", x)
            features = head.convChannels
        }
        x = node("GlobalAveragePool", "head.pool", [x])
        if let hidden = head.hiddenChannels {
            x = conv("head.hidden", input: x, inChannels: features, outChannels: hidden, kernel: 1, stride: 1, groups: 1, bias: true)
            x = activation(head.activation, "head.hidden", x)
            features = hidden
        }
        x = node("Flatten", "head.flatten", [x], [.int("axis", 1)])
        let weight = parameter("classifier.weight", shape: [head.classes, features], fanIn: features)
        let bias = parameter("classifier.bias", shape: [head.classes], fanIn: 0)
        output = node("Gemm", "classifier", [x, weight, bias], [.int("transB", 1)])
    }

    private mutating func block(_ block: Block, name: String, input: String, hardSigmoidGate: Bool) -> String {
        var x = input
        if block.hasExpand {
            x = conv(
                "\(name).expand", input: x, inChannels: block.inChannels, outChannels: block.expandedChannels, kernel: 1,
                stride: 1, groups: block.pointwiseGroups, bias: true)
            x = activation(block.activation, "\(name).expand", x)
        }
        x = conv(
            "\(name).dw", input: x, inChannels: block.expandedChannels, outChannels: block.expandedChannels,
            kernel: block.kernel, stride: block.stride, groups: block.expandedChannels, bias: true)
        x = activation(block.activation, "\(name).dw", x)
        if block.hasSqueezeExcite {
            let se = "\(name).se"
            var s = node("GlobalAveragePool", "\(se).pool", [x])
            s = conv(
                "\(se).reduce", input: s, inChannels: block.expandedChannels, outChannels: block.seChannels, kernel: 1,
                stride: 1, groups: 1, bias: true)
            s = activation(block.activation == .swish ? .swish : .relu, "\(se).reduce", s)
            s = conv(
                "\(se).expand", input: s, inChannels: block.seChannels, outChannels: block.expandedChannels, kernel: 1,
                stride: 1, groups: 1, bias: true)
            s =
                hardSigmoidGate
                ? node("HardSigmoid", "\(se).gate", [s], [.float("alpha", 1.0 / 6), .float("beta", 0.5)])
                : node("Sigmoid", "\(se).gate", [s])
            x = node("Mul", "\(se).scale", [x, s])
        }
        x = conv(
            "\(name).project", input: x, inChannels: block.expandedChannels, outChannels: block.outChannels, kernel: 1,
            stride: 1, groups: block.pointwiseGroups, bias: true)
        x = activation(block.projectActivation, "\(name).project", x)
        if block.hasResidual { x = node("Add", "\(name).add", [x, input]) }
        return x
    }

    // MARK: - Layers

    private mutating func conv(
        _ name: String, input: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int,
        groups: Int, bias: Bool
    ) -> String {
        let fanIn = kernel * kernel * inChannels / groups
        var inputs = [input, parameter("\(name).weight", shape: [outChannels, inChannels / groups, kernel, kernel], fanIn: fanIn)]
        if bias { inputs.append(parameter("\(name).bias", shape: [outChannels], fanIn: 0)) }
        let pad = kernel / 2
        return node(
            "Conv", name, inputs,
            [
                .ints("kernel_shape", [kernel, kernel]), .ints("strides", [stride, stride]),
                .ints("pads", [pad, pad, pad, pad]), .ints("dilations", [1, 1]), .int("group", groups),
            ])
    }

    private mutating func activation(_ activation: Activation, _ name: String, _ x: String) -> String {
        switch activation {
        case .linear:
            return x
        case .relu:
            return node("Relu", "\(name).relu", [x])
        case .relu6:
            if !haveClipBounds {
                initializers.append(Self.scalar("const.zero", 0))
                initializers.append(Self.scalar("const.six", 6))
                haveClipBounds = true
            }
            return node("Clip", "\(name).relu6", [x, "const.zero", "const.six"])
        case .hardSwish:
            return node("HardSwish", "\(name).hswish", [x])
        case .swish:
            let gate = node("Sigmoid", "\(name).sigmoid", [x])
            return node("Mul", "\(name).swish", [x, gate])
        }
    }

    /// Adds a node whose single output has the node's name.
    @discardableResult
    private mutating func node(_ op: String, _ name: String, _ inputs: [String], _ attributes: [Attribute] = []) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = name
        node.input = inputs
        node.output = [name]
        node.attribute = attributes.map(\.proto)
        nodes.append(node)
        return name
    }

    /// A weight (`fanIn` > 0) or bias (`fanIn` 0): a graph input in a weightless export, else an
    /// initializer with He-uniform values or zeros.
    private mutating func parameter(_ name: String, shape: [Int], fanIn: Int) -> String {
        switch weights {
        case .none:
            weightInputs.append(Self.valueInfo(name, shape: shape))
        case .random:
            var tensor = Onnx_TensorProto()
            tensor.name = name
            tensor.dims = shape.map(Int64.init)
            tensor.dataType = 1
            let count = shape.reduce(1, *)
            let bound = fanIn > 0 ? (6.0 / Double(fanIn)).squareRoot() : 0
            var bytes = [UInt8]()
            bytes.reserveCapacity(count * 4)
            for _ in 0..<count {
                let value = bound == 0 ? 0 : Float((random.nextUnit() * 2 - 1) * bound)
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            tensor.rawData = Data(bytes)
            initializers.append(tensor)
        }
        return name
    }

    private static func scalar(_ name: String, _ value: Float) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = 1
        tensor.floatData = [value]
        return tensor
    }

    /// A float tensor's name, type and static shape.
    static func valueInfo(_ name: String, shape: [Int]) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = 1
        var tensorShape = Onnx_TensorShapeProto()
        tensorShape.dim = shape.map { size in
            var dim = Onnx_TensorShapeProto.Dimension()
            dim.dimValue = Int64(size)
            return dim
        }
        tensorType.shape = tensorShape
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }
}

/// A node attribute, written the way the ONNX schema types it.
enum Attribute {
    case int(String, Int)
    case ints(String, [Int])
    case float(String, Double)

    var proto: Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        switch self {
        case .int(let name, let value):
            attribute.name = name
            attribute.type = .int
            attribute.i = Int64(value)
        case .ints(let name, let values):
            attribute.name = name
            attribute.type = .ints
            attribute.ints = values.map(Int64.init)
        case .float(let name, let value):
            attribute.name = name
            attribute.type = .float
            attribute.f = Float(value)
        }
        return attribute
    }
}

/// A small deterministic generator for reproducible random weights (SplitMix64, Steele et al. 2014).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
