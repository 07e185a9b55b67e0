/// The fast exact least-latency search over one network's ``FastTables``.
///
/// Latency is a sum over stages of `max(floor, max over paths of the three engines' terms)`, so
/// with the other two engines at their smallest terms every candidate has a lower bound (the
/// tables' `bound`), and every (expand, depthwise) pair one with the smallest project terms.
/// The search:
///
/// 1. takes the best of the incumbents (recent optima of other networks, and the triple of
///    per-engine least bounds) that fit the budget as the bound U;
/// 2. keeps the candidates whose bound is below U and that fit with the other engines' cheapest
///    such candidates, scans their pairs whose bound is below U in bound order, and the project
///    candidates of each in bound order, each triple's sum stopping as soon as it reaches U
///    (phase 1: the optimum's value L);
/// 3. returns the first triple in (expand, depthwise, project) index order whose latency is L
///    (phase 2), so the answer is the one exhaustive enumeration returns whatever the incumbents
///    were: results never depend on what other networks were evaluated before.
///
/// Nothing that could be strictly better (phase 1) or an earlier optimum (phase 2) is ever
/// skipped. Resources are computed only for the candidates these steps look at.
struct FastScan {
    let tables: FastTables
    let resources: ResourceCache

    /// The chosen candidate indices (nil: nothing fits), the latency, triples evaluated, and
    /// whether an incumbent from the pool was already optimal.
    struct Result {
        var choice: [Int]?
        var latency: Int
        var evaluated: Int
        var incumbentWasOptimal: Bool
    }

    func solve(incumbents: [[Int]]) -> Result {
        let t = tables
        let nothing = Result(choice: nil, latency: 0, evaluated: 0, incumbentWasOptimal: false)
        guard t.counts.allSatisfy({ $0 > 0 }) else { return nothing }
        var partial = [Int](repeating: 0, count: t.totalPaths)
        var evaluated = 0
        var best: [Int]? = nil
        var bound = Int.max
        var poolBest = Int.max
        let argmin = (0..<3).map { e in t.bound[e].indices.min { (t.bound[e][$0], $0) < (t.bound[e][$1], $1) }! }
        for (i, choice) in (incumbents + [argmin]).enumerated() {
            if i == incumbents.count { poolBest = bound }
            guard choice.count == 3,
                (0..<3).allSatisfy({ choice[$0] >= 0 && choice[$0] < t.counts[$0] && t.bound[$0][choice[$0]] < bound }),
                fits(choice[0], choice[1], choice[2])
            else { continue }
            fillPartial(&partial, choice[0], choice[1])
            evaluated += 1
            if let value = latency(partial, project: choice[2], atMost: bound == Int.max ? Int.max : bound - 1) {
                bound = value
                best = choice
            }
        }
        evaluated += improve(&bound, &best, partial: &partial)
        guard best != nil else { return Result(choice: nil, latency: 0, evaluated: evaluated, incumbentWasOptimal: false) }
        let (first, count) = firstOptimal(value: bound, partial: &partial)
        return Result(choice: first, latency: bound, evaluated: evaluated + count, incumbentWasOptimal: poolBest == bound)
    }

    // MARK: - Resources

    @inline(__always) func fits(_ e: Int, _ d: Int, _ p: Int) -> Bool {
        (tables.fixed + resources.get(0, e) + resources.get(1, d) + resources.get(2, p)).fits(in: tables.budget)
    }

    /// Per engine, the candidates of `sets` that fit with the other engines' element-wise cheapest
    /// candidates of `sets`, and those cheapest resources (recomputed over what is kept).
    func fitting(_ sets: [[Int]]) -> (kept: [[Int]], cheapest: [Resources]) {
        func cheapest(_ e: Int, _ set: [Int]) -> Resources {
            set.dropFirst().reduce(resources.get(e, set[0])) { $0.elementwiseMin(resources.get(e, $1)) }
        }
        guard sets.allSatisfy({ !$0.isEmpty }) else { return (sets.map { _ in [] }, []) }
        let least = (0..<3).map { cheapest($0, sets[$0]) }
        let kept = (0..<3).map { e -> [Int] in
            let others = (0..<3).filter { $0 != e }.reduce(tables.fixed) { $0 + least[$1] }
            return sets[e].filter { (others + resources.get(e, $0)).fits(in: tables.budget) }
        }
        guard kept.allSatisfy({ !$0.isEmpty }) else { return (kept, []) }
        return (kept, (0..<3).map { cheapest($0, kept[$0]) })
    }

    // MARK: - Latency

    /// Per global path, the smallest project term over `set`.
    func minimumProject(over set: [Int]) -> [Int] {
        let t = tables
        var result = [Int](repeating: Int.max, count: t.totalPaths)
        t.terms[2].withUnsafeBufferPointer { terms in
            result.withUnsafeMutableBufferPointer { out in
                for s in 0..<t.stages {
                    let n = t.paths[s]
                    let base = t.offset[2 * t.stages + s]
                    let g = t.pathStart[s]
                    for c in set {
                        let row = base + c * n
                        for k in 0..<n where terms[row + k] < out[g + k] { out[g + k] = terms[row + k] }
                    }
                }
            }
        }
        return result
    }

    /// `partial[g]`: expand `e`'s plus depthwise `d`'s term in every path.
    func fillPartial(_ partial: inout [Int], _ e: Int, _ d: Int) {
        let t = tables
        t.terms[0].withUnsafeBufferPointer { t0 in
            t.terms[1].withUnsafeBufferPointer { t1 in
                partial.withUnsafeMutableBufferPointer { out in
                    for s in 0..<t.stages {
                        let n = t.paths[s]
                        let a = t.offset[s] + e * n
                        let b = t.offset[t.stages + s] + d * n
                        let g = t.pathStart[s]
                        for k in 0..<n { out[g + k] = t0[a + k] + t1[b + k] }
                    }
                }
            }
        }
    }

