import HAONetwork

/// The accelerator-configuration problem as tables, shared by the integer program, the native
/// solver and the exhaustive enumerator, so all three solve exactly the same thing.
///
/// For engine `e` and candidate `c`, `terms[e][c * pathCount + k]` is the engine's term in the
/// latency path `k` (flattened over stages; `pathStage[k]` is its stage). A stage's latency is
/// `max(memoryCycles[s], max over its paths of the sum over engines of their terms)`; the
/// network's latency is the sum over stages. All in integer clock cycles. A stage's fixed overhead
/// (``SubgraphCostModel/overheadCycles(_:at:)``, zero in the uncalibrated model) is in both its
/// floor `memoryCycles[s]` and the expand engine's terms, which adds it to the stage exactly once.
public struct SubgraphInstance: Sendable {
    /// Each stage's name for reports and program rows ("stem", "block 3", "head conv", ...), indexed like ``memoryCycles``.
    public var stageNames: [String]
    /// Each stage's latency floor: its DDR time plus its fixed overhead.
    public var memoryCycles: [Int]
    /// The stage of each latency path `k` (an index into ``stageNames``).
    public var pathStage: [Int]
    /// The number of latency paths over all stages (the length of ``pathStage``).
    public var pathCount: Int { pathStage.count }
    /// Candidates per engine (index 0 expand, 1 depthwise, 2 project).
    public var candidates: [[EngineConfiguration]]
    /// Resources of each candidate, `resources[e][c]` for candidate c of engine e, parallel to ``candidates``.
    public var resources: [[Resources]]
    /// Latency terms in clock cycles, `terms[e][c * pathCount + k]`: candidate c of engine e in path k (see the type's overview).
    public var terms: [[Int]]
    /// Resources outside the engines.
    public var fixed: Resources
    /// Usable budget (device totals under the utilisation cap).
    public var budget: Resources
    /// For each engine and candidate, its index in the unpruned candidate list.
    public var originalIndex: [[Int]]

    /// Builds the tables from a cost model under `budget`.
    public init(model: SubgraphCostModel, budget: Resources) {
        stageNames = model.stages.map(\.name)
        memoryCycles = model.stages.enumerated().map { model.floorCycles($1, at: $0) }
        var pathStage: [Int] = []
        for (s, stage) in model.stages.enumerated() {
            pathStage += Array(repeating: s, count: model.pathCount(stage))
        }
        self.pathStage = pathStage
        var candidates: [[EngineConfiguration]] = []
        var resources: [[Resources]] = []
        var terms: [[Int]] = []
        let stages = model.stages
        var offset = [Int](repeating: 0, count: stages.count)
        for s in stages.indices.dropFirst() { offset[s] = offset[s - 1] + model.pathCount(stages[s - 1]) }
        let n = pathStage.count
        for kind in EngineKind.allCases {
            let list = model.candidates(kind)
            candidates.append(list)
            resources.append(list.map { model.resources($0) })
            var table = [Int](repeating: 0, count: list.count * n)
            table.withUnsafeMutableBufferPointer { t in
                for (s, stage) in stages.enumerated() {
                    for (c, config) in list.enumerated() {
                        let values = model.stageTermValues(stage, at: s, config)
                        let base = c * n + offset[s]
                        for k in 0..<values.count { t[base + k] = values[k] }
                    }
                }
            }
            terms.append(table)
        }
        self.candidates = candidates
        self.resources = resources
        self.terms = terms
        fixed = model.fixedResources
        self.budget = budget
        originalIndex = candidates.map { Array($0.indices) }
    }

    /// Builds an instance directly from tables (tests and synthetic benchmarks).
    public init(
        stageNames: [String], memoryCycles: [Int], pathStage: [Int], candidates: [[EngineConfiguration]],
        resources: [[Resources]], terms: [[Int]], fixed: Resources, budget: Resources
    ) {
        self.stageNames = stageNames
        self.memoryCycles = memoryCycles
        self.pathStage = pathStage
        self.candidates = candidates
        self.resources = resources
        self.terms = terms
        self.fixed = fixed
        self.budget = budget
        originalIndex = candidates.map { Array($0.indices) }
    }

    /// Candidates per engine.
    public var candidateCounts: [Int] { candidates.map(\.count) }

    /// Engine `e`'s term in path `k` for candidate `c`.
    @inline(__always) public func term(_ e: Int, _ c: Int, _ k: Int) -> Int { terms[e][c * pathCount + k] }

    /// Latency in cycles of the candidate triple `choice` (indices into `candidates`).
    public func latency(_ choice: [Int]) -> Int {
        var stageLatency = memoryCycles
        for k in 0..<pathCount {
            let sum = term(0, choice[0], k) + term(1, choice[1], k) + term(2, choice[2], k)
            let s = pathStage[k]
            if sum > stageLatency[s] { stageLatency[s] = sum }
        }
        return stageLatency.reduce(0, +)
    }

