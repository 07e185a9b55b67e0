import HAONetwork

/// One layer group as the DPU compiler schedules it: a plain convolution, an inverted-residual
/// or depthwise-separable block, a global average pool or a fully connected layer.
public struct DPULayer: Sendable, Hashable {
    /// What the group is.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A k x k convolution (stem, head 1x1 conv, or a 1x1 conv on a pooled vector).
        case conv
        /// 1x1 expand, k x k depthwise, optional squeeze-excite, 1x1 project, optional residual add.
        case invertedResidual = "ir"
        /// k x k depthwise, optional squeeze-excite, 1x1 project, optional residual add.
        case depthwiseSeparable = "ds"
        /// Global average pooling.
        case pool
        /// Fully connected (classifier).
        case fullyConnected = "fc"
    }

    /// What the group is; it decides which operations ``DPUCore/lower(_:separatePrograms:)`` emits for it.
    public var kind: Kind
    /// Input channels (input features of a fully connected layer, pooled channels of a pool).
    public var inChannels: Int
    /// Output channels (classes of the classifier; equal to ``inChannels`` for a pool).
    public var outChannels: Int
    /// Input height (= width).
    public var inputSize: Int
    /// Kernel size k of the k x k convolution (the depthwise one in a block); 1 for pool and fully connected layers.
    public var kernel: Int
    /// Stride of the k x k convolution (the depthwise one in a block), 1 or 2 in the shipped networks; see ``outputSize``.
    public var stride: Int
    /// Expanded channels (inverted residual); the input channels for a depthwise-separable block.
    public var midChannels: Int
    /// Squeeze-excite bottleneck channels; 0 = none.
    public var seChannels: Int
    /// Activation after the convolutions (hard swish costs ALU passes; ReLU/ReLU6 are free).
    public var activation: Activation
    /// Activation after the project conv (linear in inverted residuals; MobileNetV1's pointwise
    /// convs have one).
    public var projectActivation: Activation
    /// Whether the block adds its input to its output.
    public var residual: Bool
    /// Groups of the 1x1 convolutions (FBNet); each group runs as its own convolution.
    public var groups: Int

    /// A layer group from its fields, taken as given; the defaults are a 1x1, stride-1 layer with ReLU, no expand,
    /// no squeeze-excite, no residual and one group. ``DPUTarget/program(for:)`` validates the network the groups come from.
    public init(
        kind: Kind, inChannels: Int, outChannels: Int, inputSize: Int, kernel: Int = 1, stride: Int = 1,
        midChannels: Int = 0, seChannels: Int = 0, activation: Activation = .relu, projectActivation: Activation = .linear,
        residual: Bool = false, groups: Int = 1
    ) {
        self.kind = kind
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.inputSize = inputSize
        self.kernel = kernel
        self.stride = stride
        self.midChannels = midChannels
        self.seChannels = seChannels
        self.activation = activation
        self.projectActivation = projectActivation
        self.residual = residual
        self.groups = groups
    }

    /// Output height: ceil(input / stride) ("same" padding).
    public var outputSize: Int { (inputSize + stride - 1) / stride }

    /// Multiply-accumulates (conv and FC; depthwise and squeeze-excite FCs included).
    public var macs: Int {
        let ho = outputSize
        switch kind {
        case .conv: return ho * ho * outChannels * inChannels * kernel * kernel / groups
        case .fullyConnected: return inChannels * outChannels
        case .pool: return 0
        case .invertedResidual, .depthwiseSeparable:
            var m = kind == .invertedResidual ? inputSize * inputSize * inChannels * midChannels / groups : 0
            m += ho * ho * midChannels * kernel * kernel
            m += 2 * midChannels * seChannels
            m += ho * ho * midChannels * outChannels / groups
            return m
        }
    }
}

/// A network as one DPU program: its layer groups in execution order.
public struct DPUProgram: Sendable, Hashable {
    /// The network's name.
    public var name: String
    /// The layer groups in execution order: stem, blocks, head conv, global pool, hidden conv, classifier.
    public var layers: [DPULayer]

    /// A program from its layer groups, taken as given; ``init(_:)`` builds one from a network.
    public init(name: String, layers: [DPULayer]) {
        self.name = name
        self.layers = layers
    }

    /// Multiply-accumulates of the program.
    public var macs: Int { layers.reduce(0) { $0 + $1.macs } }
}

extension DPUProgram {
    /// The program of `network`: stem conv, one group per MBConv block (a block without an
    /// expand conv is depthwise separable), the head 1x1 conv (absent in MobileNetV1), global pool,
    /// the optional hidden 1x1 conv on the pooled vector (MobileNetV3), the classifier.
    ///
    /// Squeeze-excite gates run as hard sigmoid on the DPU (the DPUCZDX8G has no sigmoid; networks
    /// deployed on it use the hard form, as the measured ZCU102 networks do).
    public init(_ network: Network) {
        var layers: [DPULayer] = []
        var size = network.resolution
        let stem = network.stem
        layers.append(
            DPULayer(
                kind: .conv, inChannels: network.inputChannels, outChannels: stem.outChannels, inputSize: size,
                kernel: stem.kernel, stride: stem.stride, activation: stem.activation))
        size = layers[0].outputSize
        for block in network.blocks {
            let layer = DPULayer(
                kind: block.hasExpand ? .invertedResidual : .depthwiseSeparable, inChannels: block.inChannels,
                outChannels: block.outChannels, inputSize: size, kernel: block.kernel, stride: block.stride,
                midChannels: block.expandedChannels, seChannels: block.seChannels, activation: block.activation,
                projectActivation: block.projectActivation, residual: block.hasResidual, groups: block.pointwiseGroups)
            layers.append(layer)
            size = layer.outputSize
        }
        let last = network.blocks.last?.outChannels ?? stem.outChannels
        let head = network.head
        if head.hasConv {
            layers.append(
                DPULayer(kind: .conv, inChannels: last, outChannels: head.convChannels, inputSize: size, activation: head.activation))
        }
        layers.append(DPULayer(kind: .pool, inChannels: head.convChannels, outChannels: head.convChannels, inputSize: size))
        var features = head.convChannels
        if let hidden = head.hiddenChannels {
            layers.append(DPULayer(kind: .conv, inChannels: features, outChannels: hidden, inputSize: 1, activation: head.activation))
            features = hidden
        }
        layers.append(DPULayer(kind: .fullyConnected, inChannels: features, outChannels: head.classes, inputSize: 1))
        self.init(name: network.name, layers: layers)
    }
}
