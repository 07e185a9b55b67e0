import Foundation

/// Why an `arch_def` block string could not be turned into blocks.
public enum ArchDefError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The string is not of the form `type_option_option...`.
    case malformed(block: String, reason: String)
    /// The block type is not one this format has (`ds`, `dsa`, `ir`, and a final `cn` head conv).
    case unsupportedType(block: String, type: String)
    /// An option is unknown or its value does not parse.
    case badOption(block: String, option: String, reason: String)
    /// The definition has no blocks.
    case empty
    /// A `cn` (plain conv) entry anywhere but as the final 1x1 head conv.
    case misplacedConv(block: String)
    /// A field of an exported arch_def document (`hao export --format arch_def`) that does not fit its definition.
    case badDocument(field: String, reason: String)

    /// One line for the user quoting the offending block string.
    public var description: String {
        switch self {
        case .malformed(let block, let reason):
            return "arch_def block '\(block)' is malformed: \(reason)"
        case .unsupportedType(let block, let type):
            return "arch_def block '\(block)': block type '\(type)' is not supported (use ds, dsa, ir, or a final cn_r1_k1_s1_cN head conv)"
        case .badOption(let block, let option, let reason):
            return "arch_def block '\(block)': option '\(option)' \(reason)"
        case .empty:
            return "arch_def has no blocks"
        case .misplacedConv(let block):
            return "arch_def block '\(block)': a 'cn' block is only supported as the last entry, a 1x1 stride-1 head conv"
        case .badDocument(let field, let reason):
            return "arch_def document: '\(field)' \(reason)"
        }
    }
}

/// How the squeeze-excite bottleneck width follows from an `se<ratio>` option.
public enum SqueezeExciteRounding: String, Sendable, Hashable, Codable {
    /// MnasNet and EfficientNet: `max(1, floor(block input channels x ratio))`
    /// (the TensorFlow reference's `input_filters * se_ratio`).
    case blockInput = "block_input"
    /// MobileNetV3: `make_divisible(expanded channels x ratio, 8)`.
    case expandedDivisibleBy8 = "expanded_divisible_by_8"
}

/// What an `ir` block whose expanded width equals its input width builds.
public enum UnitExpansion: String, Sendable, Hashable, Codable {
    /// No 1x1 expand conv, as mobile-vision's FBNet and the ProxylessNAS code build such
    /// blocks (and their published counts confirm). The default, for the shipped files.
    case omitted
    /// A 1x1 expand conv of equal width, as timm's EfficientNet builder makes for every `ir` block.
    case conv
}

/// One parsed `arch_def` block string, e.g. `ir_r2_k3_s2_e6_c24_se0.25_nre`.
///
/// Options (the widely used timm notation): `r` repeats, `k` depthwise kernel, `s` stride
/// of the first repeat, `e` expand ratio (may be fractional), `c` output channels,
/// `se` squeeze-excite ratio, `n<act>` activation (`nre` relu, `nr6` relu6, `nhs` h_swish,
/// `nsw` swish), `noskip` (no residual add). Any other option is an error rather than ignored.
public struct ArchDefBlock: Sendable, Hashable {
    /// The block type: the string's first component.
    public enum Kind: String, Sendable, Hashable {
        /// Depthwise separable: depthwise conv then 1x1 project, no expand conv.
        case depthwiseSeparable = "ds"
        /// Depthwise separable with an activation after the 1x1 conv and no residual
        /// (timm's MobileNetV1 blocks).
        case depthwiseSeparableActivated = "dsa"
        /// Inverted residual (MBConv).
        case invertedResidual = "ir"
        /// Plain conv; only as the final 1x1 head conv (MobileNetV3's `cn_r1_k1_s1_c960`).
        case conv = "cn"
    }

    /// Block type (`ds`, `dsa`, `ir` or `cn`).
    public var kind: Kind
    /// How many times the block is repeated (`r`); only the first repeat has ``stride``.
    public var repeats: Int
    /// Depthwise kernel size (`k`); for `cn`, the conv's kernel.
    public var kernel: Int
    /// Stride of the first repeat (`s`); the others have stride 1.
    public var stride: Int
    /// Expand ratio (`e`, may be fractional); 1 for every type but `ir`, whatever the string says.
    public var expandRatio: Double
    /// Output channels (`c`).
    public var outChannels: Int
    /// Squeeze-excite ratio (`se`); 0, the default, means no squeeze-excite.
    public var seRatio: Double
    /// Activation (`n<act>`); nil means the definition's ``ArchDefinition/defaultActivation``.
    public var activation: Activation?
    /// Whether `noskip` removes the residual add.
    public var noSkip: Bool

