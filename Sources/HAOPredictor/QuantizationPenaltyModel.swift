import Foundation
import HAONetwork

/// How a quantized network was trained: the penalty of 4-bit layers differs by 3-5x between them.
public enum QuantizationRegime: String, Sendable, Hashable, Codable, CaseIterable {
    /// Quantization-aware training (fine-tuning with quantizers in the loop, e.g. LSQ): the default.
    case qat
    /// Post-training quantization with reconstruction (AdaRound, BRECQ, QDrop). Naive PTQ (min/max
    /// or MSE calibration only) collapses at 4 bits and is not modelled.
    case ptq
}

/// The layer kinds the quantization penalty tells apart.
public enum QuantizedLayerKind: String, Sendable, Hashable, Codable, CaseIterable {
    case stem
    /// The 1x1 expand convolution of an MBConv block.
    case expand
    /// The k x k depthwise convolution (its weight also depends on k, see ``QuantizationModel/kernelMultiplier(_:)``).
    case depthwise
    /// Each of the two fully connected layers of a squeeze-excite module.
    case squeezeExcite = "squeeze_excite"
    /// The 1x1 project convolution (linear, feeds the residual).
    case project
    /// Head convolution, hidden layer and classifier.
    case head

    /// Whether the kind belongs to the MBConv blocks (the layers whose count normalises the penalty).
    public var isBody: Bool { self != .stem && self != .head }

    /// The kind of a layer of a ``Network``.
    public init(role: LayerRole) {
        switch role {
        case .stem: self = .stem
        case .expand: self = .expand
        case .depthwise: self = .depthwise
        case .squeezeReduce, .squeezeExpand: self = .squeezeExcite
        case .project: self = .project
        case .headConv, .headHidden, .classifier: self = .head
        }
    }
}

/// One layer as the penalty sees it: its kind, kernel and bit widths.
public struct QuantizedLayer: Sendable, Hashable {
    /// Which penalty term the layer feeds.
    public var kind: QuantizedLayerKind
    /// Square kernel size in pixels; only depthwise layers use it (see ``QuantizationModel/kernelMultiplier(_:)``), 1 for pointwise layers.
    public var kernel: Int
    /// Weight bit width; below 8 the layer adds to the 4-bit weight exposure.
    public var weightBits: Int
    /// Activation bit width; below 8 the layer adds to the 4-bit activation exposure.
    public var activationBits: Int

    /// Creates a layer from its fields; `kernel` defaults to 1 (a pointwise layer).
    public init(kind: QuantizedLayerKind, kernel: Int = 1, weightBits: Int, activationBits: Int) {
        self.kind = kind
        self.kernel = kernel
        self.weightBits = weightBits
        self.activationBits = activationBits
    }

    /// Every layer of `network` with its own precision.
    public static func census(_ network: Network) -> [QuantizedLayer] {
        network.layers.map {
            QuantizedLayer(
                kind: QuantizedLayerKind(role: $0.role), kernel: $0.kernel,
                weightBits: $0.precision.weightBits, activationBits: $0.precision.activationBits)
        }
    }
}

/// The fitted constants of one training regime.
public struct QuantizationPenaltyParameters: Sendable, Hashable, Codable {
    /// Top-1 points lost when every layer is quantized at 8 bits.
    public var int8Penalty: Double
    /// Residual standard deviation of the 8-bit part.
    public var int8PenaltyStd: Double
    /// Points lost beyond the 8-bit part when every block's weights go to 4 bits (kernel-3 depthwise).
    public var int4WeightPenalty: Double
    /// Points lost beyond the 8-bit part when every block's activations go to 4 bits.
    public var int4ActivationPenalty: Double
    /// Residual standard deviation of the 4-bit part (scaled by the exposure).
    public var int4PenaltyStd: Double
    /// Where the constants come from.
    public var source: String

    /// Creates a regime's constants from their fields (top-1 points; see ``QuantizationModel`` for how they combine).
    public init(
        int8Penalty: Double, int8PenaltyStd: Double, int4WeightPenalty: Double, int4ActivationPenalty: Double,
        int4PenaltyStd: Double, source: String
    ) {
        self.int8Penalty = int8Penalty
        self.int8PenaltyStd = int8PenaltyStd
        self.int4WeightPenalty = int4WeightPenalty
        self.int4ActivationPenalty = int4ActivationPenalty
        self.int4PenaltyStd = int4PenaltyStd
        self.source = source
    }

    /// Points lost beyond the 8-bit part when every block runs at W4A4.
    public var int4Penalty: Double { int4WeightPenalty + int4ActivationPenalty }

    static let zero = QuantizationPenaltyParameters(
        int8Penalty: 0, int8PenaltyStd: 0, int4WeightPenalty: 0,
        int4ActivationPenalty: 0, int4PenaltyStd: 0, source: "none")

