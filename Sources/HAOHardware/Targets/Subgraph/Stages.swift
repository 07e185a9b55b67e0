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
    public let kind: Kind
    /// The layers run in this stage, in order.
    public let layers: [Layer]
    /// The layers each engine runs, by ``EngineKind/index`` (computed once: the cost model asks
    /// for them for every candidate configuration).
    let engineLayers: [[Layer]]
    let expandLayer: Layer?
    let depthwiseLayer: Layer?
    let projectLayer: Layer?
    let seLayers: [Layer]

    /// The stage of `kind` running `layers`.
    public init(kind: Kind, layers: [Layer]) {
        self.kind = kind
        self.layers = layers
        var engineLayers = [[Layer]](repeating: [], count: EngineKind.allCases.count)
        var expand: Layer?
        var depthwise: Layer?
        var project: Layer?
        var se: [Layer] = []
        for layer in layers {
            engineLayers[EngineKind.running(layer.role).index].append(layer)
            switch layer.role {
            case .expand: expand = expand ?? layer
            case .depthwise: depthwise = depthwise ?? layer
            case .project: project = project ?? layer
            case .squeezeReduce, .squeezeExpand: se.append(layer)
            default: break
            }
        }
        self.engineLayers = engineLayers
        expandLayer = expand
        depthwiseLayer = depthwise
        projectLayer = project
        seLayers = se
    }

    /// Stages are equal when they are of the same kind and run the same layers; the rest is derived from those.
    public static func == (a: Stage, b: Stage) -> Bool { a.kind == b.kind && a.layers == b.layers }
    /// Hashes the stage's kind and layers, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(layers)
    }

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

    /// The layers of this stage that `kind`'s engine runs.
    func layers(on kind: EngineKind) -> [Layer] { engineLayers[kind.index] }
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
