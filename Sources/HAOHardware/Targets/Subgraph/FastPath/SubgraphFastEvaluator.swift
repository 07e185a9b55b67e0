import HAONetwork
import Synchronization

extension SubgraphTarget: FastEvaluatingTarget {
    /// A fast evaluator for this target's device, cap and template (docs/search.md, "Fast exact
    /// evaluation").
    public func makeFastEvaluator() -> SubgraphFastEvaluator { SubgraphFastEvaluator(target: self) }
}

/// The subgraph target's fast exact least-latency evaluator.
///
/// Per network: the cost model checks the network and lists its stages; each stage's tables come
/// from the shared memo (keyed by ``StageKey``) or, on a miss, from the cost model's own
/// ``SubgraphCostModel/pathTerms(_:_:)`` and ``SubgraphCostModel/memoryCycles(_:)``; then
/// ``FastScan`` finds the optimum, starting from the recent optima of other networks, with the
/// resources of the candidates it looks at from ``SubgraphCostModel/resources(_:)``. The answer equals the exhaustive
/// enumerator's (same value, same configuration), whatever the memo and the incumbents hold.
public struct SubgraphFastEvaluator: FastLatencyEvaluator {
    /// The target it evaluates for.
    public let target: SubgraphTarget
    let memo: StageTermMemo
    let incumbents: IncumbentPool
    private let counters: Counters

    /// An evaluator with an empty memo of at most `memoCapacity` stage entries.
    public init(target: SubgraphTarget, memoCapacity: Int = 4096) {
        self.target = target
        memo = StageTermMemo(capacity: memoCapacity)
        incumbents = IncumbentPool()
        counters = Counters()
    }

    /// The least-latency configuration of `network` within the target's budget, equal to the exhaustive enumerator's
    /// (same latency in cycles, same configuration), or infeasible. Throws ``HardwareError`` when the target cannot run `network`.
    public func leastLatency(of network: Network) throws(HardwareError) -> FastOptimum<SubgraphConfiguration> {
        try solve(network, timings: nil)
    }

    /// ``leastLatency(of:)`` with the time of each step, for the benchmarks.
    public func profiledLeastLatency(of network: Network) throws(HardwareError) -> (FastOptimum<SubgraphConfiguration>, FastPathTimings) {
        var timings = FastPathTimings()
        let optimum = try solve(network, timings: &timings)
        return (optimum, timings)
    }

    private func solve(_ network: Network, timings: UnsafeMutablePointer<FastPathTimings>?) throws(HardwareError) -> FastOptimum<
        SubgraphConfiguration
    > {
        let clock = ContinuousClock()
        let start = clock.now
        let model = try target.costModel(for: network)
        let candidates = EngineKind.allCases.map { model.candidates($0) }
        let modelled = clock.now
        let entries = stageTables(model, candidates: candidates)
        let tables = FastTables(entries: entries, counts: candidates.map(\.count), fixed: model.fixedResources, budget: target.budget)
        let tabled = clock.now
        var computedResources = 0
        let resources = ResourceCache(counts: tables.counts) { e, c in
            computedResources += 1
            return model.resources(candidates[e][c])
        }
        let result = FastScan(tables: tables, resources: resources).solve(incumbents: incumbents.snapshot)
        let scanned = clock.now
        timings?.pointee.add(
            setup: modelled - start, tables: tabled - modelled, scan: scanned - tabled, resources: computedResources,
            triples: result.evaluated)
        counters.add(evaluated: result.evaluated, incumbentWasOptimal: result.incumbentWasOptimal)
        guard let choice = result.choice else {
            return FastOptimum(configuration: nil, objective: nil, latencyMs: nil, resources: nil, evaluatedCandidates: result.evaluated)
        }
        incumbents.record(choice)
        let configuration = SubgraphConfiguration(
            expand: candidates[0][choice[0]], depthwise: candidates[1][choice[1]],
            project: candidates[2][choice[2]])
        let used = tables.fixed + resources.get(0, choice[0]) + resources.get(1, choice[1]) + resources.get(2, choice[2])
        return FastOptimum(
            configuration: configuration, objective: Double(result.latency),
            latencyMs: Double(result.latency) / (target.device.clockMHz * 1000), resources: used,
            evaluatedCandidates: result.evaluated)
    }

