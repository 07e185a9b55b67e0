import HAOSupport

/// Counters of a run. Timings are wall-clock seconds and do not influence results.
public struct SearchStats: Codable, Sendable, Hashable {
    /// Distinct candidates evaluated.
    public var evaluations = 0
    /// Children that were earlier candidates (served from the population or archive, or evaluated again).
    public var cacheHits = 0
    /// Repeats whose score was no longer held (the memo keeps the most recent candidates' keys
    /// and the population's and archive's scores) and that were evaluated again, to the same score.
    public var reEvaluations = 0
    /// Wall-clock seconds spent in evaluation batches.
    public var evaluationWallSeconds = 0.0
    /// Summed per-candidate seconds of each phase the problem reports (across threads).
    public var phaseSeconds: [EvaluationPhase: Double] = [:]
    /// Summed counts the problem reports per evaluation (e.g. certificates run).
    public var counts: [EvaluationPhase: Int] = [:]
    /// Wall-clock seconds of whole generations, including selection.
    public var wallSeconds = 0.0

    /// Zero counts and times.
    public init() {}

    /// Distinct evaluations per wall-clock second of evaluation.
    public var evaluationsPerSecond: Double { evaluationWallSeconds > 0 ? Double(evaluations) / evaluationWallSeconds : 0 }

    enum CodingKeys: String, CodingKey {
        case evaluations, cacheHits, reEvaluations, evaluationWallSeconds, phaseSeconds, counts, wallSeconds
    }

    /// Decodes the statistics a checkpoint holds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evaluations = try c.decode(Int.self, forKey: .evaluations)
        cacheHits = try c.decode(Int.self, forKey: .cacheHits)
        reEvaluations = try c.decodeIfPresent(Int.self, forKey: .reEvaluations) ?? 0
        evaluationWallSeconds = try c.decode(Double.self, forKey: .evaluationWallSeconds)
        phaseSeconds = try c.decode([EvaluationPhase: Double].self, forKey: .phaseSeconds)
        counts = try c.decodeIfPresent([EvaluationPhase: Int].self, forKey: .counts) ?? [:]
        wallSeconds = try c.decode(Double.self, forKey: .wallSeconds)
    }
}

/// The full state of a run after a completed generation: enough to continue bit for bit.
///
/// Memory is bounded: the memo holds the keys (16 bytes) of the most recent
/// ``NSGA2Settings/memoCapacity`` distinct candidates; scores are held for the population and
/// the archive only; the full history of evaluated candidates is kept only when
/// ``NSGA2Settings/keepsHistory`` (small problems, ground-truth benchmarks).
public struct SearchState<Genome: Hashable & Codable & Sendable, Payload: Codable & Sendable>: Codable, Sendable {
    /// Completed generations; 0 means the initial population has been evaluated.
    public var generation: Int
    /// The state's random generator, saved with it so a resumed run draws what the uninterrupted run would.
    public var rng: SplitMix64
    /// The current population, after the last completed generation's selection.
    public var population: [Individual<Genome, Payload>]
    /// Every non-dominated feasible candidate found so far: the accuracy-latency frontier.
    public var archive: ParetoArchive<Genome, Payload>
    /// Every distinct canonical candidate evaluated, in evaluation order, when the run keeps its
    /// history; empty otherwise.
    public private(set) var evaluated: [Individual<Genome, Payload>]
    /// The infeasible candidate closest to feasibility (least violation, first seen), if any.
    public private(set) var closestInfeasible: Individual<Genome, Payload>?
    /// Evaluation counts, cache hits and the time spent, over the whole run.
    public var stats: SearchStats
    /// Keys of the most recently evaluated distinct candidates.
    public private(set) var memo: MemoWindow
    private var historyIndex: [Genome: Int]

    init(rng: SplitMix64, memoCapacity: Int) {
        generation = 0
        self.rng = rng
        population = []
        archive = ParetoArchive()
        evaluated = []
        closestInfeasible = nil
        stats = SearchStats()
        memo = MemoWindow(capacity: memoCapacity)
        historyIndex = [:]
    }

    /// Set to `true` in an encoder's or decoder's `userInfo` to leave the memo and the history out
    /// (a journaled checkpoint keeps the memo's keys in its journal).
    public static var omitsMemoKey: CodingUserInfoKey { CodingUserInfoKey(rawValue: "hao.search-state.omits-memo")! }

