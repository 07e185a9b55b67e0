import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor
import HAOSupport

/// The co-design search problem: points of a ``SearchSpace`` scored by a ``CandidateEvaluator``,
/// objectives "maximise top-1" and "minimise latency", under ``SearchConstraints``.
public struct CoDesignProblem<Evaluator: CandidateEvaluator>: SearchProblem {
    /// A point of the search space: stage depths, per-slot kernel, expand ratio and bit width, and the resolution.
    public typealias Genome = ArchitecturePoint
    /// The metrics of a scored candidate.
    public typealias Payload = CandidateMetrics<Evaluator.Configuration>

    /// The search space, validated by the initialiser.
    public let space: SearchSpace
    /// Scores each candidate (predictor plus hardware target).
    public let evaluator: Evaluator
    /// The latency limit (minimum fps or maximum latency) every frontier point must meet.
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

    /// Two objectives, both minimised: negated top-1 (percent) and latency (milliseconds).
    public var objectiveCount: Int { 2 }

    /// Creates the problem; throws when the space, the constraints or the variation operators are invalid, or when
    /// `mutationRate` is outside (0, 1]. The defaults: no constraints, mutation rate 0.1, evolved bit widths, ordinal operators.
    public init(
        space: SearchSpace, evaluator: Evaluator, constraints: SearchConstraints = SearchConstraints(),
        mutationRate: Double = 0.1, bitsMode: BitsMode = .evolve, variation: VariationOperators = .default
    ) throws {
        self.bitsMode = bitsMode
        try variation.validate()
        self.variation = variation
        try space.validate()
        try constraints.validate()
        guard mutationRate > 0, mutationRate <= 1 else {
            throw SearchError.invalidSetting("mutation rate must be in (0, 1], got \(mutationRate)")
        }
        self.space = space
        self.evaluator = evaluator
        self.constraints = constraints
        self.mutationRate = mutationRate
    }

    /// A uniformly random point of the space (``SearchSpace/sample(using:)``).
    public func randomGenome(using rng: inout SplitMix64) -> ArchitecturePoint { space.sample(using: &rng) }

    /// Categorical: uniform crossover, every stage depth, every slot's kernel, expand ratio and bit
    /// width, and the resolution come from either parent with equal probability. Ordinal: SBX on
    /// each gene's rank in its sorted choice list (``OrdinalVariation``).
    public func crossover(_ a: ArchitecturePoint, _ b: ArchitecturePoint, using rng: inout SplitMix64) -> ArchitecturePoint {
        if case .ordinal(let o) = variation { return ordinalCrossover(a, b, o, using: &rng) }
        return Self.mapGenes(a, b) { _, x, y in rng.nextUnit() < 0.5 ? y : x }
    }

    /// Each gene (depths, per-slot kernel / expand / bits, resolution) is changed with
    /// probability `mutationRate`: categorical redraws a different value of its choice list,
    /// ordinal applies polynomial mutation to its rank. Inactive slots mutate too, so a stage that
    /// grows later inherits varied genes.
    public func mutate(_ point: ArchitecturePoint, using rng: inout SplitMix64) -> ArchitecturePoint {
        if case .ordinal(let o) = variation { return ordinalMutate(point, o, using: &rng) }
        return Self.mapGenes(point, point) { kind, value, _ in
            let choices = space.choices(of: kind)
            guard choices.count > 1, rng.nextUnit() < mutationRate else { return value }
            return rng.element(of: choices.filter { $0 != value })
        }
    }

    /// With `.optimal` bits the bit genes do not matter, so they are all set to the widest choice:
    /// points differing only in bits are one candidate, evaluated once.
    public func canonical(_ point: ArchitecturePoint) -> ArchitecturePoint {
        var p = space.canonical(point)
        if bitsMode == .optimal, let widest = space.bitChoices.max() { p.bits = p.bits.map { _ in widest } }
        return p
    }

