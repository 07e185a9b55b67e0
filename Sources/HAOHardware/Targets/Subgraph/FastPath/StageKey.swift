import HAONetwork

/// Everything one stage's latency terms and latency floor depend on, packed into integers: the
/// memo key of the fast evaluator.
///
/// The cost model computes a stage's terms (``SubgraphCostModel/pathTerms(_:_:)``) and memory time
/// (``SubgraphCostModel/memoryCycles(_:)``) from the stage's layers, the block's residual and
/// squeeze-excite flags, and network-wide facts about each engine: the operand width it is built
/// for and the (operand width, weight width) pairs of the layers it runs (packing speed-ups and
/// weight-buffer read width). Device, template parameters and candidate lists are those of the
/// evaluator's target. What does not enter is where the block sits: two blocks of the same shape
/// in different networks, or at different depths, share one entry.
///
/// Every field of every ``Layer`` except its block number is in the key (a test fails when
/// `Layer` gains a field, so the key cannot silently miss one).
struct StageKey: Hashable, Sendable {
    /// The packed fields (see ``init(stage:network:context:)``).
    let fields: [Int]

    /// Fields per layer in ``fields``.
    static let fieldsPerLayer = 12

    /// The key of `stage` of a network whose per-engine facts are `context` (see ``EngineContext``).
    /// `isFirst` says whether the stage runs first (the per-program launch of a calibrated model
    /// belongs to it).
    init(stage: Stage, isFirst: Bool, residual: Bool, squeezeExcite: Bool, context: [Int]) {
        var f: [Int] = []
        f.reserveCapacity(4 + context.count + stage.layers.count * Self.fieldsPerLayer)
        f.append(Self.code(stage.kind))
        f.append((isFirst ? 1 : 0) | (residual ? 2 : 0) | (squeezeExcite ? 4 : 0))
        f.append(context.count)
        f += context
        f.append(stage.layers.count)
        for layer in stage.layers {
            f.append(Self.code(layer.role))
            f.append(Self.code(layer.kind))
            f.append(layer.inChannels)
            f.append(layer.outChannels)
            f.append(layer.kernel)
            f.append(layer.stride)
            f.append(layer.groups)
            f.append(layer.inputSize)
            f.append(layer.outputSize)
            f.append(layer.hasBias ? 1 : 0)
            f.append(layer.precision.weightBits)
            f.append(layer.precision.activationBits)
        }
        fields = f
    }

    static func code(_ kind: Stage.Kind) -> Int {
        switch kind {
        case .stem: return 0
        case .block: return 1
        case .headConv: return 2
        case .headHidden: return 3
        case .classifier: return 4
        }
    }

    static func code(_ role: LayerRole) -> Int {
        switch role {
        case .stem: return 0
        case .expand: return 1
        case .depthwise: return 2
        case .squeezeReduce: return 3
        case .squeezeExpand: return 4
        case .project: return 5
        case .headConv: return 6
        case .headHidden: return 7
        case .classifier: return 8
        }
    }

    static func code(_ kind: LayerKind) -> Int {
        switch kind {
        case .convolution: return 0
        case .pointwise: return 1
        case .depthwise: return 2
        case .fullyConnected: return 3
        }
    }
}

/// The network-wide facts about each engine that its per-stage terms depend on, as integers:
/// per engine, its design operand width and the sorted distinct (operand width, weight width)
/// pairs of the layers it runs.
enum EngineContext {
    static func of(_ model: SubgraphCostModel) -> [Int] {
        var pairs = [Set<Int>](repeating: [], count: EngineKind.allCases.count)
        for stage in model.stages {
            for layer in stage.layers {
                pairs[EngineKind.running(layer.role).index].insert(layer.precision.operandBits << 8 | layer.precision.weightBits)
            }
        }
        var result: [Int] = []
        for kind in EngineKind.allCases {
            let e = kind.index
            let sorted = pairs[e].sorted()
            result.append(model.designBits[e])
            result.append(sorted.count)
            result += sorted
        }
        return result
    }
}
