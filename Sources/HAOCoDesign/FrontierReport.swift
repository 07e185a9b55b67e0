import Foundation
import HAOEvolution
import HAOHardware
import HAOInterchange
import HAONetwork
import HAOPredictor
import HAOSupport

/// One point of the final frontier, with everything needed to build and deploy it.
public struct FrontierPoint<Configuration: Sendable & Hashable & Codable>: Sendable, Codable {
    /// The point of the search space.
    public var point: ArchitecturePoint
    /// The network in the project's format (name = the space's label of the point).
    public var network: Network
    /// Its predicted top-1, latency and configuration.
    public var metrics: CandidateMetrics<Configuration>
    /// The network as timm `arch_def` block strings (instantiable with timm's EfficientNet
    /// builder), nil when the format cannot express it.
    public var archDef: [[String]]?
    /// The once-for-all subnet configuration (`set_active_subnet(ks, e, d)` and resolution),
    /// nil for networks outside the once-for-all space.
    public var ofaConfig: OFASubnetConfig?

    /// A frontier point; its arch_def and once-for-all forms are derived from the network.
    public init(point: ArchitecturePoint, network: Network, metrics: CandidateMetrics<Configuration>) {
        self.point = point
        self.network = network
        self.metrics = metrics
        archDef = try? network.archDefStrings()
        ofaConfig = try? OFASubnetConfig(network: network)
    }

    /// Active blocks at 4 bits out of all active searchable blocks.
    public var lowBitBlocks: (low: Int, total: Int) {
        let active = (0..<ArchitecturePoint.slotCount).filter { point.isActive(slot: $0) }
        return (active.filter { point.bits[$0] < 8 }.count, active.count)
    }

    /// The bit-width policy of the searchable blocks: "uniform 8-bit", "uniform 4-bit" or
    /// "mixed (k of n searchable blocks at 4 bits)". The stem, first block and head are always 8-bit.
    public var bitPolicy: String {
        let active = (0..<ArchitecturePoint.slotCount).filter { point.isActive(slot: $0) }
        let widths = Set(active.map { point.bits[$0] })
        if widths.count == 1, let only = widths.first { return "uniform \(only)-bit" }
        let (low, total) = lowBitBlocks
        return "mixed (\(low) of \(total) searchable blocks at 4 bits)"
    }

    enum CodingKeys: String, CodingKey {
        case point, network, top1
        case top1StdDev = "top1_stddev"
        case latencyMs = "latency_ms"
        case fps, configuration, resources, solver
        case archDef = "arch_def"
        case ofaConfig = "ofa_config"
    }

    /// Decodes a point of `frontier.json`: the metrics are read from flat keys (`top1`, `top1_stddev`, `latency_ms`,
    /// `configuration`, `resources`, `solver`); `fps` is ignored and the chosen `bits` are taken from ``point``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        point = try c.decode(ArchitecturePoint.self, forKey: .point)
        network = try c.decode(Network.self, forKey: .network)
        metrics = CandidateMetrics(
            top1: try c.decode(Double.self, forKey: .top1),
            top1StdDev: try c.decodeIfPresent(Double.self, forKey: .top1StdDev),
            latencyMs: try c.decode(Double.self, forKey: .latencyMs),
            configuration: try c.decodeIfPresent(Configuration.self, forKey: .configuration),
            resources: try c.decodeIfPresent(Resources.self, forKey: .resources),
            solver: try c.decodeIfPresent(String.self, forKey: .solver))
        archDef = try c.decodeIfPresent([[String]].self, forKey: .archDef)
        ofaConfig = try c.decodeIfPresent(OFASubnetConfig.self, forKey: .ofaConfig)
    }

    /// Encodes the point with its metrics flattened (snake_case keys), `fps` derived from the latency, and the arch_def and
    /// once-for-all forms when present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(point, forKey: .point)
        try c.encode(network, forKey: .network)
        try c.encode(metrics.top1, forKey: .top1)
        try c.encodeIfPresent(metrics.top1StdDev, forKey: .top1StdDev)
        try c.encode(metrics.latencyMs, forKey: .latencyMs)
        try c.encode(metrics.fps, forKey: .fps)
        try c.encode(metrics.configuration, forKey: .configuration)
        try c.encodeIfPresent(metrics.resources, forKey: .resources)
        try c.encodeIfPresent(metrics.solver, forKey: .solver)
        try c.encodeIfPresent(archDef, forKey: .archDef)
        try c.encodeIfPresent(ofaConfig, forKey: .ofaConfig)
    }
}

/// A shipped baseline network solved by the same integer program on the same device.
public struct BaselinePoint<Configuration: Sendable & Hashable & Codable>: Sendable, Codable {
    /// The network's name.
    public var name: String
    /// Bit width of every block (stem and head stay 8-bit).
    public var bits: Int
    /// Top-1 shown for the baseline, percent (see `top1Source`).
    public var top1: Double?
    /// Where `top1` comes from, in words.
    public var top1Source: String
    /// `nil` when no accelerator configuration fits.
    public var latencyMs: Double?
    /// Frames per second at batch 1.
    public var fps: Double? { latencyMs.map { 1000 / $0 } }
    /// The baseline's optimal configuration.
    public var configuration: Configuration?
    /// Resources the configuration uses.
    public var resources: Resources?
    /// Why it could not be mapped, when it could not.
    public var infeasibleReason: String?

