import Foundation
import HAOHardware
import HAOPredictor

/// What one candidate costs and scores: the predicted accuracy and the latency of the network on
/// its own optimal accelerator.
public struct CandidateMetrics: Sendable, Hashable, Codable {
    /// Predicted ImageNet top-1, percent.
    public var top1: Double
    /// Predictive standard deviation of `top1`, when the predictor gives one.
    public var top1StdDev: Double?
    /// Latency at batch 1, milliseconds.
    public var latencyMs: Double
    /// The optimal accelerator configuration, as the hardware model writes it.
    public var configuration: JSONValue
    /// Resources the configuration uses.
    public var resources: Resources?
    /// Which solver produced the configuration.
    public var solver: String?
    /// Bit width per block slot chosen by the bit-allocation program (`--bits optimal`); nil when the genome's own widths apply.
    public var bits: [Int]?

    public init(top1: Double, top1StdDev: Double? = nil, latencyMs: Double, configuration: JSONValue = .null,
                resources: Resources? = nil, solver: String? = nil, bits: [Int]? = nil) {
        self.bits = bits
        self.top1 = top1
        self.top1StdDev = top1StdDev
        self.latencyMs = latencyMs
        self.configuration = configuration
        self.resources = resources
        self.solver = solver
    }

    /// Frames per second at batch 1.
    public var fps: Double { 1000 / latencyMs }

    enum CodingKeys: String, CodingKey {
        case top1, top1StdDev = "top1_stddev", latencyMs = "latency_ms", configuration, resources, solver, bits
    }
}

/// The verdict of a ``CandidateEvaluator`` on one point, with where the time went.
public struct Evaluation: Sendable {
    public enum Result: Sendable {
        /// Scored: the accelerator exists and the metrics are real.
        case feasible(CandidateMetrics)
        /// No accelerator configuration fits the device (or another hard limit of the evaluator).
        /// `violation` >= 0 says how far off it is (e.g. relative resource excess), 0 if unknown.
        case infeasible(reason: String, violation: Double)
    }

    public var result: Result
    public var predictorSeconds: Double
    public var solverSeconds: Double

    public init(_ result: Result, predictorSeconds: Double = 0, solverSeconds: Double = 0) {
        self.result = result
        self.predictorSeconds = predictorSeconds
        self.solverSeconds = solverSeconds
    }
}

/// Scores a point of the search space: accuracy predictor plus accelerator optimizer.
/// Called concurrently from several threads.
public protocol CandidateEvaluator: Sendable {
    func evaluate(_ point: ArchitecturePoint) throws -> Evaluation
}

/// User constraints on the searched network.
public struct SearchConstraints: Sendable, Hashable, Codable {
    /// Minimum frames per second (batch 1).
    public var minFps: Double?
    /// Maximum latency in milliseconds.
    public var maxLatencyMs: Double?

    public init(minFps: Double? = nil, maxLatencyMs: Double? = nil) {
        self.minFps = minFps
        self.maxLatencyMs = maxLatencyMs
    }

    enum CodingKeys: String, CodingKey { case minFps = "min_fps", maxLatencyMs = "max_latency_ms" }

    /// The binding latency limit, if any: the tighter of `maxLatencyMs` and 1000 / `minFps`.
    public var latencyLimitMs: Double? {
        switch (minFps, maxLatencyMs) {
        case let (f?, l?): return min(1000 / f, l)
        case let (f?, nil): return 1000 / f
        case let (nil, l?): return l
        case (nil, nil): return nil
        }
    }

    public func validate() throws {
        if let f = minFps, !(f.isFinite && f > 0) { throw SearchError.invalidSetting("--min-fps must be a positive number, got \(f)") }
        if let l = maxLatencyMs, !(l.isFinite && l > 0) { throw SearchError.invalidSetting("--max-latency-ms must be a positive number, got \(l)") }
    }
}

/// The co-design search problem: points of a ``SearchSpace`` scored by a ``CandidateEvaluator``,
/// objectives "maximise top-1" and "minimise latency", under ``SearchConstraints``.
public struct CoDesignProblem<Evaluator: CandidateEvaluator>: SearchProblem {
    public typealias Genome = ArchitecturePoint
    public typealias Payload = CandidateMetrics

    public let space: SearchSpace
    public let evaluator: Evaluator
    public let constraints: SearchConstraints
    /// Per-gene mutation probability. 0.1 is the once-for-all evolution finder's default
    /// (Cai et al., ICLR 2020): with about 40 active genes, a few changes per child.
    public let mutationRate: Double
    /// Whether bit widths are genes (`.evolve`) or chosen per candidate by the evaluator (`.optimal`).
    public let bitsMode: BitsMode
    /// Crossover and mutation operators (every gene of the space is ordered; see CoDesignVariation.swift).
    public let variation: VariationOperators

    /// Offset added to the violation of a candidate no accelerator fits, so that it ranks behind
    /// every mappable candidate that only misses the latency limit (whose violation is a relative
    /// excess, far below this). Only the order matters.
    public static var unmappableViolationOffset: Double { 1e6 }