    /// The tables of every stage of `model`'s network: from the memo, or computed and memoised.
    func stageTables(_ model: SubgraphCostModel, candidates: [[EngineConfiguration]]) -> [StageTerms] {
        let context = EngineContext.of(model)
        let blocks = model.network.blocks
        let keys = model.stages.enumerated().map { s, stage -> StageKey in
            var residual = false
            var squeezeExcite = false
            if case .block(let b) = stage.kind {
                residual = blocks[b].hasResidual
                squeezeExcite = blocks[b].hasSqueezeExcite
            }
            return StageKey(stage: stage, isFirst: s == 0, residual: residual, squeezeExcite: squeezeExcite, context: context)
        }
        var found = memo.lookUp(keys)
        var computed: [(StageKey, StageTerms)] = []
        for (s, key) in keys.enumerated() where found[s] == nil {
            // The same shape twice in one network: compute once.
            if let earlier = computed.first(where: { $0.0 == key }) {
                found[s] = earlier.1
                continue
            }
            let entry = Self.computeTables(model, stage: s, candidates: candidates)
            found[s] = entry
            computed.append((key, entry))
        }
        memo.insert(computed)
        counters.addNetwork()
        return found.map { $0! }
    }

    /// The tables of the stage at `index`, from the cost model's own functions: the same terms and
    /// floor the integer program and the native solver use, a calibrated model's fixed overheads
    /// (launch, per stage, per layer) included. What they depend on beyond the stage's layers
    /// (whether it runs first, its layer count) is in the ``StageKey``.
    static func computeTables(_ model: SubgraphCostModel, stage index: Int, candidates: [[EngineConfiguration]]) -> StageTerms {
        let stage = model.stages[index]
        let n = model.pathCount(stage)
        let terms = candidates.map { list -> [Int] in
            var table: [Int] = []
            table.reserveCapacity(list.count * n)
            for config in list { table += model.stageTerms(stage, at: index, config) }
            return table
        }
        return StageTerms(paths: n, floor: model.floorCycles(stage, at: index), terms: terms)
    }

    /// Networks evaluated, memo hits, misses, size and resets, and candidates evaluated, since the evaluator was made.
    public var statistics: FastEvaluatorStatistics {
        var s = counters.snapshot
        let m = memo.counters
        s.memoHits = m.hits
        s.memoMisses = m.misses
        s.memoEntries = m.entries
        s.memoResets = m.resets
        s.memoCapacity = memo.capacity
        return s
    }

    private final class Counters: Sendable {
        private let value = Mutex(FastEvaluatorStatistics())
        func addNetwork() { value.withLock { $0.networks += 1 } }
        func add(evaluated: Int, incumbentWasOptimal: Bool) {
            value.withLock {
                $0.evaluatedCandidates += evaluated
                if incumbentWasOptimal { $0.incumbentWasOptimal += 1 }
            }
        }
        var snapshot: FastEvaluatorStatistics { value.withLock { $0 } }
    }
}

/// Where one fast evaluation's time went (benchmarks), summed over the evaluations it is added to.
public struct FastPathTimings: Sendable, Hashable {
    /// Checking the network and building its cost model.
    public var setup: Duration = .zero
    /// Stage keys, memo look-ups (and tables computed on misses), assembling the network's tables.
    public var tables: Duration = .zero
    /// The bounded scan, resources included.
    public var scan: Duration = .zero
    /// Engine configurations whose resources were computed, and triples evaluated.
    public var resourcesComputed = 0
    /// Candidate (expand, depthwise, project) triples evaluated by the bounded scan.
    public var triplesEvaluated = 0
    /// Evaluations added up.
    public var evaluations = 0

    /// Zero timings and counts, to add evaluations to.
    public init() {}

    mutating func add(setup: Duration, tables: Duration, scan: Duration, resources: Int, triples: Int) {
        self.setup += setup
        self.tables += tables
        self.scan += scan
        resourcesComputed += resources
        triplesEvaluated += triples
        evaluations += 1
    }

    /// Adds another sum.
    public mutating func add(_ other: FastPathTimings) {
        setup += other.setup
        tables += other.tables
        scan += other.scan
        resourcesComputed += other.resourcesComputed
        triplesEvaluated += other.triplesEvaluated
        evaluations += other.evaluations
    }
}
