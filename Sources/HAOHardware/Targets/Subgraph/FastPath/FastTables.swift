/// One network's tables for the fast scan, assembled from memoised stage tables: per engine, the
/// stages' candidate-major term blocks one after another, so that candidate `c`'s terms in stage
/// `s` are `terms[e][offset[e][s] + c * paths[s] + k]`, `k < paths[s]`.
///
/// They hold the same numbers as ``SubgraphInstance``'s tables (a test checks it entry by entry),
/// laid out per stage instead of per candidate.
struct FastTables {
    /// Latency floor per stage.
    var floors: [Int]
    /// Paths per stage, and the index of each stage's first path among all paths.
    var paths: [Int]
    var pathStart: [Int]
    /// Total paths.
    var totalPaths: Int
    /// Per engine, per stage: where the stage's block starts in ``terms``.
    var offset: [[Int]]
    /// Per engine: the terms.
    var terms: [[Int]]
    /// Candidates per engine.
    var counts: [Int]
    /// Per engine and candidate: its resources.
    var resources: [[Resources]]
    /// Resources outside the engines, and the usable budget.
    var fixed: Resources
    var budget: Resources

    /// Tables of the stages `entries` (in execution order).
    init(entries: [StageTerms], counts: [Int], resources: [[Resources]], fixed: Resources, budget: Resources) {
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
        var offset: [[Int]] = []
        var terms: [[Int]] = []
        for e in counts.indices {
            var table: [Int] = []
            table.reserveCapacity(total * counts[e])
            var starts: [Int] = []
            starts.reserveCapacity(entries.count)
            for entry in entries {
                starts.append(table.count)
                table += entry.terms[e]
            }
            offset.append(starts)
            terms.append(table)
        }
        self.offset = offset
        self.terms = terms
        self.resources = resources
        self.fixed = fixed
        self.budget = budget
    }

    /// Engine `e`'s term of candidate `c` in path `k` of stage `s`.
    @inline(__always) func term(_ e: Int, _ c: Int, _ s: Int, _ k: Int) -> Int {
        terms[e][offset[e][s] + c * paths[s] + k]
    }
}