    /// The latency of the pair in `partial` with project candidate `p`, or nil as soon as it
    /// exceeds `limit`.
    func latency(_ partial: [Int], project p: Int, atMost limit: Int) -> Int? {
        let t = tables
        return t.terms[2].withUnsafeBufferPointer { t2 -> Int? in
            partial.withUnsafeBufferPointer { sums -> Int? in
                var total = 0
                for s in 0..<t.stages {
                    let n = t.paths[s]
                    let row = t.offset[2 * t.stages + s] + p * n
                    let g = t.pathStart[s]
                    var m = t.floors[s]
                    for k in 0..<n { m = max(m, sums[g + k] + t2[row + k]) }
                    total += m
                    if total > limit { return nil }
                }
                return total
            }
        }
    }

    /// The bound of pair (e, d) with the smallest project terms `minimum`, or nil above `limit`.
    func pairBound(_ e: Int, _ d: Int, minimum: [Int], atMost limit: Int) -> Int? {
        let t = tables
        return t.terms[0].withUnsafeBufferPointer { t0 -> Int? in
            t.terms[1].withUnsafeBufferPointer { t1 -> Int? in
                minimum.withUnsafeBufferPointer { m2 -> Int? in
                    var total = 0
                    for s in 0..<t.stages {
                        let n = t.paths[s]
                        let a = t.offset[s] + e * n
                        let b = t.offset[t.stages + s] + d * n
                        let g = t.pathStart[s]
                        var m = t.floors[s]
                        for k in 0..<n { m = max(m, t0[a + k] + t1[b + k] + m2[g + k]) }
                        total += m
                        if total > limit { return nil }
                    }
                    return total
                }
            }
        }
    }

    // MARK: - Phase 1

    /// Scans for triples strictly below `bound`, lowering it; returns the triples evaluated.
    func improve(_ bound: inout Int, _ best: inout [Int]?, partial: inout [Int]) -> Int {
        let lower = tables.bound
        let limit = bound
        let (kept, cheapest) = fitting((0..<3).map { e in lower[e].indices.filter { lower[e][$0] < limit } })
        guard !cheapest.isEmpty else { return 0 }
        let order = (0..<3).map { e in kept[e].sorted { (lower[e][$0], $0) < (lower[e][$1], $1) } }
        let minimumProject = self.minimumProject(over: kept[2])
        var pairs: [(bound: Int, e: Int, d: Int)] = []
        for e in order[0] {
            let re = tables.fixed + resources.get(0, e)
            for d in order[1] where (re + resources.get(1, d) + cheapest[2]).fits(in: tables.budget) {
                if let b = pairBound(e, d, minimum: minimumProject, atMost: bound == Int.max ? Int.max : bound - 1) {
                    pairs.append((b, e, d))
                }
            }
        }
        pairs.sort { ($0.bound, $0.e, $0.d) < ($1.bound, $1.e, $1.d) }
        var evaluated = 0
        for pair in pairs {
            if pair.bound >= bound { break }
            let red = tables.fixed + resources.get(0, pair.e) + resources.get(1, pair.d)
            fillPartial(&partial, pair.e, pair.d)
            for p in order[2] {
                if lower[2][p] >= bound { break }
                guard (red + resources.get(2, p)).fits(in: tables.budget) else { continue }
                evaluated += 1
                if let value = latency(partial, project: p, atMost: bound - 1) {
                    bound = value
                    best = [pair.e, pair.d, p]
                }
            }
        }
        return evaluated
    }

    // MARK: - Phase 2

    /// The first triple in index order whose latency is `value` (the optimum), and the triples evaluated.
    func firstOptimal(value: Int, partial: inout [Int]) -> ([Int]?, Int) {
        let lower = tables.bound
        let (within, cheapest) = fitting((0..<3).map { e in lower[e].indices.filter { lower[e][$0] <= value } })
        guard !cheapest.isEmpty else { return (nil, 0) }
        let minimumProject = self.minimumProject(over: within[2])
        var evaluated = 0
        for e in within[0] {
            let re = tables.fixed + resources.get(0, e)
            guard (re + cheapest[1] + cheapest[2]).fits(in: tables.budget) else { continue }
            for d in within[1] {
                let red = re + resources.get(1, d)
                guard (red + cheapest[2]).fits(in: tables.budget),
                    pairBound(e, d, minimum: minimumProject, atMost: value) != nil
                else { continue }
                fillPartial(&partial, e, d)
                for p in within[2] where (red + resources.get(2, p)).fits(in: tables.budget) {
                    evaluated += 1
                    if latency(partial, project: p, atMost: value) != nil { return ([e, d, p], evaluated) }
                }
            }
        }
        return (nil, evaluated)
    }
}

/// Engine resources computed on first use (by the cost model's own ``SubgraphCostModel/resources(_:)``).
final class ResourceCache {
    private var values: [[Resources?]]
    private let compute: (Int, Int) -> Resources

    init(counts: [Int], compute: @escaping (Int, Int) -> Resources) {
        values = counts.map { [Resources?](repeating: nil, count: $0) }
        self.compute = compute
    }

    @inline(__always) func get(_ e: Int, _ c: Int) -> Resources {
        if let known = values[e][c] { return known }
        let r = compute(e, c)
        values[e][c] = r
        return r
    }
}
