/// A quantized MBConv-family (inverted-residual) image classifier, as the accelerator
/// runs it: a stem convolution, a chain of MBConv blocks, and a head.
///
/// This is the project's network format. On disk it is JSON with snake_case keys; see
/// `Models/networks/README.md` for the documented format and examples.
public struct Network: Sendable, Hashable, Codable {
    /// Display name, e.g. "MnasNet-A1".
    public var name: String
    /// Where the definition and the published figures come from.
    public var reference: Reference?
    /// Input image height and width (square).
    public var resolution: Int
    /// Input channels (3 for RGB).
    public var inputChannels: Int
    /// The first full convolution.
    public var stem: Stem
    /// The MBConv blocks in execution order; each block's `inChannels` must equal the previous block's (or the stem's) `outChannels`.
    public var blocks: [Block]
    /// The layers after the last block.
    public var head: Head

    /// Creates a network from its fields (`inputChannels` defaults to 3, RGB). Nothing is checked here: call
    /// ``validate(limits:)`` before counting or mapping it.
    public init(
        name: String, reference: Reference? = nil, resolution: Int, inputChannels: Int = 3,
        stem: Stem, blocks: [Block], head: Head
    ) {
        self.name = name
        self.reference = reference
        self.resolution = resolution
        self.inputChannels = inputChannels
        self.stem = stem
        self.blocks = blocks
        self.head = head
    }

    enum CodingKeys: String, CodingKey {
        case name, reference, resolution
        case inputChannels = "input_channels"
        case stem, blocks, head
    }

    /// Decodes the JSON format (snake_case keys); `input_channels` is optional and defaults to 3.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        reference = try c.decodeIfPresent(Reference.self, forKey: .reference)
        resolution = try c.decode(Int.self, forKey: .resolution)
        inputChannels = try c.decodeIfPresent(Int.self, forKey: .inputChannels) ?? 3
        stem = try c.decode(Stem.self, forKey: .stem)
        blocks = try c.decode([Block].self, forKey: .blocks)
        head = try c.decode(Head.self, forKey: .head)
    }
}

/// Non-linearity after a convolution.
public enum Activation: String, Sendable, Hashable, Codable, CaseIterable {
    case relu
    case relu6
    case hardSwish = "h_swish"
    case swish
    /// No activation (a linear layer).
    case linear
}

/// Published facts about a network.
public struct Reference: Sendable, Hashable, Codable {
    /// Citation of the paper that defines the network.
    public var paper: String
    /// Published ImageNet top-1 accuracy, in percent.
    public var top1: Double?
    /// Published multiply-accumulates, in millions.
    public var macsMillions: Double?
    /// Published parameters, in millions.
    public var paramsMillions: Double?
    /// Where the block definition was checked, and any discrepancy with the paper.
    public var notes: String?
    /// Multiply-accumulates of the officially released model, in millions, where the
    /// paper's figure is rounded or wrong (checks compare against this when present).
    public var releaseMacsMillions: Double?
    /// Parameters of the officially released model (batch norm excluded), in millions,
    /// where the paper's figure is rounded or wrong.
    public var releaseParamsMillions: Double?
    /// The block definition in timm-style `arch_def` notation, as transcribed from the
    /// reference implementation; the shipped blocks must equal what it parses to.
    public var archDef: ArchDefinition?

    /// Creates a reference from its fields; only the paper citation is required.
    public init(
        paper: String, top1: Double? = nil, macsMillions: Double? = nil,
        paramsMillions: Double? = nil, notes: String? = nil,
        releaseMacsMillions: Double? = nil, releaseParamsMillions: Double? = nil,
        archDef: ArchDefinition? = nil
    ) {
        self.paper = paper
        self.top1 = top1
        self.macsMillions = macsMillions
        self.paramsMillions = paramsMillions
        self.notes = notes
        self.releaseMacsMillions = releaseMacsMillions
        self.releaseParamsMillions = releaseParamsMillions
        self.archDef = archDef
    }

    /// The MAC figure to check a count against: the release figure if given, else the paper's.
    public var expectedMacsMillions: Double? { releaseMacsMillions ?? macsMillions }
    /// The parameter figure to check a count against: the release figure if given, else the paper's.
    public var expectedParamsMillions: Double? { releaseParamsMillions ?? paramsMillions }

    enum CodingKeys: String, CodingKey {
        case paper, top1
        case macsMillions = "macs_millions"
        case paramsMillions = "params_millions"
        case notes
        case releaseMacsMillions = "release_macs_millions"
        case releaseParamsMillions = "release_params_millions"
        case archDef = "arch_def"
    }
}

/// Bit widths of one layer or block.
public struct Precision: Sendable, Hashable, Codable {
    /// Bits per weight (JSON key `weight_bits`).
    public var weightBits: Int
    /// Bits per activation (the layer's input) (JSON key `activation_bits`).
    public var activationBits: Int