    /// What is wrong with the values, named by their model-file keys, or nil.
    func problem(prefix: String) -> String? {
        let values: [(String, Double)] = [
            ("int8_penalty", int8Penalty), ("int8_penalty_std", int8PenaltyStd),
            ("int4_weight_penalty", int4WeightPenalty),
            ("int4_activation_penalty", int4ActivationPenalty),
            ("int4_penalty_std", int4PenaltyStd),
        ]
        for (key, v) in values {
            guard v.isFinite else { return "\(prefix).\(key) is not finite" }
            guard v >= 0 else { return "\(prefix).\(key) \(v) is negative (a quantization penalty is top-1 lost)" }
        }
        return nil
    }
}

/// Relative sensitivity of one layer of each kind (1 = a pointwise layer). The shipped values are
/// all 1: the published rows quantize every kind together, so they cannot separate them, and a
/// fitted depthwise weight predicted worse in leave-one-network-out (docs/predictor.md).
public struct LayerKindWeights: Sendable, Hashable, Codable {
    /// Sensitivity of the stem convolution.
    public var stem: Double
    /// Sensitivity of a 1x1 expand convolution.
    public var expand: Double
    /// Sensitivity of a depthwise convolution (before the kernel-size multiplier).
    public var depthwise: Double
    /// Sensitivity of each squeeze-excite fully connected layer (a module has two).
    public var squeezeExcite: Double
    /// Sensitivity of a 1x1 project convolution.
    public var project: Double
    /// Sensitivity of each head layer (conv, hidden layer, classifier).
    public var head: Double

    /// Creates weights from their fields; every kind defaults to 1 (no kind more sensitive than a pointwise layer).
    public init(
        stem: Double = 1, expand: Double = 1, depthwise: Double = 1, squeezeExcite: Double = 1,
        project: Double = 1, head: Double = 1
    ) {
        self.stem = stem
        self.expand = expand
        self.depthwise = depthwise
        self.squeezeExcite = squeezeExcite
        self.project = project
        self.head = head
    }

    /// All kinds weighted 1: the shipped model's weights.
    public static let equal = LayerKindWeights()

    /// The weight of layers of `kind`.
    public subscript(kind: QuantizedLayerKind) -> Double {
        switch kind {
        case .stem: return stem
        case .expand: return expand
        case .depthwise: return depthwise
        case .squeezeExcite: return squeezeExcite
        case .project: return project
        case .head: return head
        }
    }

    var all: [(QuantizedLayerKind, Double)] { QuantizedLayerKind.allCases.map { ($0, self[$0]) } }
}

/// Where the fixed layers of a search-space point sit, so that a point's penalty needs no `Network`.
public struct PointLayout: Sendable, Hashable, Codable {
    /// Whether each searchable stage's blocks have squeeze-excite.
    public var stageSqueezeExcite: [Bool]
    /// Whether the fixed first block has a 1x1 expand convolution (its expand ratio is not 1).
    public var firstBlockHasExpand: Bool
    /// Whether the fixed first block has a squeeze-excite module.
    public var firstBlockSqueezeExcite: Bool
    /// Depthwise kernel size of the fixed first block.
    public var firstBlockKernel: Int
    /// Bit width (weights and activations) of the fixed first block.
    public var firstBlockBits: Int
    /// Bit width (weights and activations) of the stem convolution.
    public var stemBits: Int
    /// Layers of the head (conv, optional hidden, classifier).
    public var headLayers: Int
    /// Bit width (weights and activations) of every head layer.
    public var headBits: Int

    /// The shipped once-for-all MobileNetV3 space (`Models/spaces/ofa-mbv3-w4w8.json`).
    public static let onceForAllMobileNetV3 = PointLayout(
        stageSqueezeExcite: [false, true, false, true, true], firstBlockHasExpand: false, firstBlockSqueezeExcite: false,
        firstBlockKernel: 3, firstBlockBits: 8, stemBits: 8, headLayers: 3, headBits: 8)

    /// Creates a layout from its fields; ``init(space:)`` derives one from a search space.
    public init(
        stageSqueezeExcite: [Bool], firstBlockHasExpand: Bool, firstBlockSqueezeExcite: Bool, firstBlockKernel: Int,
        firstBlockBits: Int, stemBits: Int, headLayers: Int, headBits: Int
    ) {
        self.stageSqueezeExcite = stageSqueezeExcite
        self.firstBlockHasExpand = firstBlockHasExpand
        self.firstBlockSqueezeExcite = firstBlockSqueezeExcite
        self.firstBlockKernel = firstBlockKernel
        self.firstBlockBits = firstBlockBits
        self.stemBits = stemBits
        self.headLayers = headLayers
        self.headBits = headBits
    }