    public var objectiveCount: Int { 2 }

    public init(space: SearchSpace, evaluator: Evaluator, constraints: SearchConstraints = SearchConstraints(),
                mutationRate: Double = 0.1, bitsMode: BitsMode = .evolve, variation: VariationOperators = .default) throws {
        self.bitsMode = bitsMode
        try variation.validate()
        self.variation = variation
        try space.validate()
        try constraints.validate()
        guard mutationRate > 0, mutationRate <= 1 else { throw SearchError.invalidSetting("mutation rate must be in (0, 1], got \(mutationRate)") }
        self.space = space
        self.evaluator = evaluator
        self.constraints = constraints
        self.mutationRate = mutationRate
    }

    public func randomGenome(using rng: inout SplitMix64) -> ArchitecturePoint { space.sample(using: &rng) }

    /// Categorical: uniform crossover, every stage depth, every slot's kernel, expand ratio and bit
    /// width, and the resolution come from either parent with equal probability. Ordinal: SBX on
    /// each gene's rank in its sorted choice list (``OrdinalVariation``).
    public func crossover(_ a: ArchitecturePoint, _ b: ArchitecturePoint, using rng: inout SplitMix64) -> ArchitecturePoint {
        if case .ordinal(let o) = variation { return ordinalCrossover(a, b, o, using: &rng) }
        var c = a
        for s in c.depths.indices where rng.nextUnit() < 0.5 { c.depths[s] = b.depths[s] }
        for i in c.kernels.indices {
            if rng.nextUnit() < 0.5 { c.kernels[i] = b.kernels[i] }
            if rng.nextUnit() < 0.5 { c.expandRatios[i] = b.expandRatios[i] }
            if rng.nextUnit() < 0.5 { c.bits[i] = b.bits[i] }
        }
        if rng.nextUnit() < 0.5 { c.resolution = b.resolution }
        return c
    }

    /// Each gene (depths, per-slot kernel / expand / bits, resolution) is changed with
    /// probability `mutationRate`: categorical redraws a different value of its choice list,
    /// ordinal applies polynomial mutation to its rank. Inactive slots mutate too, so a stage that
    /// grows later inherits varied genes.
    public func mutate(_ point: ArchitecturePoint, using rng: inout SplitMix64) -> ArchitecturePoint {
        if case .ordinal(let o) = variation { return ordinalMutate(point, o, using: &rng) }
        func redraw(_ value: Int, _ choices: [Int], _ rng: inout SplitMix64) -> Int {
            guard choices.count > 1, rng.nextUnit() < mutationRate else { return value }
            let others = choices.filter { $0 != value }
            return rng.element(of: others)
        }
        var p = point
        for s in p.depths.indices { p.depths[s] = redraw(p.depths[s], space.depthChoices, &rng) }
        for i in p.kernels.indices {
            p.kernels[i] = redraw(p.kernels[i], space.kernelChoices, &rng)
            p.expandRatios[i] = redraw(p.expandRatios[i], space.expandChoices, &rng)
            p.bits[i] = redraw(p.bits[i], space.bitChoices, &rng)
        }
        p.resolution = redraw(p.resolution, space.resolutionChoices, &rng)
        return p
    }

    /// With `.optimal` bits the bit genes do not matter, so they are all set to the widest choice:
    /// points differing only in bits are one candidate, evaluated once.
    public func canonical(_ point: ArchitecturePoint) -> ArchitecturePoint {
        var p = space.canonical(point)
        if bitsMode == .optimal, let widest = space.bitChoices.max() { p.bits = p.bits.map { _ in widest } }
        return p
    }

    public func evaluate(_ point: ArchitecturePoint) throws -> EvaluationRecord<CandidateMetrics> {
        let e = try evaluator.evaluate(point)
        let phases = ["predictor": e.predictorSeconds, "solver": e.solverSeconds]
        return EvaluationRecord(outcome: judge(e.result), phaseSeconds: phases)
    }

    /// Applies the constraints to an evaluator verdict. Never scores an infeasible candidate.
    public func judge(_ result: Evaluation.Result) -> Outcome<CandidateMetrics> {
        switch result {
        case .infeasible(let reason, let violation):
            return .infeasible(reason: reason, violation: Self.unmappableViolationOffset + max(0, violation.isFinite ? violation : 0))
        case .feasible(let m):
            guard m.top1.isFinite, m.latencyMs.isFinite, m.latencyMs > 0 else {
                return .infeasible(reason: "evaluator returned non-finite metrics (top-1 \(m.top1), latency \(m.latencyMs) ms)",
                                   violation: 2 * Self.unmappableViolationOffset)
            }
            if let limit = constraints.latencyLimitMs, m.latencyMs > limit {
                let reason = String(format: "%.3f ms (%.1f fps) misses the limit of %.3f ms (%.1f fps)", m.latencyMs, m.fps, limit, 1000 / limit)
                return .infeasible(reason: reason, violation: (m.latencyMs - limit) / limit)
            }
            return .feasible(objectives: [-m.top1, m.latencyMs], payload: m)
        }
    }
}