    /// Creates a precision from its two bit widths.
    public init(weightBits: Int, activationBits: Int) {
        self.weightBits = weightBits
        self.activationBits = activationBits
    }

    /// Both operands at `bits`, e.g. W8A8.
    public static func uniform(_ bits: Int) -> Precision { Precision(weightBits: bits, activationBits: bits) }
    /// 8-bit weights and activations: the default of every layer.
    public static let w8a8 = Precision.uniform(8)
    /// 4-bit weights and activations.
    public static let w4a4 = Precision.uniform(4)

    /// The wider of the two operands: what sets a multiplier's width.
    public var operandBits: Int { max(weightBits, activationBits) }

    enum CodingKeys: String, CodingKey {
        case weightBits = "weight_bits"
        case activationBits = "activation_bits"
    }
}

/// The first convolution: a full k x k convolution from the input image.
public struct Stem: Sendable, Hashable, Codable {
    /// Output channels (JSON key `out_channels`).
    public var outChannels: Int
    /// Square kernel size (default 3).
    public var kernel: Int
    /// Spatial stride (default 2).
    public var stride: Int
    /// Activation after the convolution.
    public var activation: Activation
    /// Bit widths (JSON keys `weight_bits` and `activation_bits`, each defaulting to 8).
    public var precision: Precision

    /// Creates a stem from its fields; the defaults are the usual 3x3, stride-2, W8A8 stem.
    public init(outChannels: Int, kernel: Int = 3, stride: Int = 2, activation: Activation, precision: Precision = .w8a8) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.activation = activation
        self.precision = precision
    }

    enum CodingKeys: String, CodingKey {
        case outChannels = "out_channels"
        case kernel, stride, activation
        case weightBits = "weight_bits"
        case activationBits = "activation_bits"
    }

    /// Decodes a stem; `kernel`, `stride`, `weight_bits` and `activation_bits` are optional (3, 2, 8, 8).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        outChannels = try c.decode(Int.self, forKey: .outChannels)
        kernel = try c.decodeIfPresent(Int.self, forKey: .kernel) ?? 3
        stride = try c.decodeIfPresent(Int.self, forKey: .stride) ?? 2
        activation = try c.decode(Activation.self, forKey: .activation)
        precision = Precision(
            weightBits: try c.decodeIfPresent(Int.self, forKey: .weightBits) ?? 8,
            activationBits: try c.decodeIfPresent(Int.self, forKey: .activationBits) ?? 8)
    }

    /// Encodes every field, the bit widths as `weight_bits` and `activation_bits`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(stride, forKey: .stride)
        try c.encode(activation, forKey: .activation)
        try c.encode(precision.weightBits, forKey: .weightBits)
        try c.encode(precision.activationBits, forKey: .activationBits)
    }
}

/// One MBConv (inverted-residual) block:
/// [1x1 expand conv] -> k x k depthwise conv -> [squeeze-excite] -> 1x1 project conv (+ residual).
///
/// The expand conv exists when `expandedChannels != inChannels` (MobileNetV2's and
/// MnasNet's first "depthwise separable" block has none), or when ``unitExpandConv`` asks for
/// one of equal width. The residual add exists when `stride == 1` and
/// `inChannels == outChannels`, unless ``noSkip`` removes it.
public struct Block: Sendable, Hashable, Codable {
    /// Input channels: the previous block's (or the stem's) output channels (JSON key `in_channels`).
    public var inChannels: Int
    /// Output channels (JSON key `out_channels`).
    public var outChannels: Int
    /// Channels after the expand conv (`inChannels * expand ratio`, rounded as the reference does).
    public var expandedChannels: Int
    /// Depthwise kernel size (odd).
    public var kernel: Int
    /// Stride of the depthwise conv (1 or 2).
    public var stride: Int
    /// Channels of the squeeze-excite bottleneck; 0 means no squeeze-excite.
    public var seChannels: Int
    /// Activation after the expand and depthwise convs (the project conv is linear).
    public var activation: Activation
    /// Groups of the 1x1 convs (FBNet uses 2 in some blocks); 1 for ordinary convs.
    public var pointwiseGroups: Int
    /// Activation after the project conv: `linear` (the inverted residual's linear bottleneck)
    /// except in MobileNetV1-style depthwise-separable blocks, whose pointwise conv has one.
    public var projectActivation: Activation
    /// A 1x1 expand conv although `expandedChannels == inChannels`: timm's builder makes one for
    /// every `ir` block, expand ratio 1 included (FBNet-C), where mobile-vision's does not.
    public var unitExpandConv: Bool
    /// No residual add although `stride == 1` and `inChannels == outChannels` (timm's `noskip`;
    /// MobileNetV1 has no residuals at all).
    public var noSkip: Bool
    /// Bit widths of every layer of the block (JSON keys `weight_bits` and `activation_bits`, each defaulting to 8).
    public var precision: Precision

