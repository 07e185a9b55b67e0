/// One network's tables for the fast scan, assembled from memoised stage tables: per engine, the
/// stages' candidate-major term blocks one after another, so that candidate `c`'s terms in stage
/// `s` are `terms[e][offset[e * stages + s] + c * paths[s] + k]`, `k < paths[s]`; per engine and
/// global path, the smallest term; per engine and candidate, the sum of the stages' bounds (a
/// lower bound of the network's latency with that candidate). Resources are computed on demand
/// (most candidates are excluded by their bound before their resources matter).
///
/// The terms and floors are the same numbers as ``SubgraphInstance``'s tables (a test checks it
/// entry by entry), laid out per stage instead of per candidate.
struct FastTables {
    let stages: Int
    /// Latency floor, paths and first global path index of each stage.
    let floors: [Int]
    let paths: [Int]
    let pathStart: [Int]
    /// Total paths.
    let totalPaths: Int
    /// `offset[e * stages + s]`: where stage `s`'s block starts in `terms[e]`.
    let offset: [Int]
    /// Per engine: the terms, the smallest term per global path, the bound per candidate.
    let terms: [[Int]]
    let minimum: [[Int]]
    let bound: [[Int]]
    /// Candidates per engine.
    let counts: [Int]
    /// Resources outside the engines, and the usable budget.
    let fixed: Resources
    let budget: Resources

    /// Tables of the stages `entries` (in execution order).
    init(entries: [StageTerms], counts: [Int], fixed: Resources, budget: Resources) {
        stages = entries.count
        floors = entries.map(\.floor)
        paths = entries.map(\.paths)
        var start: [Int] = []
        start.reserveCapacity(entries.count)
        var total = 0
        for entry in entries {
            start.append(total)
            total += entry.paths
        }
        pathStart = start
        totalPaths = total
        self.counts = counts
        var offset: [Int] = []
        var terms: [[Int]] = []
        var minimum: [[Int]] = []
        var bound: [[Int]] = []
        for e in counts.indices {
            var table: [Int] = []
            var mins: [Int] = []
            table.reserveCapacity(total * counts[e])
            mins.reserveCapacity(total)
            var sums = [Int](repeating: 0, count: counts[e])
            for entry in entries {
                offset.append(table.count)
                table += entry.terms[e]
                mins += entry.minimum[e]
                entry.bound[e].withUnsafeBufferPointer { b in
                    for c in sums.indices { sums[c] += b[c] }
                }
            }
            terms.append(table)
            minimum.append(mins)
            bound.append(sums)
        }
        self.offset = offset
        self.terms = terms
        self.minimum = minimum
        self.bound = bound
        self.fixed = fixed
        self.budget = budget
    }

    /// Engine `e`'s term of candidate `c` in path `k` of stage `s`.
    @inline(__always) func term(_ e: Int, _ c: Int, _ s: Int, _ k: Int) -> Int {
        terms[e][offset[e * stages + s] + c * paths[s] + k]
    }
}