    /// A baseline's result.
    public init(
        name: String, bits: Int, top1: Double?, top1Source: String, latencyMs: Double?,
        configuration: Configuration? = nil, resources: Resources? = nil, infeasibleReason: String? = nil
    ) {
        self.name = name
        self.bits = bits
        self.top1 = top1
        self.top1Source = top1Source
        self.latencyMs = latencyMs
        self.configuration = configuration
        self.resources = resources
        self.infeasibleReason = infeasibleReason
    }

    enum CodingKeys: String, CodingKey {
        case name, bits, top1
        case top1Source = "top1_source"
        case latencyMs = "latency_ms"
        case fps, configuration, resources
        case infeasibleReason = "infeasible_reason"
    }

    /// Decodes a baseline; `top1`, `latency_ms`, `configuration`, `resources` and `infeasible_reason` are optional, `fps` is ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        bits = try c.decode(Int.self, forKey: .bits)
        top1 = try c.decodeIfPresent(Double.self, forKey: .top1)
        top1Source = try c.decode(String.self, forKey: .top1Source)
        latencyMs = try c.decodeIfPresent(Double.self, forKey: .latencyMs)
        configuration = try c.decodeIfPresent(Configuration.self, forKey: .configuration)
        resources = try c.decodeIfPresent(Resources.self, forKey: .resources)
        infeasibleReason = try c.decodeIfPresent(String.self, forKey: .infeasibleReason)
    }

    /// Encodes the baseline with snake_case keys and `fps` derived from the latency; absent optional fields are omitted.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(bits, forKey: .bits)
        try c.encodeIfPresent(top1, forKey: .top1)
        try c.encode(top1Source, forKey: .top1Source)
        try c.encodeIfPresent(latencyMs, forKey: .latencyMs)
        try c.encodeIfPresent(fps, forKey: .fps)
        try c.encode(configuration, forKey: .configuration)
        try c.encodeIfPresent(resources, forKey: .resources)
        try c.encodeIfPresent(infeasibleReason, forKey: .infeasibleReason)
    }
}

/// Where the run stands against the paper's headline (72.5% top-1 at 50 fps on the ZU3EG,
/// 1.6x MnasNet-A1 and 2.35x FBNet-B).
public struct Headline<Configuration: Sendable & Hashable & Codable>: Sendable, Codable {
    /// The top-1 a point must reach, percent.
    public var accuracyTarget: Double
    /// The fastest frontier point with predicted top-1 >= target, if any.
    public var best: FrontierPoint<Configuration>?
    /// The best point's bit-width policy (``FrontierPoint/bitPolicy``), nil without a best point.
    public var bestPolicy: String?
    /// fps(best) / fps(baseline) for each baseline and bit width that could be mapped: against
    /// the 8-bit and the 4-bit version of every baseline, each labelled with its policy.
    public var ratios: [HeadlineRatio]

    enum CodingKeys: String, CodingKey {
        case accuracyTarget = "accuracy_target"
        case best
        case bestPolicy = "best_policy"
        case ratios
    }

    /// Builds the comparison against the named baselines.
    public init(
        frontier: [FrontierPoint<Configuration>], baselines: [BaselinePoint<Configuration>], accuracyTarget: Double = 72.5,
        compareWith names: [String] = ["MnasNet-A1", "FBNet-B"]
    ) {
        self.accuracyTarget = accuracyTarget
        best = frontier.filter { $0.metrics.top1 >= accuracyTarget }.max { $0.metrics.fps < $1.metrics.fps }
        ratios = []
        bestPolicy = best?.bitPolicy
        guard let best else { return }
        let active = (0..<ArchitecturePoint.slotCount).filter { best.point.isActive(slot: $0) }
        let widths = Set(active.map { best.point.bits[$0] })
        let policy: Int? = widths.count == 1 ? widths.first : nil
        for name in names {
            for b in baselines where b.name == name {
                guard let fps = b.fps else { continue }
                ratios.append(
                    HeadlineRatio(
                        baseline: name, bits: b.bits, ratio: best.metrics.fps / fps, samePolicy: policy == b.bits,
                        baselinePolicy: "uniform \(b.bits)-bit"))
            }
        }
    }
}

/// fps(best) / fps(baseline) for one baseline at one width.
public struct HeadlineRatio: Sendable, Codable {
    /// The baseline's name.
    public var baseline: String
    /// The baseline's block width.
    public var bits: Int
    /// The frame-rate ratio.
    public var ratio: Double
    /// Whether the baseline's bit policy is the one the best point uses (uniform 4 or 8 bit).
    public var samePolicy: Bool
    /// The baseline's policy, e.g. "uniform 8-bit" (every block after the first at `bits`).
    public var baselinePolicy: String?
    enum CodingKeys: String, CodingKey {
        case baseline, bits, ratio
        case samePolicy = "same_policy"
        case baselinePolicy = "baseline_policy"
    }

