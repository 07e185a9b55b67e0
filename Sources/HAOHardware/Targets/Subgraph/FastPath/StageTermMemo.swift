import Synchronization

/// One stage's tables as the cost model computes them: its latency floor and, per engine, every
/// candidate's term in each of the stage's paths (candidate-major: `terms[e][c * paths + k]`).
final class StageTerms: Sendable {
    /// Latency paths of the stage.
    let paths: Int
    /// The stage's latency floor (its DDR time).
    let floor: Int
    /// Per engine, candidate-major terms.
    let terms: [[Int]]

    init(paths: Int, floor: Int, terms: [[Int]]) {
        self.paths = paths
        self.floor = floor
        self.terms = terms
    }

    /// Bytes the entry holds (for the memo's bound).
    var bytes: Int { terms.reduce(0) { $0 + $1.count } * MemoryLayout<Int>.stride }
}

/// The fast evaluator's memo of stage tables, shared by every thread of a search.
///
/// Bounded: it holds at most ``capacity`` entries (each about 6 KB with the default candidate
/// sets: 266 candidates x up to 3 paths x 8 bytes), and is emptied when full, so a long search
/// holds at most `capacity` x 6 KB (24 MB at the default 4,096; the default search meets about
/// 1,200 distinct stages, so it is never emptied there).
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
