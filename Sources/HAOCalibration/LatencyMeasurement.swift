import Foundation
import HAOHardware
import HAONetwork

/// One measured latency: what ran (a network, or one part of it timed alone), how it was timed,
/// and where the figure comes from.
public struct LatencyMeasurement: Sendable {
    /// The network that holds the measured work. For a block or layer timed alone this is a small
    /// probe network built around it; only ``part`` was measured.
    public var network: Network
    /// What of the network was timed.
    public var part: MeasuredPart
    /// Whether the work ran as a whole network or as its own program.
    public var scope: WorkloadScope
    /// The measured latency, milliseconds.
    public var latencyMs: Double
    /// Measurements of one workload share a group; cross-validation keeps a group in one fold.
    public var group: String
    /// A short name for plots and tables.
    public var label: String
    /// The file and line the measurement was read from.
    public var file: String
    /// The 1-based line of the measurement in ``file`` (a CSV row); nil when the file has no lines to point at (e.g. JSON).
    public var line: Int?

    /// A measurement.
    public init(
        network: Network, part: MeasuredPart, scope: WorkloadScope, latencyMs: Double, group: String, label: String,
        file: String, line: Int?
    ) {
        self.network = network
        self.part = part
        self.scope = scope
        self.latencyMs = latencyMs
        self.group = group
        self.label = label
        self.file = file
        self.line = line
    }

    /// Multiply-accumulates of the measured part.
    public var macs: Int { part.layers(of: network).reduce(0) { $0 + $1.macs } }
}

/// Measurements read from files, with the rows left out and why.
public struct MeasurementSet: Sendable {
    /// Every measurement, in file and row order.
    public var measurements: [LatencyMeasurement]
    /// Rows without a measured latency (an empty cell), by file and line: left out, not errors.
    public var unmeasured: [(file: String, line: Int)]
    /// The files read.
    public var files: [URL]

    /// An empty set.
    public init(measurements: [LatencyMeasurement] = [], unmeasured: [(file: String, line: Int)] = [], files: [URL] = []) {
        self.measurements = measurements
        self.unmeasured = unmeasured
        self.files = files
    }

    /// Appends another set.
    public mutating func append(_ other: MeasurementSet) {
        measurements += other.measurements
        unmeasured += other.unmeasured
        files += other.files
    }
}