    /// The layout of `space`'s fixed layers.
    public init(space: SearchSpace) {
        self.init(
            stageSqueezeExcite: space.stages.map(\.squeezeExcite), firstBlockHasExpand: space.firstBlock.expandRatio != 1,
            firstBlockSqueezeExcite: space.firstBlock.squeezeExcite, firstBlockKernel: space.firstBlock.kernel,
            firstBlockBits: space.firstBlock.bits, stemBits: space.stem.bits,
            headLayers: space.head.hiddenChannels == nil ? 2 : 3, headBits: space.head.bits)
    }

    /// Calls `body` with each layer of `p` in execution order (inactive slots skipped), without
    /// building an array: every prediction takes this path.
    func forEachLayer(_ p: ArchitecturePoint, _ body: (QuantizedLayer) -> Void) {
        body(QuantizedLayer(kind: .stem, kernel: 3, weightBits: stemBits, activationBits: stemBits))
        func block(kernel: Int, expand: Bool, se: Bool, bits: Int) {
            if expand { body(QuantizedLayer(kind: .expand, weightBits: bits, activationBits: bits)) }
            body(QuantizedLayer(kind: .depthwise, kernel: kernel, weightBits: bits, activationBits: bits))
            if se {
                body(QuantizedLayer(kind: .squeezeExcite, weightBits: bits, activationBits: bits))
                body(QuantizedLayer(kind: .squeezeExcite, weightBits: bits, activationBits: bits))
            }
            body(QuantizedLayer(kind: .project, weightBits: bits, activationBits: bits))
        }
        block(kernel: firstBlockKernel, expand: firstBlockHasExpand, se: firstBlockSqueezeExcite, bits: firstBlockBits)
        for slot in 0..<ArchitecturePoint.slotCount where Encoding.active(p, slot) {
            let stage = slot / ArchitecturePoint.slotsPerStage
            let expandRatio = slot < p.expandRatios.count ? p.expandRatios[slot] : 3
            block(
                kernel: slot < p.kernels.count ? p.kernels[slot] : 3, expand: expandRatio != 1,
                se: stage < stageSqueezeExcite.count && stageSqueezeExcite[stage], bits: slot < p.bits.count ? p.bits[slot] : 8)
        }
        for _ in 0..<headLayers { body(QuantizedLayer(kind: .head, weightBits: headBits, activationBits: headBits)) }
    }
}

/// One line of a penalty breakdown.
public struct PenaltyTerm: Sendable, Hashable, Codable {
    /// `int8_base`, a layer kind (`expand`, `squeeze_excite`, ...), `depthwise_k3`/`_k5`/`_k7`, or `sensitivity_file`.
    public var name: String
    /// Top-1 points this term removes (never negative for a valid model, see ``QuantizationModel/isValid``).
    public var points: Double
    /// Layers below 8 bits that contribute (0 for the 8-bit base).
    public var layers: Int
}

/// A penalty with its uncertainty and where it comes from.
public struct QuantizationPenalty: Sendable, Hashable {
    /// Top-1 points lost to quantization: the sum of ``breakdown``, never negative for a valid model.
    public var points: Double
    /// One standard deviation of ``points``, in top-1 points, from the fit's residuals.
    public var std: Double
    /// Terms summing to `points`: the 8-bit base first, then each kind with layers below 8 bits.
    public var breakdown: [PenaltyTerm]
}

extension QuantizationModel {
    /// The penalty of a list of layers (see ``QuantizationModel`` for the formula).
    public func penalty(layers: [QuantizedLayer], breakdown wantBreakdown: Bool = true) -> QuantizationPenalty {
        penalty(exposure: QuantizationExposure(layers: layers, weights: layerWeights, termsWanted: wantBreakdown), breakdown: wantBreakdown)
    }

    /// The penalty of a finished exposure.
    func penalty(exposure: QuantizationExposure, breakdown wantBreakdown: Bool) -> QuantizationPenalty {
        let c = parameters
        let base = c.int8Penalty * exposure.int8Share
        let low = c.int4WeightPenalty * exposure.weight + c.int4ActivationPenalty * exposure.activation
        let total4 = c.int4Penalty
        let share = total4 > 0 ? low / total4 : (exposure.weight + exposure.activation) / 2
        let std =
            ((c.int8PenaltyStd * exposure.int8Share) * (c.int8PenaltyStd * exposure.int8Share)
            + (share * c.int4PenaltyStd) * (share * c.int4PenaltyStd)).squareRoot()
        var terms: [PenaltyTerm] = []
        if wantBreakdown {
            terms.append(PenaltyTerm(name: "int8_base", points: base, layers: 0))
            for t in exposure.terms {
                terms.append(
                    PenaltyTerm(
                        name: t.name, points: c.int4WeightPenalty * t.weight + c.int4ActivationPenalty * t.activation,
                        layers: t.layers))
            }
        }
        return QuantizationPenalty(points: base + low, std: std, breakdown: terms)
    }

