/// What a layer computes, for counting and for mapping onto engines.
public enum LayerKind: String, Sendable, Hashable, Codable {
    /// A full k x k convolution (the stem).
    case convolution
    /// A 1x1 convolution (expand, project, head), possibly grouped.
    case pointwise
    /// A k x k depthwise convolution.
    case depthwise
    /// A fully connected layer on a pooled vector (squeeze-excite, head hidden conv, classifier).
    case fullyConnected = "fully_connected"
}

/// Where a layer sits in the network.
public enum LayerRole: Sendable, Hashable {
    case stem
    case expand(block: Int)
    case depthwise(block: Int)
    case squeezeReduce(block: Int)
    case squeezeExpand(block: Int)
    case project(block: Int)
    case headConv
    case headHidden
    case classifier
}

/// One convolution or fully connected layer with its shapes, derived from a ``Network``.
/// Spatial sizes use "same" padding: output = ceil(input / stride).
public struct Layer: Sendable, Hashable {
    /// Which part of the network the layer is (with its block index for MBConv layers).
    public var role: LayerRole
    /// The operation, which decides how the layer is counted and which engine runs it.
    public var kind: LayerKind
    /// Input channels (for a fully connected layer, input features).
    public var inChannels: Int
    /// Output channels (for a fully connected layer, output features; for the classifier, classes).
    public var outChannels: Int
    /// Square kernel size (1 for pointwise and fully connected layers).
    public var kernel: Int
    /// Spatial stride (1 except for the stem and strided depthwise convolutions).
    public var stride: Int
    /// Convolution groups: 1 for ordinary layers, the channel count for depthwise layers, ``Block/pointwiseGroups`` for grouped 1x1 convs.
    public var groups: Int
    /// Input feature map height (= width).
    public var inputSize: Int
    /// Output feature map height (= width).
    public var outputSize: Int
    /// Whether the layer adds a bias: true for the fully connected layers (squeeze-excite, head hidden, classifier) only, since
    /// convolutions are followed by batch norm, which is folded.
    public var hasBias: Bool
    /// Weight and activation bit widths, inherited from the stem, block or head the layer belongs to.
    public var precision: Precision

    /// Multiply-accumulates for one image.
    public var macs: Int {
        let perOutputPixel = kernel * kernel * (inChannels / groups) * outChannels
        return perOutputPixel * outputSize * outputSize
    }

    /// Weights (and biases, where the layer has them).
    public var parameters: Int {
        kernel * kernel * (inChannels / groups) * outChannels + (hasBias ? outChannels : 0)
    }

    /// Weight storage in bits at this layer's precision.
    public var weightBits: Int { kernel * kernel * (inChannels / groups) * outChannels * precision.weightBits }
}

extension Network {
    /// Every layer in execution order. Assumes a network that passed validation.
    /// Batch norm is folded and not listed; squeeze-excite, head hidden and classifier
    /// layers carry a bias, as in the reference implementations.
    public var layers: [Layer] {
        var result: [Layer] = []
        var size = resolution
        func outSize(_ input: Int, _ stride: Int) -> Int { (input + stride - 1) / stride }

        let stemOut = outSize(size, stem.stride)
        result.append(
            Layer(
                role: .stem, kind: .convolution, inChannels: inputChannels, outChannels: stem.outChannels,
                kernel: stem.kernel, stride: stem.stride, groups: 1, inputSize: size, outputSize: stemOut,
                hasBias: false, precision: stem.precision))
        size = stemOut
        for (index, block) in blocks.enumerated() {
            if block.hasExpand {
                result.append(
                    Layer(
                        role: .expand(block: index), kind: .pointwise, inChannels: block.inChannels,
                        outChannels: block.expandedChannels, kernel: 1, stride: 1, groups: block.pointwiseGroups,
                        inputSize: size, outputSize: size, hasBias: false, precision: block.precision))
            }
            let out = outSize(size, block.stride)
            result.append(
                Layer(
                    role: .depthwise(block: index), kind: .depthwise, inChannels: block.expandedChannels,
                    outChannels: block.expandedChannels, kernel: block.kernel, stride: block.stride,
                    groups: block.expandedChannels, inputSize: size, outputSize: out, hasBias: false,
                    precision: block.precision))
            if block.hasSqueezeExcite {
                result.append(
                    Layer(
                        role: .squeezeReduce(block: index), kind: .fullyConnected, inChannels: block.expandedChannels,
                        outChannels: block.seChannels, kernel: 1, stride: 1, groups: 1, inputSize: 1,
                        outputSize: 1, hasBias: true, precision: block.precision))
                result.append(
                    Layer(
                        role: .squeezeExpand(block: index), kind: .fullyConnected, inChannels: block.seChannels,
                        outChannels: block.expandedChannels, kernel: 1, stride: 1, groups: 1, inputSize: 1,
                        outputSize: 1, hasBias: true, precision: block.precision))
            }
            result.append(
                Layer(
                    role: .project(block: index), kind: .pointwise, inChannels: block.expandedChannels,
                    outChannels: block.outChannels, kernel: 1, stride: 1, groups: block.pointwiseGroups,
                    inputSize: out, outputSize: out, hasBias: false, precision: block.precision))
            size = out
        }
        let lastChannels = blocks.last?.outChannels ?? stem.outChannels
        if head.hasConv {
            result.append(
                Layer(
                    role: .headConv, kind: .pointwise, inChannels: lastChannels, outChannels: head.convChannels,
                    kernel: 1, stride: 1, groups: 1, inputSize: size, outputSize: size, hasBias: false,
                    precision: head.precision))
        }
        var features = head.convChannels
        if let hidden = head.hiddenChannels {
            result.append(
                Layer(
                    role: .headHidden, kind: .fullyConnected, inChannels: features, outChannels: hidden,
                    kernel: 1, stride: 1, groups: 1, inputSize: 1, outputSize: 1, hasBias: true,
                    precision: head.precision))
            features = hidden
        }
        result.append(
            Layer(
                role: .classifier, kind: .fullyConnected, inChannels: features, outChannels: head.classes,
                kernel: 1, stride: 1, groups: 1, inputSize: 1, outputSize: 1, hasBias: true,
                precision: head.precision))
        return result
    }

    /// Multiply-accumulates for one image, over every conv and FC (squeeze-excite included).
    public var macs: Int { layers.reduce(0) { $0 + $1.macs } }

    /// Conv and FC weights plus biases where the reference has them; batch norm excluded.
    public var parameters: Int { layers.reduce(0) { $0 + $1.parameters } }
}
extension Layer {
    /// The block a layer belongs to, nil for the stem and head.
    public var blockIndex: Int? {
        switch role {
        case .expand(let b), .depthwise(let b), .squeezeReduce(let b), .squeezeExpand(let b), .project(let b): return b
        case .stem, .headConv, .headHidden, .classifier: return nil
        }
    }
}
