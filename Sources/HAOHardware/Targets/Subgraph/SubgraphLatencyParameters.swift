import HAONetwork

/// What a layer's streaming compute runs as, for its efficiency factor.
public enum ComputeKind: Int, Sendable, Hashable, CaseIterable {
    /// 1x1 convolutions on the expand and project engines, the im2col'ed stem and the head conv.
    case pointwise
    /// Depthwise convolutions by kernel size (1 and 3 count as 3).
    case depthwise3, depthwise5, depthwise7
    /// The head's fully connected layers (hidden FC, classifier).
    case fullyConnected
    /// Squeeze-excite's two fully connected layers.
    case squeezeExcite

    /// The kind `layer` computes as.
    public static func of(_ layer: Layer) -> ComputeKind {
        switch layer.kind {
        case .pointwise, .convolution: return .pointwise
        case .fullyConnected:
            switch layer.role {
            case .squeezeReduce, .squeezeExpand: return .squeezeExcite
            default: return .fullyConnected
            }
        case .depthwise: return layer.kernel >= 7 ? .depthwise7 : layer.kernel >= 5 ? .depthwise5 : .depthwise3
        }
    }
}

/// The latency constants of the subgraph template that calibration fits (docs/cost-model.md,
/// "Calibration parameters"). The defaults describe the ideal pipeline: every DDR transfer at the
/// device file's sustained bandwidth, every engine busy every cycle of its loops, no gap between
/// stages. None was fitted to anything; `hao calibrate` replaces them with fitted values.
public struct SubgraphLatencyParameters: Sendable, Hashable {
    /// Achieved DDR bandwidth as a fraction of the device file's sustained figure.
    public var ddrEfficiency: Double = 1
    /// Fixed time per program run (start, completion interrupt, host call), in microseconds.
    public var launchOverheadUs: Double = 0
    /// Fixed time per stage (controller hand-over, DMA descriptor set-up, first DDR access), in microseconds.
    public var stageOverheadUs: Double = 0
    /// Fixed time per layer a stage runs (engine loop set-up), in microseconds.
    public var layerOverheadUs: Double = 0
    /// Fraction of the cycle model's compute rate each kind of layer achieves, by ``ComputeKind``.
    public var efficiencies: [Double] = Array(repeating: 1, count: ComputeKind.allCases.count)
    /// Cycles per element of a squeeze-excite block's depthwise output for its gate (global pool
    /// and channel-wise multiply) beyond the ideal pipeline, which fuses both into the streams.
    public var squeezeExciteCyclesPerElement: Double = 0

    /// The ideal pipeline (every parameter at its documented default).
    public init() {}

    /// The ideal pipeline.
    public static let uncalibrated = SubgraphLatencyParameters()

    /// The efficiency of `kind`.
    public func efficiency(_ kind: ComputeKind) -> Double { efficiencies[kind.rawValue] }

    /// The parameters in ``SubgraphTarget/calibrationParameters`` order.
    public var values: [Double] {
        [ddrEfficiency, launchOverheadUs, stageOverheadUs, layerOverheadUs] + efficiencies + [squeezeExciteCyclesPerElement]
    }

    /// How many values ``values`` holds.
    public static var count: Int { 5 + ComputeKind.allCases.count }

    /// Parameters from values in ``SubgraphTarget/calibrationParameters`` order.
    public init(values: [Double]) {
        precondition(values.count == Self.count, "expected \(Self.count) values")
        ddrEfficiency = values[0]
        launchOverheadUs = values[1]
        stageOverheadUs = values[2]
        layerOverheadUs = values[3]
        efficiencies = Array(values[4..<(4 + ComputeKind.allCases.count)])
        squeezeExciteCyclesPerElement = values[4 + ComputeKind.allCases.count]
    }

    /// Whether every parameter is at its ideal-pipeline default.
    public var isIdeal: Bool { self == .uncalibrated }
}
