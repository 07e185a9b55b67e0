import Foundation
import HAOHardware
import HAOInterchange
import HAONetwork
import HAOPredictor

/// Which metrics of an ask/tell search come from outside (a training job, a board farm) rather
/// than from the accuracy predictor and the target's configuration program.
public enum ExternalMetrics: String, Sendable, Hashable, Codable, CaseIterable {
    /// Top-1 is told; latency comes from the configuration program.
    case accuracy
    /// Latency is told; top-1 comes from the predictor.
    case latency
    /// Both are told.
    case both

    /// Whether tells must carry `top1`.
    public var includesAccuracy: Bool { self != .latency }
    /// Whether tells must carry `latency_ms`.
    public var includesLatency: Bool { self != .accuracy }
}

/// The externally measured metrics of one candidate, as told.
public struct ToldMetrics: Sendable, Hashable, Codable {
    /// Measured ImageNet top-1, percent (0...100); nil when accuracy is not external.
    public var top1: Double?
    /// Measured batch-1 latency in milliseconds (> 0); nil when latency is not external.
    public var latencyMs: Double?

    /// Metrics from their fields.
    public init(top1: Double?, latencyMs: Double?) {
        self.top1 = top1
        self.latencyMs = latencyMs
    }

    enum CodingKeys: String, CodingKey {
        case top1
        case latencyMs = "latency_ms"
    }
}

/// Why a tell was refused. Every case names the line and the candidate.
public enum AskTellError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder holds no ask/tell search.
    case noState(folder: String)
    /// A line is not a JSON object with a string `id`.
    case malformedLine(line: Int, detail: String)
    /// The id was never asked.
    case unknownCandidate(line: Int, id: String)
    /// A metric the search needs is missing, or one it does not use is given.
    case missingMetric(line: Int, id: String, metric: String)
    /// A value is not finite or out of its range.
    case badValue(line: Int, id: String, metric: String, value: Double, range: String)
    /// The id was told before with other values (or twice in the file with different values).
    case conflictingTell(line: Int, id: String, earlier: ToldMetrics, now: ToldMetrics)
    /// The options do not fit an ask/tell search.
    case invalidOption(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .noState(let folder):
            return
                "\(folder) holds no ask/tell search (create one with 'hao search --state \(folder) --external accuracy|latency|both --ask N')"
        case .malformedLine(let line, let detail):
            return "tell line \(line): \(detail)"
        case .unknownCandidate(let line, let id):
            return "tell line \(line): candidate '\(id)' was never asked by this search"
        case .missingMetric(let line, let id, let metric):
            return "tell line \(line): candidate '\(id)' needs \(metric)"
        case .badValue(let line, let id, let metric, let value, let range):
            return "tell line \(line): candidate '\(id)': \(metric) \(value) is not in \(range)"
        case .conflictingTell(let line, let id, let earlier, let now):
            return
                "tell line \(line): candidate '\(id)' was already told \(Self.text(earlier)); now \(Self.text(now)) (a measurement is told once)"
        case .invalidOption(let message):
            return message
        }
    }

    private static func text(_ m: ToldMetrics) -> String {
        [m.top1.map { "top1 \($0)" }, m.latencyMs.map { "latency_ms \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }
}

/// A candidate handed out by `ask`: everything an external evaluator needs to train or measure it.
public struct AskedCandidate: Sendable, Encodable {
    /// The candidate's id: the space's label of its canonical point (stable across runs).
    public var id: String
    /// The generation whose evaluation waits for it (0 = the initial population).
    public var generation: Int
    /// How many times it has been handed out (more than 1 after a re-ask).
    public var asks: Int
    /// The metrics the evaluator must tell.
    public var external: ExternalMetrics
    /// The point of the search space (what `hao predict` takes).
    public var point: ArchitecturePoint
    /// The hardware target and the device part the latency is for (what `hao solve --target --device` take).
    public var target: String
    /// The device part.
    public var device: String
    /// The utilisation cap the latency is under, as `hao solve --cap` takes it.
    public var cap: String
    /// The calibration profile the latency comes from, absent for the uncalibrated model: written
    /// to a file, it is what `hao solve --calibration FILE` takes.
    public var calibration: CalibrationProfile?
    /// The network in the project's format.
    public var network: Network
    /// timm `arch_def` strings, when the format can express the network.
    public var archDef: [[String]]?
    /// The once-for-all subnet configuration, when the network is in that space.
    public var ofaConfig: OFASubnetConfig?
    /// Bit width per block slot.
    public var bits: [Int]
    /// What the built-in models say (predicted top-1, the configuration program's latency).
    public var predicted: Predicted

    /// The built-in models' figures for the candidate.
    public struct Predicted: Sendable, Encodable {
        /// Predicted top-1, percent.
        public var top1: Double
        /// Predictive standard deviation of `top1`, when the predictor gives one.
        public var top1StdDev: Double?
        /// Batch-1 latency on the candidate's optimal configuration, milliseconds.
        public var latencyMs: Double
        enum CodingKeys: String, CodingKey {
            case top1
            case top1StdDev = "top1_stddev"
            case latencyMs = "latency_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, generation, asks, external, point, target, device, cap, calibration, network
        case archDef = "arch_def"
        case ofaConfig = "ofa_config"
        case bits, predicted
    }
}