    enum CodingKeys: String, CodingKey {
        case generation, rng, population, archive, evaluated, stats, memo
        case memoCapacity = "memo_capacity"
        case closestInfeasible = "closest_infeasible"
    }

    /// Decodes a checkpoint; the memo and history are absent when ``omitsMemoKey`` was set on the encoder.
    /// Throws a `DecodingError` when the data is not a state of this genome and payload.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generation = try c.decode(Int.self, forKey: .generation)
        let hex = try c.decode(String.self, forKey: .rng)
        guard let restored = SplitMix64(stateHex: hex) else {
            throw DecodingError.dataCorruptedError(
                forKey: .rng, in: c, debugDescription: "random state '\(hex)' is not a 64-bit hex number")
        }
        rng = restored
        population = try c.decode([Individual<Genome, Payload>].self, forKey: .population)
        archive = try c.decode(ParetoArchive<Genome, Payload>.self, forKey: .archive)
        stats = try c.decode(SearchStats.self, forKey: .stats)
        closestInfeasible = try c.decodeIfPresent(Individual<Genome, Payload>.self, forKey: .closestInfeasible)
        let capacity = try c.decodeIfPresent(Int.self, forKey: .memoCapacity) ?? NSGA2Settings.defaultMemoCapacity
        guard capacity >= 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .memoCapacity, in: c, debugDescription: "memo capacity must be at least 1, got \(capacity)")
        }
        memo = MemoWindow(capacity: capacity)
        historyIndex = [:]
        evaluated = []
        if decoder.userInfo[Self.omitsMemoKey] as? Bool != true {
            evaluated = try c.decodeIfPresent([Individual<Genome, Payload>].self, forKey: .evaluated) ?? []
            for (i, entry) in evaluated.enumerated() { historyIndex[entry.genome] = i }
            for key in try c.decodeIfPresent([GenomeKey].self, forKey: .memo) ?? [] { memo.insert(key) }
        }
    }

    /// Encodes the state for a checkpoint, the generator as hex; leaves the memo and history out when the encoder's
    /// `userInfo` sets ``omitsMemoKey``.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generation, forKey: .generation)
        try c.encode(rng.stateHex, forKey: .rng)
        try c.encode(population, forKey: .population)
        try c.encode(archive, forKey: .archive)
        try c.encode(stats, forKey: .stats)
        try c.encodeIfPresent(closestInfeasible, forKey: .closestInfeasible)
        try c.encode(memo.capacity, forKey: .memoCapacity)
        if encoder.userInfo[Self.omitsMemoKey] as? Bool != true {
            try c.encode(evaluated, forKey: .evaluated)
            try c.encode(memo.keysInOrder, forKey: .memo)
        }
    }

    /// The recorded score of a canonical genome: from the history when kept, else from the
    /// population or the archive; nil when not held (never evaluated, or no longer held).
    public func cached(_ canonical: Genome) -> Outcome<Payload>? {
        if let i = historyIndex[canonical] { return evaluated[i].outcome }
        if let member = population.first(where: { $0.genome == canonical }) { return member.outcome }
        return archive.members.first { $0.genome == canonical }?.outcome
    }

    /// Records a fresh evaluation: its key in the memo, its score in the history when kept, and
    /// whether it is the closest infeasible candidate so far.
    mutating func record(_ canonical: Genome, key: GenomeKey, _ outcome: Outcome<Payload>, keepHistory: Bool) {
        memo.insert(key)
        if keepHistory, historyIndex[canonical] == nil {
            historyIndex[canonical] = evaluated.count
            evaluated.append(Individual(genome: canonical, outcome: outcome))
        }
        if case .infeasible(_, let v) = outcome {
            if case .infeasible(_, let best)? = closestInfeasible?.outcome, best <= v { return }
            closestInfeasible = Individual(genome: canonical, outcome: outcome)
        }
    }

    /// Puts `keys` (oldest first) back into the memo, the last of `total` insertions (default:
    /// all of them), as a journal restores it.
    public mutating func restoreMemo(_ keys: [GenomeKey], total: Int? = nil) {
        memo.restore(keys, total: total ?? keys.count)
    }
}
