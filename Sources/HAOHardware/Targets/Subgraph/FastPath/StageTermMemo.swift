import Synchronization

/// One stage's tables as the cost model computes them, and what the fast scan derives from them
/// once per stage shape instead of once per network:
///
/// - `terms[e][c * paths + k]`: engine `e`'s candidate `c`'s term in path `k` (candidate-major);
/// - `minimum[e][k]`: engine `e`'s smallest term in path `k` over all its candidates;
/// - `bound[e][c]`: the stage's latency with candidate `c` on engine `e` and the other two engines
///   at their smallest terms in every path, `max(floor, max_k (terms[e][c,k] + sum of the others'
///   minimum[k]))`. Summed over a network's stages it is a lower bound of every configuration using `c`.
final class StageTerms: Sendable {
    /// Latency paths of the stage.
    let paths: Int
    /// The stage's latency floor (its DDR time).
    let floor: Int
    /// Per engine, candidate-major terms.
    let terms: [[Int]]
    /// Per engine, per path, the smallest term.
    let minimum: [[Int]]
    /// Per engine, per candidate, the stage's latency bound.
    let bound: [[Int]]

    init(paths: Int, floor: Int, terms: [[Int]]) {
        self.paths = paths
        self.floor = floor
        self.terms = terms
        let minimum = terms.map { table -> [Int] in
            var m = [Int](repeating: Int.max, count: paths)
            for (i, t) in table.enumerated() where t < m[i % paths] { m[i % paths] = t }
            // An engine without candidates (none today) adds nothing to the others' bounds.
            return m.map { $0 == Int.max ? 0 : $0 }
        }
        self.minimum = minimum
        bound = terms.indices.map { e in
            let rest = (0..<paths).map { k in minimum.indices.reduce(0) { $1 == e ? $0 : $0 + minimum[$1][k] } }
            let count = paths == 0 ? 0 : terms[e].count / paths
            return (0..<count).map { c in
                var m = floor
                for k in 0..<paths { m = max(m, terms[e][c * paths + k] + rest[k]) }
                return m
            }
        }
    }
}

/// The fast evaluator's memo of stage tables, shared by every thread of a search.
///
/// Bounded: it holds at most ``capacity`` entries (each about 8 KB with the default candidate
/// sets: 266 candidates x up to 3 paths of terms plus 266 bounds, 8 bytes each), and is emptied
/// when full, so a long search holds at most `capacity` x 8 KB (32 MB at the default 4,096; the
/// default search meets about 1,200 distinct stages, so it is never emptied there).
final class StageTermMemo: Sendable {
    private struct Store {
        var entries: [StageKey: StageTerms] = [:]
        var hits = 0
        var misses = 0
        var resets = 0
    }
    private let store = Mutex(Store())
    /// Most entries held at once.
    let capacity: Int

    init(capacity: Int = 4096) {
        precondition(capacity >= 1, "a memo holds at least one entry")
        self.capacity = capacity
    }

    /// The entries of `keys` (nil where absent), looked up under one lock.
    func lookUp(_ keys: [StageKey]) -> [StageTerms?] {
        store.withLock { s in
            let found = keys.map { s.entries[$0] }
            let hits = found.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            s.hits += hits
            s.misses += keys.count - hits
            return found
        }
    }

    /// Stores newly computed entries, emptying the memo first when they would not fit.
    func insert(_ new: [(StageKey, StageTerms)]) {
        guard !new.isEmpty else { return }
        store.withLock { s in
            if s.entries.count + new.count > capacity {
                s.entries.removeAll(keepingCapacity: true)
                s.resets += 1
            }
            for (key, entry) in new.prefix(capacity) { s.entries[key] = entry }
        }
    }

    /// (hits, misses, entries, resets).
    var counters: (hits: Int, misses: Int, entries: Int, resets: Int) {
        store.withLock { ($0.hits, $0.misses, $0.entries.count, $0.resets) }
    }
}

/// The most recent distinct optimal configurations (as candidate index triples), tried first as
/// incumbents: a child's optimum is usually its parent's or a recent one.
final class IncumbentPool: Sendable {
    private let recent = Mutex<[[Int]]>([])
    /// How many are kept.
    let size: Int

    init(size: Int = 16) { self.size = size }

    /// The pool, most recent first.
    var snapshot: [[Int]] { recent.withLock { $0 } }

    /// Records an optimum (moves it to the front if present).
    func record(_ choice: [Int]) {
        recent.withLock { r in
            if let i = r.firstIndex(of: choice) {
                if i == 0 { return }
                r.remove(at: i)
            }
            r.insert(choice, at: 0)
            if r.count > size { r.removeLast() }
        }
    }
}
