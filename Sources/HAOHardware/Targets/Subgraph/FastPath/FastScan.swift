/// The fast exact least-latency search over one network's ``FastTables``.
///
/// Latency is a sum over stages of `max(floor, max over paths of the three engines' terms)`, so
/// with the other two engines at their smallest terms every candidate has a lower bound, and every
/// (expand, depthwise) pair one with the smallest project terms. The search:
///
/// 1. drops candidates that cannot fit even with the other engines' cheapest ones;
/// 2. takes the best of the incumbents (recent optima of other networks, and the triple of
///    per-engine best bounds) as the bound U;
/// 3. scans the pairs whose bound is below U in bound order, and their project candidates in bound
///    order, each triple's sum stopping as soon as it reaches U (phase 1: the optimum's value L);
/// 4. returns the first triple in (expand, depthwise, project) index order whose latency is L
///    (phase 2), so the answer is the one exhaustive enumeration returns whatever the incumbents
///    were: results never depend on what other networks were evaluated before.
///
/// Nothing that could be strictly better (phase 1) or an earlier optimum (phase 2) is ever skipped.
struct FastScan {
    let tables: FastTables

    /// The result: the chosen candidate indices, the latency, triples evaluated, and whether an
    /// incumbent from the pool was already optimal.
    struct Result {
        var choice: [Int]?
        var latency: Int
        var evaluated: Int
        var incumbentWasOptimal: Bool
    }

    func solve(incumbents: [[Int]]) -> Result {
        let t = tables
        guard t.counts.allSatisfy({ $0 > 0 }) else { return Result(choice: nil, latency: 0, evaluated: 0, incumbentWasOptimal: false) }
        let feasible = fittingCandidates()
        guard feasible.allSatisfy({ !$0.isEmpty }) else { return Result(choice: nil, latency: 0, evaluated: 0, incumbentWasOptimal: false) }
        let lower = lowerBounds(over: feasible)
        var evaluated = 0
        var best: [Int]? = nil
        var bound = Int.max
        var partial = [Int](repeating: 0, count: t.totalPaths)
        // Incumbents: recent optima, then the triple of best per-engine bounds.
        let isFeasible = (0..<3).map { e -> [Bool] in
            var flags = [Bool](repeating: false, count: t.counts[e])
            for c in feasible[e] { flags[c] = true }
            return flags
        }
        var poolBest = Int.max
        let argmin = (0..<3).map { e in feasible[e].min { (lower[e][$0], $0) < (lower[e][$1], $1) }! }
        for (i, choice) in (incumbents + [argmin]).enumerated() {
            guard choice.count == 3, (0..<3).allSatisfy({ choice[$0] >= 0 && choice[$0] < isFeasible[$0].count && isFeasible[$0][choice[$0]] }),
                  fits(choice[0], choice[1], choice[2]) else { continue }
            fillPartial(&partial, choice[0], choice[1])
            evaluated += 1
            if let value = latency(partial, project: choice[2], atMost: bound == Int.max ? Int.max : bound - 1) {
                bound = value
                best = choice
            }
            if i < incumbents.count { poolBest = min(poolBest, bound) }
        }
        // Phase 1: the optimal value.
        evaluated += improve(&bound, &best, feasible: feasible, lower: lower, partial: &partial)
        guard best != nil else { return Result(choice: nil, latency: 0, evaluated: evaluated, incumbentWasOptimal: false) }
        // Phase 2: the first optimal triple in index order.
        let (first, count) = firstOptimal(value: bound, feasible: feasible, lower: lower, partial: &partial)
        return Result(choice: first, latency: bound, evaluated: evaluated + count, incumbentWasOptimal: poolBest == bound)
    }

    // MARK: - Resources

    /// Per engine, the candidates that fit with the other engines' element-wise cheapest.
    func fittingCandidates() -> [[Int]] {
        let t = tables
        let cheapest = t.resources.map { list in list.dropFirst().reduce(list[0]) { $0.elementwiseMin($1) } }
        return (0..<3).map { e in
            let others = (0..<3).filter { $0 != e }.reduce(t.fixed) { $0 + cheapest[$1] }
            return t.resources[e].indices.filter { (others + t.resources[e][$0]).fits(in: t.budget) }
        }
    }

    @inline(__always) func fits(_ e: Int, _ d: Int, _ p: Int) -> Bool {
        let r = tables.resources
        return (tables.fixed + r[0][e] + r[1][d] + r[2][p]).fits(in: tables.budget)
    }

    func cheapest(_ e: Int, among set: [Int]) -> Resources {
        set.dropFirst().reduce(tables.resources[e][set[0]]) { $0.elementwiseMin(tables.resources[e][$1]) }
    }

    // MARK: - Bounds

    /// Per path, the smallest term of engine `e` over `set`.
    func minimumTerms(_ e: Int, over set: [Int]) -> [Int] {
        let t = tables
        var result = [Int](repeating: Int.max, count: t.totalPaths)
        t.terms[e].withUnsafeBufferPointer { terms in
            for s in t.floors.indices {
                let n = t.paths[s], base = t.offset[e][s], g = t.pathStart[s]
                for c in set {
                    let row = base + c * n
                    for k in 0..<n where terms[row + k] < result[g + k] { result[g + k] = terms[row + k] }
                }
            }
        }
        return result
    }