    /// Scores the point and applies the constraints (``judge(_:)``), timing the predictor and solver phases; rethrows
    /// evaluator errors.
    public func evaluate(_ point: ArchitecturePoint) throws -> EvaluationRecord<Payload> {
        let e = try evaluator.evaluate(point)
        var phases: [EvaluationPhase: Double] = [.predictor: e.predictorSeconds, .solver: e.solverSeconds]
        var counts: [EvaluationPhase: Int] = [:]
        if e.certificates + e.certificatesNotCompleted > 0 {
            phases[.sampleCertificates] = e.certificateSeconds
            counts[.sampleCertificates] = e.certificates
            counts[.certificatesNotCompleted] = e.certificatesNotCompleted
        }
        return EvaluationRecord(outcome: judge(e.result), phaseSeconds: phases, counts: counts)
    }

    /// Applies the constraints to an evaluator verdict. Never scores an infeasible candidate.
    public func judge(_ result: Evaluation<Evaluator.Configuration>.Result) -> Outcome<Payload> {
        switch result {
        case .infeasible(let reason, let violation):
            return .infeasible(reason: reason, violation: Self.unmappableViolationOffset + max(0, violation.isFinite ? violation : 0))
        case .feasible(let m):
            guard m.top1.isFinite, m.latencyMs.isFinite, m.latencyMs > 0 else {
                return .infeasible(
                    reason: "evaluator returned non-finite metrics (top-1 \(m.top1), latency \(m.latencyMs) ms)",
                    violation: 2 * Self.unmappableViolationOffset)
            }
            if let limit = constraints.latencyLimitMs, m.latencyMs > limit {
                let reason = String(
                    format: "%.3f ms (%.1f fps) misses the limit of %.3f ms (%.1f fps)", m.latencyMs, m.fps, limit, 1000 / limit)
                return .infeasible(reason: reason, violation: (m.latencyMs - limit) / limit)
            }
            return .feasible(objectives: [-m.top1, m.latencyMs], payload: m)
        }
    }
}

extension CoDesignProblem {
    /// The frontier of a finished (or interrupted) search, as deployable points.
    public func frontier(of state: SearchState<ArchitecturePoint, Payload>) throws -> [FrontierPoint<Evaluator.Configuration>] {
        try state.archive.members.map { member in
            // With optimal bit allocation the genome's bit genes are unused; the widths chosen are in the metrics.
            var point = member.genome
            if let bits = member.outcome.payload!.bits { point.bits = bits }
            return FrontierPoint(point: point, network: try space.network(for: point), metrics: member.outcome.payload!)
        }.sorted { $0.metrics.fps < $1.metrics.fps }
    }

    /// The smallest network of the space: the fewest and narrowest blocks at the lowest bit width
    /// and resolution. If it misses the constraints, no network of the space is likely to meet them.
    public var smallestPoint: ArchitecturePoint {
        let n = ArchitecturePoint.slotCount
        return space.canonical(
            ArchitecturePoint(
                depths: [Int](repeating: space.depthChoices.min()!, count: ArchitecturePoint.stageCount),
                kernels: [Int](repeating: space.kernelChoices.min()!, count: n),
                expandRatios: [Int](repeating: space.expandChoices.min()!, count: n),
                bits: [Int](repeating: space.bitChoices.min()!, count: n),
                resolution: space.resolutionChoices.min()!))
    }

    /// Fails fast, with figures, when even the smallest network misses the constraints: one
    /// evaluation (one solve) before any search. Resource caps are checked as well as latency
    /// limits: if the smallest network at the lowest bit widths has no accelerator configuration
    /// within the caps, the solver's diagnosis is reported (a search would otherwise run every
    /// generation and end with "no feasible network found").
    public func checkConstraintsArePossible() throws {
        let point = smallestPoint
        let verdict = try evaluator.evaluate(point).result
        switch judge(verdict) {
        case .feasible: return
        case .infeasible(let reason, _):
            let what: String
            if case .infeasible = verdict {
                what = "has no accelerator configuration within the device and caps"
            } else {
                what = "misses the latency limit"
            }
            throw CoDesignError.impossibleConstraints(
                "the smallest network of the space (\(SearchSpace.label(point)), lowest bit widths) \(what): \(reason)")
        }
    }
}