    /// A ratio.
    public init(baseline: String, bits: Int, ratio: Double, samePolicy: Bool, baselinePolicy: String?) {
        self.baseline = baseline
        self.bits = bits
        self.ratio = ratio
        self.samePolicy = samePolicy
        self.baselinePolicy = baselinePolicy
    }
}

/// The result of a search, as written to frontier.json.
public struct FrontierReport<Configuration: Sendable & Hashable & Codable>: Sendable, Codable {
    /// The file format's name and version.
    public static var formatName: String { "hao-frontier-v1" }
    /// The format of this report (``formatName``).
    public var format = FrontierReport.formatName
    /// The device, e.g. "XCZU3EG (Ultra96)".
    public var device: String
    /// The search space's name.
    public var space: String
    /// The user's constraints.
    public var constraints: SearchConstraints
    /// The NSGA-II settings.
    public var settings: NSGA2Settings
    /// Generations completed.
    public var generations: Int
    /// Counters of the run.
    public var stats: SearchStats
    /// Sorted by increasing fps (decreasing top-1).
    public var frontier: [FrontierPoint<Configuration>]
    /// The baselines on the same target, device and caps.
    public var baselines: [BaselinePoint<Configuration>]
    /// Where the best point stands against the paper.
    public var headline: Headline<Configuration>
    /// The accuracy predictor's name, when known.
    public var predictor: String?
    /// True when the predictor ignored bit widths (a model without a quantization part, accepted
    /// with `--allow-bit-blind-predictor` or used on a single-width space): every top-1 is then a
    /// full-precision prediction, whatever the point's bit widths.
    public var predictorIgnoresBitWidths: Bool
    /// Which latency model produced every latency and fps in the report: a calibration profile and
    /// its cross-validated error, or the target's uncalibrated model (nil in reports written
    /// before this field).
    public var latencyModel: LatencyModelDescription?
    /// What GLPK certified (`--solver auto`); nil otherwise.
    public var certificates: CertificateSummary?
    /// The fast evaluator's counters in the process that wrote the report (memo, incumbents); nil
    /// when candidates were solved one by one.
    public var fastEvaluator: FastEvaluatorStatistics?

    enum CodingKeys: String, CodingKey {
        case format, device, space, constraints, settings, generations, stats, frontier, baselines, headline, predictor, certificates
        case predictorIgnoresBitWidths = "predictor_ignores_bit_widths"
        case fastEvaluator = "fast_evaluator"
        case latencyModel = "latency_model"
    }

    /// Decodes a report; `predictor` is optional and `predictor_ignores_bit_widths` defaults to false, for files written
    /// before they existed. The `format` value is read as is, not checked.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        device = try c.decode(String.self, forKey: .device)
        space = try c.decode(String.self, forKey: .space)
        constraints = try c.decode(SearchConstraints.self, forKey: .constraints)
        settings = try c.decode(NSGA2Settings.self, forKey: .settings)
        generations = try c.decode(Int.self, forKey: .generations)
        stats = try c.decode(SearchStats.self, forKey: .stats)
        frontier = try c.decode([FrontierPoint<Configuration>].self, forKey: .frontier)
        baselines = try c.decode([BaselinePoint<Configuration>].self, forKey: .baselines)
        headline = try c.decode(Headline<Configuration>.self, forKey: .headline)
        predictor = try c.decodeIfPresent(String.self, forKey: .predictor)
        predictorIgnoresBitWidths = try c.decodeIfPresent(Bool.self, forKey: .predictorIgnoresBitWidths) ?? false
        latencyModel = try c.decodeIfPresent(LatencyModelDescription.self, forKey: .latencyModel)
        certificates = try c.decodeIfPresent(CertificateSummary.self, forKey: .certificates)
        fastEvaluator = try c.decodeIfPresent(FastEvaluatorStatistics.self, forKey: .fastEvaluator)
    }

    /// A report; the frontier is sorted by increasing fps.
    public init(
        device: String, space: String, constraints: SearchConstraints, settings: NSGA2Settings, generations: Int,
        stats: SearchStats, frontier: [FrontierPoint<Configuration>], baselines: [BaselinePoint<Configuration>],
        headline: Headline<Configuration>,
        predictor: String? = nil, predictorIgnoresBitWidths: Bool = false, latencyModel: LatencyModelDescription? = nil,
        certificates: CertificateSummary? = nil, fastEvaluator: FastEvaluatorStatistics? = nil
    ) {
        self.latencyModel = latencyModel
        self.certificates = certificates
        self.fastEvaluator = fastEvaluator
        self.predictor = predictor
        self.predictorIgnoresBitWidths = predictorIgnoresBitWidths
        self.device = device
        self.space = space
        self.constraints = constraints
        self.settings = settings
        self.generations = generations
        self.stats = stats
        self.frontier = frontier.sorted { $0.metrics.fps < $1.metrics.fps }
        self.baselines = baselines
        self.headline = headline
    }
}