    /// Each block's extra penalty when it alone runs at `bits` (weights and activations) instead of
    /// 8, the rest of `network` as given: the model is additive over layers, so these add up.
    /// Used for the bit allocation of networks outside the search space.
    public func lowBitBlockPenalties(_ network: Network, bits: Int = 4) -> [Double] {
        var layers = QuantizedLayer.census(network)
        let roles = network.layers.map(\.role)
        var all8 = layers
        for i in all8.indices where roles[i].block != nil {
            all8[i].weightBits = 8
            all8[i].activationBits = 8
        }
        let base = penalty(layers: all8, breakdown: false).points
        return network.blocks.indices.map { b in
            layers = all8
            for i in layers.indices where roles[i].block == b {
                layers[i].weightBits = bits
                layers[i].activationBits = bits
            }
            return penalty(layers: layers, breakdown: false).points - base
        }
    }
}

extension LayerRole {
    /// The block a layer belongs to, nil for the stem and head.
    var block: Int? {
        switch self {
        case .expand(let b), .depthwise(let b), .squeezeReduce(let b), .squeezeExpand(let b), .project(let b): return b
        case .stem, .headConv, .headHidden, .classifier: return nil
        }
    }
}

/// How much of a network sits below 8 bits, in units where "every block at 4 bits" is 1.
struct QuantizationExposure {
    struct Term {
        var name: String
        var weight = 0.0
        var activation = 0.0
        var layers = 0
    }

    /// `Ew` and `Ea` of ``QuantizationModel`` (sums until ``finished()`` normalises them).
    var weight = 0.0
    var activation = 0.0
    /// Share of operands at 8 bits or fewer (after ``finished()``).
    var int8Share = 0.0
    /// Per kind (depthwise per kernel), stem to head, when asked for.
    var terms: [Term] = []
    let weights: LayerKindWeights
    let termsWanted: Bool
    private var body = 0.0, operands = 0, atMost8 = 0

    init(weights: LayerKindWeights, termsWanted: Bool) {
        self.weights = weights
        self.termsWanted = termsWanted
    }

    init(layers: [QuantizedLayer], weights: LayerKindWeights, termsWanted: Bool) {
        var e = QuantizationExposure(weights: weights, termsWanted: termsWanted)
        for l in layers { e.add(l) }
        self = e.finished()
    }

    mutating func add(_ l: QuantizedLayer) {
        operands += 2
        atMost8 += (l.weightBits <= 8 ? 1 : 0) + (l.activationBits <= 8 ? 1 : 0)
        let kindWeight = weights[l.kind]
        if l.kind.isBody { body += kindWeight }
        let gw = QuantizationModel.bitNoise(l.weightBits)
        let ga = QuantizationModel.bitNoise(l.activationBits)
        guard gw > 0 || ga > 0 else { return }
        let s = kindWeight * (l.kind == .depthwise ? QuantizationModel.kernelMultiplier(l.kernel) : 1)
        weight += s * gw
        activation += s * ga
        guard termsWanted else { return }
        let name = l.kind == .depthwise ? "depthwise_k\(l.kernel)" : l.kind.rawValue
        if let i = terms.firstIndex(where: { $0.name == name }) {
            terms[i].weight += s * gw
            terms[i].activation += s * ga
            terms[i].layers += 1
        } else {
            terms.append(Term(name: name, weight: s * gw, activation: s * ga, layers: 1))
        }
    }

    /// The exposure normalised by the blocks' summed layer weights, terms in canonical order.
    func finished() -> QuantizationExposure {
        var e = self
        // A network without blocks has nothing to normalise by: its stem and head count as one block.
        let norm = body > 0 ? body : 1
        e.weight = weight / norm
        e.activation = activation / norm
        e.int8Share = operands > 0 ? Double(atMost8) / Double(operands) : 0
        // Canonical order: stem, expand, depthwise by kernel, squeeze-excite, project, head.
        let order = ["stem", "expand", "depthwise", "squeeze_excite", "project", "head"]
        func rank(_ name: String) -> (Int, Int) {
            let kind = name.hasPrefix("depthwise_k") ? "depthwise" : name
            return (order.firstIndex(of: kind) ?? order.count, Int(name.dropFirst("depthwise_k".count)) ?? 0)
        }
        e.terms = terms.sorted { rank($0.name) < rank($1.name) }
            .map { Term(name: $0.name, weight: $0.weight / norm, activation: $0.activation / norm, layers: $0.layers) }
        return e
    }
}
