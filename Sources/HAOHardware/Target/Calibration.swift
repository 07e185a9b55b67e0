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

    /// The latency in milliseconds of `terms` with the parameters at `values`.
    func predictedLatencyMs(_ terms: LatencyTerms, parameters values: [Double]) -> Double
}