    /// Per engine, per candidate (of `feasible`), the latency with the other two engines at their
    /// smallest terms over `feasible`: a lower bound of every triple using the candidate.
    func lowerBounds(over feasible: [[Int]]) -> [[Int]] {
        let t = tables
        let minimum = (0..<3).map { minimumTerms($0, over: feasible[$0]) }
        return (0..<3).map { e in
            let others = (0..<3).filter { $0 != e }
            var rest = [Int](repeating: 0, count: t.totalPaths)
            for g in 0..<t.totalPaths { rest[g] = minimum[others[0]][g] + minimum[others[1]][g] }
            var bounds = [Int](repeating: Int.max, count: t.counts[e])
            t.terms[e].withUnsafeBufferPointer { terms in
                for c in feasible[e] {
                    var sum = 0
                    for s in t.floors.indices {
                        let n = t.paths[s], row = t.offset[e][s] + c * n, g = t.pathStart[s]
                        var m = t.floors[s]
                        for k in 0..<n { m = max(m, terms[row + k] + rest[g + k]) }
                        sum += m
                    }
                    bounds[c] = sum
                }
            }
            return bounds
        }
    }

    // MARK: - Latency

    /// `partial[g]`: expand `e`'s plus depthwise `d`'s term in every path.
    func fillPartial(_ partial: inout [Int], _ e: Int, _ d: Int) {
        let t = tables
        t.terms[0].withUnsafeBufferPointer { t0 in
            t.terms[1].withUnsafeBufferPointer { t1 in
                partial.withUnsafeMutableBufferPointer { out in
                    for s in t.floors.indices {
                        let n = t.paths[s], a = t.offset[0][s] + e * n, b = t.offset[1][s] + d * n, g = t.pathStart[s]
                        for k in 0..<n { out[g + k] = t0[a + k] + t1[b + k] }
                    }
                }
            }
        }
    }

    /// The latency of the pair in `partial` with project candidate `p` (or, with `minimum`, the
    /// smallest project terms), or nil as soon as it exceeds `limit`.
    func latency(_ partial: [Int], project p: Int, atMost limit: Int) -> Int? {
        let t = tables
        return t.terms[2].withUnsafeBufferPointer { t2 -> Int? in
            partial.withUnsafeBufferPointer { sums -> Int? in
                var total = 0
                for s in t.floors.indices {
                    let n = t.paths[s], row = t.offset[2][s] + p * n, g = t.pathStart[s]
                    var m = t.floors[s]
                    for k in 0..<n { m = max(m, sums[g + k] + t2[row + k]) }
                    total += m
                    if total > limit { return nil }
                }
                return total
            }
        }
    }

    /// The pair's bound with the smallest project terms `minimum` (per path), or nil above `limit`.
    func pairBound(_ partial: [Int], minimum: [Int], atMost limit: Int) -> Int? {
        let t = tables
        var total = 0
        for s in t.floors.indices {
            let n = t.paths[s], g = t.pathStart[s]
            var m = t.floors[s]
            for k in 0..<n { m = max(m, partial[g + k] + minimum[g + k]) }
            total += m
            if total > limit { return nil }
        }
        return total
    }

    // MARK: - Phase 1

    /// Scans for triples strictly below `bound`, lowering it; returns the triples evaluated.
    func improve(_ bound: inout Int, _ best: inout [Int]?, feasible: [[Int]], lower: [[Int]], partial: inout [Int]) -> Int {
        let below = (0..<3).map { e in feasible[e].filter { lower[e][$0] < bound }.sorted { (lower[e][$0], $0) < (lower[e][$1], $1) } }
        guard below.allSatisfy({ !$0.isEmpty }) else { return 0 }
        let minimumProject = minimumTerms(2, over: below[2])
        let cheapestProject = cheapest(2, among: below[2])
        let r = tables.resources
        var pairs: [(bound: Int, e: Int, d: Int)] = []
        for e in below[0] {
            let re = tables.fixed + r[0][e]
            for d in below[1] where (re + r[1][d] + cheapestProject).fits(in: tables.budget) {
                fillPartial(&partial, e, d)
                if let b = pairBound(partial, minimum: minimumProject, atMost: bound == Int.max ? Int.max : bound - 1) {
                    pairs.append((b, e, d))
                }
            }
        }
        pairs.sort { ($0.bound, $0.e, $0.d) < ($1.bound, $1.e, $1.d) }
        var evaluated = 0
        for pair in pairs {
            if pair.bound >= bound { break }
            let red = tables.fixed + r[0][pair.e] + r[1][pair.d]
            fillPartial(&partial, pair.e, pair.d)
            for p in below[2] {
                if lower[2][p] >= bound { break }
                guard (red + r[2][p]).fits(in: tables.budget) else { continue }
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
    func firstOptimal(value: Int, feasible: [[Int]], lower: [[Int]], partial: inout [Int]) -> ([Int]?, Int) {
        let within = (0..<3).map { e in feasible[e].filter { lower[e][$0] <= value } }
        guard within.allSatisfy({ !$0.isEmpty }) else { return (nil, 0) }
        let minimumProject = minimumTerms(2, over: within[2])
        let cheapestDepthwise = cheapest(1, among: within[1]), cheapestProject = cheapest(2, among: within[2])
        let r = tables.resources
        var evaluated = 0
        for e in within[0] {
            let re = tables.fixed + r[0][e]
            guard (re + cheapestDepthwise + cheapestProject).fits(in: tables.budget) else { continue }
            for d in within[1] {
                let red = re + r[1][d]
                guard (red + cheapestProject).fits(in: tables.budget) else { continue }
                fillPartial(&partial, e, d)
                guard pairBound(partial, minimum: minimumProject, atMost: value) != nil else { continue }
                for p in within[2] where (red + r[2][p]).fits(in: tables.budget) {
                    evaluated += 1
                    if latency(partial, project: p, atMost: value) != nil { return ([e, d, p], evaluated) }
                }
            }
        }
        return (nil, evaluated)
    }
}
