import HAONetwork

/// One parameter of a target's latency model that calibration may fit: physically meaningful,
/// with a documented default and the range physics allows.
public struct CalibrationParameter: Sendable, Hashable, Codable {
    /// The parameter's key in profiles, e.g. "ddr_efficiency".
    public var name: String
    /// What it is, in one line.
    public var summary: String
    /// Its unit, e.g. "fraction", "us", "cycles".
    public var unit: String
    /// The value of an uncalibrated model.
    public var defaultValue: Double
    /// The smallest physically meaningful value.
    public var lowerBound: Double
    /// The largest physically meaningful value.
    public var upperBound: Double
    /// Where the default and the bounds come from (data sheet, published design, reasoning).
    public var source: String

    /// A parameter; `defaultValue` must lie within the bounds.
    public init(name: String, summary: String, unit: String, defaultValue: Double, lowerBound: Double, upperBound: Double, source: String) {
        self.name = name
        self.summary = summary
        self.unit = unit
        self.defaultValue = defaultValue
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.source = source
    }
}

/// What one latency measurement covers.
public enum WorkloadScope: String, Sendable, Hashable, Codable {
    /// A whole network run as one program: one launch, feature maps kept on chip between layers
    /// where the target keeps them.
    case network
    /// One block (or layer) compiled and timed as its own program: its own launch, its own
    /// weight load, its input and output through DDR.
    case singleBlock = "single_block"
}

/// The part of a network one measurement timed: the whole network, or one of its stages (a block,
/// the stem, a head layer) when blocks and layers were measured one by one.
public enum MeasuredPart: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every layer of the network.
    case wholeNetwork
    /// MBConv block number N (0-based): its expand, depthwise, squeeze-excite and project layers
    /// and its residual add.
    case block(Int)
    /// The stem convolution.
    case stem
    /// The head's 1x1 conv after the last block.
    case headConv
    /// The head's fully connected layer after pooling.
    case headHidden
    /// The classifier.
    case classifier

    /// The part in reports, e.g. "network", "block 3".
    public var description: String {
        switch self {
        case .wholeNetwork: return "network"
        case .block(let b): return "block \(b)"
        case .stem: return "stem"
        case .headConv: return "head conv"
        case .headHidden: return "head hidden FC"
        case .classifier: return "classifier"
        }
    }

    /// The layers of `network` this part covers (a part the network lacks has none).
    public func layers(of network: Network) -> [Layer] {
        network.layers.filter { layer in
            switch (self, layer.role) {
            case (.wholeNetwork, _): return true
            case (.stem, .stem), (.headConv, .headConv), (.headHidden, .headHidden), (.classifier, .classifier): return true
            case (.block(let b), _): return layer.blockIndex == b
            default: return false
            }
        }
    }
}

/// A hardware target whose latency model has parameters that can be fitted to measured latencies.
///
/// Calibration reduces each measurement once to its ``LatencyTerms`` (shapes, cycle counts, bytes:
/// everything that does not depend on the parameters), then searches parameter values in their
/// physical ranges. A target built with a profile in its ``TargetSettings`` uses the fitted values
/// as constants, so its configuration problem stays exact and every solver still agrees.
public protocol CalibratableTarget: HardwareTarget {
    /// What a measurement reduces to before parameters are chosen.
    associatedtype LatencyTerms: Sendable

    /// The parameters calibration may fit, in the order ``predictedLatencyMs(_:parameters:)`` takes them.
    static var calibrationParameters: [CalibrationParameter] { get }

    /// Reduces a measured `network` of `scope` to its terms. `configuration` is the hardware
    /// configuration the measurement was taken on, when the target needs one (nil: the target's choice).
    func latencyTerms(of network: Network, scope: WorkloadScope, configuration: Configuration?) throws(HardwareError) -> LatencyTerms

    /// Reduces the `part` of a measured `network` of `scope` to its terms (per-block and per-layer
    /// measurements). A target that cannot model parts alone keeps the default, which accepts
    /// ``MeasuredPart/wholeNetwork`` only.
    func latencyTerms(
        of network: Network, part: MeasuredPart, scope: WorkloadScope,
        configuration: Configuration?
    ) throws(HardwareError) -> LatencyTerms

    /// The latency in milliseconds of `terms` with the parameters at `values`.
    func predictedLatencyMs(_ terms: LatencyTerms, parameters values: [Double]) -> Double

    /// The latencies of `terms[i]` for each `i` in `rows` at one parameter vector: what a fit
    /// evaluates at every step (a target may prepare the parameters once; the default does not).
    func predictedLatenciesMs(_ terms: [LatencyTerms], rows: [Int], parameters values: [Double]) -> [Double]
}

extension CalibratableTarget {
    /// Calls ``predictedLatencyMs(_:parameters:)`` for each row; targets override it to prepare the parameters once.
    public func predictedLatenciesMs(_ terms: [LatencyTerms], rows: [Int], parameters values: [Double]) -> [Double] {
        rows.map { predictedLatencyMs(terms[$0], parameters: values) }
    }

    /// Accepts ``MeasuredPart/wholeNetwork`` only and forwards it to ``latencyTerms(of:scope:configuration:)``;
    /// throws ``HardwareError/unsupported(_:)`` for any other part.
    public func latencyTerms(
        of network: Network, part: MeasuredPart, scope: WorkloadScope,
        configuration: Configuration?
    ) throws(HardwareError) -> LatencyTerms {
        guard part == .wholeNetwork else {
            throw .unsupported(
                "the \(Self.id) target cannot calibrate on single \(part == .stem || part == .headConv || part == .headHidden || part == .classifier ? "layers" : "blocks") (\(part)); give whole-network measurements"
            )
        }
        return try latencyTerms(of: network, scope: scope, configuration: configuration)
    }
}