    /// Parses one block string.
    public init(parsing text: String) throws(ArchDefError) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !first.isEmpty else { throw .malformed(block: text, reason: "empty") }
        guard let kind = Kind(rawValue: first) else { throw .unsupportedType(block: text, type: first) }
        self.kind = kind
        var repeats: Int?
        var kernel: Int?
        var stride: Int?
        var expand: Double?
        var channels: Int?
        var se = 0.0
        var activation: Activation?
        var noSkip = false

        func integer(_ option: String, _ digits: Substring) throws(ArchDefError) -> Int {
            // Bounded by the format's channel limit so that channel x ratio stays far from overflow.
            guard let value = Int(digits), value > 0, value <= NetworkLimits.standard.maxChannels else {
                throw .badOption(
                    block: text, option: option, reason: "needs a positive integer up to \(NetworkLimits.standard.maxChannels)")
            }
            return value
        }
        func ratio(_ option: String, _ digits: Substring) throws(ArchDefError) -> Double {
            // An expand or SE ratio above 1024 is no real network, and would overflow make_divisible.
            guard let value = Double(digits), value.isFinite, value >= 0, value <= 1024 else {
                throw .badOption(block: text, option: option, reason: "needs a number from 0 to 1024")
            }
            return value
        }

        for option in parts.dropFirst() {
            guard !option.isEmpty else { throw .malformed(block: text, reason: "empty option (doubled '_')") }
            if option == "noskip" {
                noSkip = true
            } else if option.hasPrefix("se") {
                se = try ratio(option, option.dropFirst(2))
            } else if option.hasPrefix("n") {
                switch option.dropFirst() {
                case "re": activation = .relu
                case "r6": activation = .relu6
                case "hs": activation = .hardSwish
                case "sw": activation = .swish
                default: throw .badOption(block: text, option: option, reason: "is not a known activation (nre, nr6, nhs, nsw)")
                }
            } else {
                let key = option.first!
                let value = option.dropFirst()
                switch key {
                case "r": repeats = try integer(option, value)
                case "k": kernel = try integer(option, value)
                case "s": stride = try integer(option, value)
                case "e": expand = try ratio(option, value)
                case "c": channels = try integer(option, value)
                default: throw .badOption(block: text, option: option, reason: "is not supported")
                }
            }
        }
        guard let repeats else { throw .malformed(block: text, reason: "missing r<repeats>") }
        guard let kernel else { throw .malformed(block: text, reason: "missing k<kernel>") }
        guard let stride else { throw .malformed(block: text, reason: "missing s<stride>") }
        guard let channels else { throw .malformed(block: text, reason: "missing c<channels>") }
        if kind == .invertedResidual && expand == nil { throw .malformed(block: text, reason: "an ir block needs e<ratio>") }
        if let expand, expand <= 0 { throw .badOption(block: text, option: "e", reason: "must be positive") }
        // timm writes e1 on ds blocks; any other ratio would be silently dropped, so refuse it.
        if kind != .invertedResidual, let expand, expand != 1 {
            throw .badOption(block: text, option: "e", reason: "a \(kind.rawValue) block has no expand conv (only e1 is accepted)")
        }
        self.repeats = repeats
        self.kernel = kernel
        self.stride = stride
        self.expandRatio = kind == .invertedResidual ? expand! : 1
        self.outChannels = channels
        self.seRatio = se
        self.activation = activation
        self.noSkip = noSkip
    }
}

/// A network body written as timm-style `arch_def` stages, with the two conventions the
/// strings leave open: the activation of blocks without an `n<act>` option and how
/// squeeze-excite widths are rounded.
public struct ArchDefinition: Sendable, Hashable, Codable {
    /// Stages of block strings, e.g. `[["ds_r1_k3_s1_c16"], ["ir_r2_k3_s2_e6_c24"]]`.
    public var stages: [[String]]
    /// Activation of blocks that have no `n<act>` option.
    public var defaultActivation: Activation
    /// How squeeze-excite widths follow from `se` ratios (JSON key `se_rounding`, default `block_input`).
    public var seRounding: SqueezeExciteRounding
    /// Whether an `ir` block that does not widen has an expand conv (timm) or not (mobile-vision).
    public var unitExpansion: UnitExpansion

    /// Creates a definition from its fields; by default SE widths follow the block input (MnasNet, EfficientNet) and an `ir`
    /// block that does not widen has no expand conv (mobile-vision).
    public init(
        stages: [[String]], defaultActivation: Activation, seRounding: SqueezeExciteRounding = .blockInput,
        unitExpansion: UnitExpansion = .omitted
    ) {
        self.stages = stages
        self.defaultActivation = defaultActivation
        self.seRounding = seRounding
        self.unitExpansion = unitExpansion
    }

