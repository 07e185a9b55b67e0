import HAONetwork

/// What runs at one step of the network: the stem, one MBConv block, or a head layer.
public struct Stage: Sendable, Hashable {
    /// Which part of the network a stage is.
    public enum Kind: Sendable, Hashable {
        /// The stem conv.
        case stem
        /// MBConv block number N (0-based).
        case block(Int)
        /// The head's 1x1 conv.
        case headConv
        /// The head's hidden FC (post-pool 1x1 conv).
        case headHidden
        /// The classifier FC.
        case classifier
    }

    /// Which part of the network this is.
    public var kind: Kind
    /// The layers run in this stage, in order.
    public var layers: [Layer]

    /// "stem", "block 3", "head conv", ...
    public var name: String {
        switch kind {
        case .stem: return "stem"
        case .block(let index): return "block \(index)"
        case .headConv: return "head conv"
        case .headHidden: return "head hidden FC"
        case .classifier: return "classifier"
        }
    }

    func layer(_ match: (LayerRole) -> Bool) -> Layer? { layers.first { match($0.role) } }
    /// The layers of this stage that `kind`'s engine runs.
    func layers(on kind: EngineKind) -> [Layer] { layers.filter { EngineKind.running($0.role) == kind } }
    var expandLayer: Layer? { layer { if case .expand = $0 { return true } else { return false } } }
    var depthwiseLayer: Layer? { layer { if case .depthwise = $0 { return true } else { return false } } }
    var projectLayer: Layer? { layer { if case .project = $0 { return true } else { return false } } }
    var seLayers: [Layer] {
        layers.filter {
            switch $0.role {
            case .squeezeReduce, .squeezeExpand: return true
            default: return false
            }
        }
    }
}

extension Network {
    /// The network split into the stages the accelerator runs one after another.
    public var stages: [Stage] {
        var result: [Stage] = []
        var blockLayers: [Int: [Layer]] = [:]
        var blockOrder: [Int] = []
        // Blocks end at the first head layer: the head conv, or the hidden layer or classifier
        // of a head without one (MobileNetV1).
        func flushBlocks() {
            for b in blockOrder { result.append(Stage(kind: .block(b), layers: blockLayers[b]!)) }
            blockOrder = []
        }
        for layer in layers {
            switch layer.role {
            case .stem: result.append(Stage(kind: .stem, layers: [layer]))
            case .expand(let b), .depthwise(let b), .squeezeReduce(let b), .squeezeExpand(let b), .project(let b):
                if blockLayers[b] == nil { blockOrder.append(b) }
                blockLayers[b, default: []].append(layer)
            case .headConv:
                flushBlocks()
                result.append(Stage(kind: .headConv, layers: [layer]))
            case .headHidden:
                flushBlocks()
                result.append(Stage(kind: .headHidden, layers: [layer]))
            case .classifier:
                flushBlocks()
                result.append(Stage(kind: .classifier, layers: [layer]))
            }
        }
        return result
    }
}

extension EngineKind {
    /// The engine that runs a layer: the stem and head conv on the expand engine, squeeze-excite
    /// and the head FCs on the project engine.
    public static func running(_ role: LayerRole) -> EngineKind {
        switch role {
        case .stem, .expand, .headConv: return .expand
        case .depthwise: return .depthwise
        case .squeezeReduce, .squeezeExpand, .project, .headHidden, .classifier: return .project
        }
    }
}
