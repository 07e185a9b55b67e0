/// One of the three compute engines of the subgraph engine.
public enum EngineKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 1x1 expand conv engine (also runs the stem via im2col and the head 1x1 conv).
    case expand
    /// k x k depthwise conv engine.
    case depthwise
    /// 1x1 project conv engine (also runs the squeeze-excite FCs, the head hidden FC and the classifier).
    case project

    /// The engine's name in reports: "expand", "depthwise" or "project".
    public var description: String { rawValue }

    /// A short name for column and row names of the integer programs: "exp", "dw", "proj".
    public var shortName: String {
        switch self {
        case .expand: return "exp"
        case .depthwise: return "dw"
        case .project: return "proj"
        }
    }

    /// Position in per-engine arrays.
    public var index: Int {
        switch self {
        case .expand: return 0
        case .depthwise: return 1
        case .project: return 2
        }
    }
}

/// How an engine buffers the weights of the blocks it runs.
public enum WeightBuffering: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A buffer holding the current block's weights and the next block's, which are fetched
    /// from DDR while the current block computes: loads hide behind compute, at the price of
    /// room for the largest pair of consecutive blocks.
    case double
    /// A buffer for one block: the engine loads a block's weights, then computes, so the load
    /// time adds to the block's latency, but the buffer needs room for the largest block only.
    case single
    /// A buffer of one BRAM18 row per read bank (its width's depth, e.g. 512 words at 36 bits): a
    /// block whose weights on the engine exceed it runs that engine's layer in passes over
    /// output-channel tiles, each loading its tile before computing and re-reading the engine's
    /// input from DDR (docs/cost-model.md, "Weight tiling"). The fallback when not even the
    /// largest block fits on chip; offered for the 1x1 engines, whose blocks hold nearly all weights.
    case tiled

    /// The buffering's name in reports: "double", "single" or "tiled".
    public var description: String { rawValue }
}

/// The parallelism of one engine.
///
/// For the 1x1 engines `unrollA` is the input-channel unroll PI and `unrollB` the output-channel
/// unroll PO (a PI x PO array of multipliers, PO adder trees of PI inputs). For the depthwise
/// engine `unrollA` is the channel unroll PC and `unrollB` the kernel taps computed per cycle PK.
/// `weightBuffering` says whether weight loads overlap with compute.
public struct EngineConfiguration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The engine this configures.
    public var kind: EngineKind
    /// PI (1x1 engines) or PC (depthwise).
    public var unrollA: Int
    /// PO (1x1 engines) or PK (depthwise).
    public var unrollB: Int
    /// Whether weight loads overlap with compute.
    public var weightBuffering: WeightBuffering

    /// A configuration (double-buffered unless said otherwise).
    public init(kind: EngineKind, unrollA: Int, unrollB: Int, weightBuffering: WeightBuffering = .double) {
        self.kind = kind
        self.unrollA = unrollA
        self.unrollB = unrollB
        self.weightBuffering = weightBuffering
    }

    enum CodingKeys: String, CodingKey {
        case kind, unrollA, unrollB
        case weightBuffering = "weight_buffering"
    }

    /// Reads a configuration; files written before buffering was a choice mean double buffering.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(EngineKind.self, forKey: .kind)
        unrollA = try c.decode(Int.self, forKey: .unrollA)
        unrollB = try c.decode(Int.self, forKey: .unrollB)
        weightBuffering = try c.decodeIfPresent(WeightBuffering.self, forKey: .weightBuffering) ?? .double
    }

    /// Multiplier lanes at the engine's design width.
    public var lanes: Int { unrollA * unrollB }

    /// A short unique name within the engine, e.g. "16x8", "16x8s" (single-buffered) or "16x8t" (tiled), for
    /// column names of the integer program.
    public var identifier: String {
        "\(unrollA)x\(unrollB)" + (weightBuffering == .single ? "s" : weightBuffering == .tiled ? "t" : "")
    }

    /// The unroll in the template's terms (PC x PK for the depthwise engine, PI x PO for the 1x1 engines),
    /// followed by the weight buffering when it is not double buffering.
    public var description: String {
        let unroll = kind == .depthwise ? "PC=\(unrollA) x PK=\(unrollB)" : "PI=\(unrollA) x PO=\(unrollB)"
        switch weightBuffering {
        case .double: return unroll
        case .single: return unroll + ", single-buffered weights"
        case .tiled: return unroll + ", tiled weights"
        }
    }
}

/// The configuration of all three engines: what the subgraph target's integer program chooses.
public struct SubgraphConfiguration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 1x1 expand engine.
    public var expand: EngineConfiguration
    /// The depthwise engine.
    public var depthwise: EngineConfiguration
    /// The 1x1 project engine.
    public var project: EngineConfiguration

    /// The three engines' configurations.
    public init(expand: EngineConfiguration, depthwise: EngineConfiguration, project: EngineConfiguration) {
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
    }

    /// The configuration of one engine.
    public subscript(kind: EngineKind) -> EngineConfiguration {
        switch kind {
        case .expand: return expand
        case .depthwise: return depthwise
        case .project: return project
        }
    }

    /// Each engine's configuration in one line, e.g. for logs and the text report.
    public var description: String { "expand \(expand), depthwise \(depthwise), project \(project)" }
}