    enum CodingKeys: String, CodingKey {
        case stages
        case defaultActivation = "default_activation"
        case seRounding = "se_rounding"
        case unitExpansion = "unit_expansion"
    }

    /// Decodes a definition; `se_rounding` defaults to `block_input` and `unit_expansion` to `omitted`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stages = try c.decode([[String]].self, forKey: .stages)
        defaultActivation = try c.decode(Activation.self, forKey: .defaultActivation)
        seRounding = try c.decodeIfPresent(SqueezeExciteRounding.self, forKey: .seRounding) ?? .blockInput
        unitExpansion = try c.decodeIfPresent(UnitExpansion.self, forKey: .unitExpansion) ?? .omitted
    }

    /// Encodes the definition; `unit_expansion` is written only when it is not `omitted`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stages, forKey: .stages)
        try c.encode(defaultActivation, forKey: .defaultActivation)
        try c.encode(seRounding, forKey: .seRounding)
        if unitExpansion != .omitted { try c.encode(unitExpansion, forKey: .unitExpansion) }
    }

    /// timm's `make_divisible`: round to the nearest multiple of `divisor`, never below
    /// `divisor`, and never more than 10% below `value`.
    public static func makeDivisible(_ value: Double, divisor: Int = 8) -> Int {
        let d = Double(divisor)
        var result = max(divisor, Int((value + d / 2) / d) * divisor)
        if Double(result) < 0.9 * value { result += divisor }
        return result
    }

    /// The blocks this definition describes, starting from `inChannels` (the stem's
    /// output), and the head conv width if the definition ends with a `cn` entry.
    ///
    /// Expanded channels are `make_divisible(in x e, 8)` as timm computes them. An `ir`
    /// block whose expanded width equals its input has an expand conv only with
    /// ``unitExpansion`` `.conv`. `noskip` removes a residual where one would be; `dsa` blocks
    /// have their activation after the 1x1 conv too and never a residual.
    public func blocks(inChannels: Int, precision: Precision = .w8a8) throws(ArchDefError) -> (blocks: [Block], headConv: Int?) {
        var result: [Block] = []
        var headConv: Int?
        var channels = inChannels
        let flat = stages.flatMap { $0 }
        guard !flat.isEmpty else { throw .empty }
        for (position, text) in flat.enumerated() {
            let spec = try ArchDefBlock(parsing: text)
            if spec.kind == .conv {
                guard position == flat.count - 1, spec.kernel == 1, spec.stride == 1, spec.repeats == 1 else {
                    throw .misplacedConv(block: text)
                }
                headConv = spec.outChannels
                continue
            }
            for repeatIndex in 0..<spec.repeats {
                let stride = repeatIndex == 0 ? spec.stride : 1
                let expanded =
                    spec.kind == .invertedResidual
                    ? Self.makeDivisible(Double(channels) * spec.expandRatio) : channels
                var se = 0
                if spec.seRatio > 0 {
                    switch seRounding {
                    case .blockInput: se = max(1, Int((Double(channels) * spec.seRatio).rounded(.down)))
                    case .expandedDivisibleBy8: se = Self.makeDivisible(Double(expanded) * spec.seRatio)
                    }
                }
                let activation = spec.activation ?? defaultActivation
                let canSkip = stride == 1 && channels == spec.outChannels
                // `dsa` never skips (timm sets noskip for it); elsewhere `noskip` only matters where a residual could be.
                let noSkip = canSkip && (spec.noSkip || spec.kind == .depthwiseSeparableActivated)
                let unitConv = spec.kind == .invertedResidual && expanded == channels && unitExpansion == .conv
                result.append(
                    Block(
                        inChannels: channels, outChannels: spec.outChannels, expandedChannels: expanded,
                        kernel: spec.kernel, stride: stride, seChannels: se, activation: activation,
                        projectActivation: spec.kind == .depthwiseSeparableActivated ? activation : .linear,
                        unitExpandConv: unitConv, noSkip: noSkip, precision: precision))
                channels = spec.outChannels
            }
        }
        return (result, headConv)
    }
}

extension Network {
    /// Builds a network from a timm-style `arch_def`. A final `cn_r1_k1_s1_cN` entry sets
    /// the head conv width (overriding `head.convChannels`), as in MobileNetV3.
    public init(
        name: String, reference: Reference? = nil, resolution: Int, inputChannels: Int = 3,
        stem: Stem, archDef: ArchDefinition, head: Head
    ) throws(ArchDefError) {
        let (blocks, headConv) = try archDef.blocks(inChannels: stem.outChannels)
        var head = head
        if let headConv { head.convChannels = headConv }
        self.init(
            name: name, reference: reference, resolution: resolution, inputChannels: inputChannels,
            stem: stem, blocks: blocks, head: head)
    }
}