    /// Creates a block from its fields. The defaults give an ordinary W8A8 MBConv block: no squeeze-excite, ungrouped 1x1 convs,
    /// a linear project conv, and the residual add whenever the shapes allow it.
    public init(
        inChannels: Int, outChannels: Int, expandedChannels: Int, kernel: Int, stride: Int,
        seChannels: Int = 0, activation: Activation, pointwiseGroups: Int = 1,
        projectActivation: Activation = .linear, unitExpandConv: Bool = false, noSkip: Bool = false,
        precision: Precision = .w8a8
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.expandedChannels = expandedChannels
        self.kernel = kernel
        self.stride = stride
        self.seChannels = seChannels
        self.activation = activation
        self.pointwiseGroups = pointwiseGroups
        self.projectActivation = projectActivation
        self.unitExpandConv = unitExpandConv
        self.noSkip = noSkip
        self.precision = precision
    }

    /// Whether the block has a 1x1 expand conv.
    public var hasExpand: Bool { expandedChannels != inChannels || unitExpandConv }
    /// Whether a residual add is possible: stride 1 and as many outputs as inputs.
    public var canHaveResidual: Bool { stride == 1 && inChannels == outChannels }
    /// Whether the block adds its input to its output.
    public var hasResidual: Bool { canHaveResidual && !noSkip }
    /// Whether the block has squeeze-excite.
    public var hasSqueezeExcite: Bool { seChannels > 0 }

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case expandedChannels = "expanded_channels"
        case expandRatio = "expand_ratio"
        case kernel, stride
        case seChannels = "se_channels"
        case activation
        case pointwiseGroups = "pointwise_groups"
        case projectActivation = "project_activation"
        case unitExpandConv = "unit_expand_conv"
        case noSkip = "no_skip"
        case weightBits = "weight_bits"
        case activationBits = "activation_bits"
    }

    /// Reads a block. `expanded_channels` may be replaced by an integer `expand_ratio`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inChannels = try c.decode(Int.self, forKey: .inChannels)
        outChannels = try c.decode(Int.self, forKey: .outChannels)
        if let expanded = try c.decodeIfPresent(Int.self, forKey: .expandedChannels) {
            expandedChannels = expanded
        } else if let ratio = try c.decodeIfPresent(Int.self, forKey: .expandRatio) {
            let (product, overflow) = inChannels.multipliedReportingOverflow(by: ratio)
            guard !overflow else {
                throw DecodingError.dataCorruptedError(forKey: .expandRatio, in: c, debugDescription: "expand_ratio \(ratio) overflows")
            }
            expandedChannels = product
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.expandedChannels,
                .init(
                    codingPath: c.codingPath, debugDescription: "a block needs expanded_channels or expand_ratio"))
        }
        kernel = try c.decode(Int.self, forKey: .kernel)
        stride = try c.decode(Int.self, forKey: .stride)
        seChannels = try c.decodeIfPresent(Int.self, forKey: .seChannels) ?? 0
        activation = try c.decode(Activation.self, forKey: .activation)
        pointwiseGroups = try c.decodeIfPresent(Int.self, forKey: .pointwiseGroups) ?? 1
        projectActivation = try c.decodeIfPresent(Activation.self, forKey: .projectActivation) ?? .linear
        unitExpandConv = try c.decodeIfPresent(Bool.self, forKey: .unitExpandConv) ?? false
        noSkip = try c.decodeIfPresent(Bool.self, forKey: .noSkip) ?? false
        precision = Precision(
            weightBits: try c.decodeIfPresent(Int.self, forKey: .weightBits) ?? 8,
            activationBits: try c.decodeIfPresent(Int.self, forKey: .activationBits) ?? 8)
    }

    /// Encodes the block with `expanded_channels` (never `expand_ratio`); optional fields at their defaults are omitted.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(expandedChannels, forKey: .expandedChannels)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(stride, forKey: .stride)
        if seChannels > 0 { try c.encode(seChannels, forKey: .seChannels) }
        try c.encode(activation, forKey: .activation)
        if pointwiseGroups != 1 { try c.encode(pointwiseGroups, forKey: .pointwiseGroups) }
        if projectActivation != .linear { try c.encode(projectActivation, forKey: .projectActivation) }
        if unitExpandConv { try c.encode(true, forKey: .unitExpandConv) }
        if noSkip { try c.encode(true, forKey: .noSkip) }
        try c.encode(precision.weightBits, forKey: .weightBits)
        try c.encode(precision.activationBits, forKey: .activationBits)
    }
}