    /// Latency of each stage for `choice`.
    public func stageLatencies(_ choice: [Int]) -> [Int] {
        var stageLatency = memoryCycles
        for k in 0..<pathCount {
            let sum = term(0, choice[0], k) + term(1, choice[1], k) + term(2, choice[2], k)
            stageLatency[pathStage[k]] = max(stageLatency[pathStage[k]], sum)
        }
        return stageLatency
    }

    /// Total resources of `choice`, the fixed part included.
    public func totalResources(_ choice: [Int]) -> Resources {
        fixed + resources[0][choice[0]] + resources[1][choice[1]] + resources[2][choice[2]]
    }

    /// Whether `choice` fits the budget.
    public func fits(_ choice: [Int]) -> Bool { totalResources(choice).fits(in: budget) }
}

/// Which exact reductions to apply before solving. Each keeps at least one optimal solution.
public struct PruningOptions: Sendable, Hashable {
    /// Drop a candidate that cannot fit even with the cheapest candidates of the other engines.
    public var resourceInfeasible: Bool
    /// Drop a candidate when another of the same engine is no slower in every latency path and
    /// no costlier in every resource (of identical candidates, keep the first).
    public var dominance: Bool

    /// Options with each reduction on or off; by default both are on.
    public init(resourceInfeasible: Bool = true, dominance: Bool = true) {
        self.resourceInfeasible = resourceInfeasible
        self.dominance = dominance
    }
    /// Every reduction on: the default for solving.
    public static let all = PruningOptions()
    /// No reduction: the unpruned instance, for cross-checks that pruning kept an optimum.
    public static let none = PruningOptions(resourceInfeasible: false, dominance: false)
}

extension SubgraphInstance {
    /// The instance with candidates removed per `options`; `originalIndex` maps back.
    public func pruned(_ options: PruningOptions) -> SubgraphInstance {
        let engines = EngineKind.allCases.map(\.index)
        var keep: [[Int]] = candidates.map { Array($0.indices) }
        if options.resourceInfeasible {
            let minimum = engines.map { cheapest(resources[$0]) }
            for e in engines {
                let others = engines.filter { $0 != e }.reduce(fixed) { $0 + minimum[$1] }
                keep[e] = keep[e].filter { (others + resources[e][$0]).fits(in: budget) }
            }
        }
        if options.dominance {
            for e in engines { keep[e] = undominated(e, keep[e]) }
        }
        var result = self
        for e in engines {
            result.candidates[e] = keep[e].map { candidates[e][$0] }
            result.resources[e] = keep[e].map { resources[e][$0] }
            var table: [Int] = []
            table.reserveCapacity(keep[e].count * pathCount)
            for c in keep[e] { table += terms[e][(c * pathCount)..<((c + 1) * pathCount)] }
            result.terms[e] = table
            result.originalIndex[e] = keep[e].map { originalIndex[e][$0] }
        }
        return result
    }

    /// The element-wise least of each resource over `list` (zero for an empty list).
    func cheapest(_ list: [Resources]) -> Resources {
        guard let first = list.first else { return .zero }
        return list.dropFirst().reduce(first) { $0.elementwiseMin($1) }
    }

    private func undominated(_ e: Int, _ indices: [Int]) -> [Int] {
        let n = pathCount
        let table = terms[e]
        let resource = resources[e]
        // A candidate no slower in every path has a total no larger: a cheap test first.
        let totals = (0..<candidates[e].count).map { c in (0..<n).reduce(0) { $0 + table[c * n + $1] } }
        return table.withUnsafeBufferPointer { t in
            // b is no worse than a: no costlier in any resource and no slower in any path.
            func noWorse(_ b: Int, _ a: Int) -> Bool {
                guard totals[b] <= totals[a] else { return false }
                let rb = resource[b]
                let ra = resource[a]
                guard rb.dsp <= ra.dsp, rb.bram18 <= ra.bram18, rb.lut <= ra.lut, rb.ff <= ra.ff else { return false }
                let bb = b * n
                let ab = a * n
                for k in 0..<n where t[bb + k] > t[ab + k] { return false }
                return true
            }
            var kept: [Int] = []
            outer: for (i, a) in indices.enumerated() {
                for (j, b) in indices.enumerated() where j != i {
                    // b dominates a when no worse anywhere, and either strictly better somewhere or
                    // identical and earlier (so exactly one of identical candidates survives).
                    if noWorse(b, a) && (!noWorse(a, b) || j < i) { continue outer }
                }
                kept.append(a)
            }
            return kept
        }
    }
}
