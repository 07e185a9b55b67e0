/// What the subgraph configuration problem optimises, in the cost model's units (cycles).
public enum SubgraphObjective: Sendable, Hashable {
    /// Least total latency within the resource budget.
    case minimiseLatency
    /// Least weighted resource use (the fixed part included) with total latency at most
    /// `maxLatencyCycles`, within the resource budget: the inverse question.
    case minimiseResources(weights: ResourceWeights, maxLatencyCycles: Int)
}

/// The result of the native or exhaustive solver: the chosen candidate of each engine
/// (indices into the instance's candidate lists), or `nil` when nothing is feasible.
public struct NativeResult: Sendable, Hashable {
    /// The chosen candidate index of each engine (expand, depthwise, project); nil when nothing is feasible.
    public var choice: [Int]?
    /// Latency in cycles (latency mode) or weighted resources (inverse mode).
    public var objective: Double?
    /// Candidate triples whose objective was evaluated in full.
    public var evaluated: Int
}

extension SubgraphInstance {
    /// Solves exactly in pure Swift.
    ///
    /// The objective is a sum over stages of maxima of per-engine terms, so for a fixed triple
    /// it is evaluated directly. Pairs (expand, depthwise) are ordered by a lower bound that takes
    /// the smallest project term in every path (or the cheapest project candidate in inverse
    /// mode); the scan stops when the bound reaches the incumbent, and each triple's sum stops
    /// as soon as it does. Nothing is discarded that could be strictly better, so the result is optimal.
    /// Call on a ``pruned(_:)`` instance for speed; the answer is the same.
    public func solveNative(_ objective: SubgraphObjective = .minimiseLatency) -> NativeResult {
        guard candidateCounts.allSatisfy({ $0 > 0 }) else { return NativeResult(choice: nil, objective: nil, evaluated: 0) }
        let n = pathCount
        let (weights, maxLatency) = objective.parts
        var queue = PairQueue(PairBounds(self, weights: weights, maxLatency: maxLatency))
        // Project candidates in order of cost, for the inverse mode's early stop.
        var projectOrder = Array(0..<candidateCounts[2])
        if let w = weights { projectOrder.sort { w.cost(resources[2][$0]) < w.cost(resources[2][$1]) } }

        var best: Double = .infinity
        var bestChoice: [Int]? = nil
        var evaluated = 0
        var partial = [Int](repeating: 0, count: n)
        while let pair = queue.popFirst(below: best) {
            let red = fixed + resources[0][pair.e] + resources[1][pair.d]
            for k in 0..<n { partial[k] = terms[0][pair.e * n + k] + terms[1][pair.d * n + k] }
            for p in projectOrder {
                let total = red + resources[2][p]
                guard total.fits(in: budget) else { continue }
                let cost = weights?.cost(total)
                if let cost, cost >= best { break }  // sorted by cost: no later p is cheaper
                // Latency with an early stop once it cannot beat the incumbent (latency mode)
                // or exceeds the limit (inverse mode). A caller's limit of Int.max must not overflow the + 1.
                let cutoff = weights == nil ? (best.isFinite ? Int(best) : Int.max) : (maxLatency == Int.max ? Int.max : maxLatency + 1)
                evaluated += 1
                guard let sum = latency(partial: partial, project: p, cutoff: cutoff) else { continue }
                bestChoice = [pair.e, pair.d, p]
                if let cost {
                    best = cost
                    break
                }
                best = Double(sum)
            }
        }
        return NativeResult(choice: bestChoice, objective: bestChoice == nil ? nil : best, evaluated: evaluated)
    }

    /// An (expand, depthwise) pair with a lower bound of any triple it starts; or, with `d == -1`,
    /// an expand candidate with a lower bound of every pair it starts (expanded into its pairs
    /// only when it reaches the front of the queue).
    struct BoundedPair {
        var e: Int
        var d: Int
        /// Lower bound of the objective (latency, or weighted resources in inverse mode).
        var bound: Double
    }

    /// Lower bounds of expand candidates and of (expand, depthwise) pairs: the smallest depthwise
    /// and project terms in every path, the cheapest depthwise and project resources.
    struct PairBounds {
        let instance: SubgraphInstance
        let weights: ResourceWeights?
        let maxLatency: Int
        let minDepthwise: [Int], minProject: [Int]
        let cheapestDepthwise: Resources, cheapestProject: Resources
        let stageEnds: [Int]

        init(_ instance: SubgraphInstance, weights: ResourceWeights?, maxLatency: Int) {
            self.instance = instance
            self.weights = weights
            self.maxLatency = maxLatency
            let n = instance.pathCount
            func minima(_ e: Int) -> [Int] {
                var m = [Int](repeating: Int.max, count: n)
                for c in 0..<instance.candidateCounts[e] { for k in 0..<n { m[k] = min(m[k], instance.terms[e][c * n + k]) } }
                return m
            }
            minDepthwise = minima(1)
            minProject = minima(2)
            cheapestDepthwise = instance.cheapest(instance.resources[1])
            cheapestProject = instance.cheapest(instance.resources[2])
            stageEnds = instance.stagePathEnds()
        }

        /// Sum over stages of max(floor, max over the stage's paths of a[k] + b[k]).
        func latencyBound(_ a: UnsafeBufferPointer<Int>, _ b: UnsafeBufferPointer<Int>, _ bBase: Int) -> Int {
            var total = 0
            var k = 0
            for s in 0..<stageEnds.count {
                var m = instance.memoryCycles[s]
                let end = stageEnds[s]
                while k < end {
                    let v = a[k] + b[bBase + k]
                    if v > m { m = v }
                    k += 1
                }
                total += m
            }
            return total
        }

        /// Every expand candidate that can fit with the cheapest others (and meet the latency limit
        /// with their smallest terms), with its bound.
        func expandNodes() -> [BoundedPair] {
            let n = instance.pathCount
            var nodes: [BoundedPair] = []
            var plus = [Int](repeating: 0, count: n)
            for k in 0..<n { plus[k] = minDepthwise[k] + minProject[k] }
            instance.terms[0].withUnsafeBufferPointer { t in
                plus.withUnsafeBufferPointer { p in
                    for e in 0..<instance.candidateCounts[0] {
                        let r = instance.fixed + instance.resources[0][e] + cheapestDepthwise + cheapestProject
                        guard r.fits(in: instance.budget) else { continue }
                        let latency = latencyBound(p, t, e * n)
                        if latency > maxLatency { continue }
                        nodes.append(BoundedPair(e: e, d: -1, bound: weights.map { $0.cost(r) } ?? Double(latency)))
                    }
                }
            }
            return nodes
        }

        /// The pairs of expand candidate `e` that can fit with the cheapest project candidate and
        /// meet the latency limit with the smallest project terms, with their bounds.
        func pairs(of e: Int) -> [BoundedPair] {
            let n = instance.pathCount
            var result: [BoundedPair] = []
            var plus = [Int](repeating: 0, count: n)
            for k in 0..<n { plus[k] = instance.terms[0][e * n + k] + minProject[k] }
            let re = instance.fixed + instance.resources[0][e]
            instance.terms[1].withUnsafeBufferPointer { t in
                plus.withUnsafeBufferPointer { p in
                    for d in 0..<instance.candidateCounts[1] {
                        let red = re + instance.resources[1][d]
                        guard (red + cheapestProject).fits(in: instance.budget) else { continue }
                        let latency = latencyBound(p, t, d * n)
                        if latency > maxLatency { continue }
                        result.append(BoundedPair(e: e, d: d, bound: weights.map { $0.cost(red + cheapestProject) } ?? Double(latency)))
                    }
                }
            }
            return result
        }
    }

    /// Pairs in increasing order of their bound, ties in (expand, depthwise) index order, found
    /// lazily: a heap of expand candidates (bounded over all their pairs) and pairs; an expand
    /// candidate reaching the front is replaced by its pairs. A candidate's bound is at most its
    /// pairs', and it precedes pairs of equal bound, so pairs leave in exactly the order of a full
    /// sort, while the pairs of candidates whose bound reaches the incumbent are never built.
    struct PairQueue {
        private var heap: [BoundedPair]
        private let bounds: PairBounds

        init(_ bounds: PairBounds) {
            self.bounds = bounds
            heap = bounds.expandNodes()
            var i = heap.count / 2
            while i > 0 {
                i -= 1
                siftDown(i)
            }
        }

        static func precedes(_ a: BoundedPair, _ b: BoundedPair) -> Bool {
            if a.bound != b.bound { return a.bound < b.bound }
            if (a.d < 0) != (b.d < 0) { return a.d < 0 }
            return a.e != b.e ? a.e < b.e : a.d < b.d
        }

        /// The next pair whose bound is below `limit`, or nil when none is.
        mutating func popFirst(below limit: Double) -> BoundedPair? {
            while let first = heap.first, first.bound < limit {
                removeFirst()
                if first.d >= 0 { return first }
                for pair in bounds.pairs(of: first.e) { push(pair) }
            }
            return nil
        }

        private mutating func removeFirst() {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        }

        private mutating func push(_ pair: BoundedPair) {
            heap.append(pair)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.precedes(heap[i], heap[parent]) else { return }
                heap.swapAt(i, parent)
                i = parent
            }
        }

        private mutating func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < heap.count && Self.precedes(heap[l], heap[m]) { m = l }
                if r < heap.count && Self.precedes(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    /// For each stage, the index after its last path (paths grouped by stage, in stage order).
    func stagePathEnds() -> [Int] {
        var ends = [Int](repeating: 0, count: memoryCycles.count)
        var k = 0
        for s in ends.indices {
            while k < pathCount && pathStage[k] == s { k += 1 }
            ends[s] = k
        }
        precondition(k == pathCount, "paths are not grouped by stage in stage order")
        return ends
    }

    /// The latency of a pair's path sums `partial` with project candidate `p`, or nil as soon as
    /// it reaches `cutoff`.
    func latency(partial: [Int], project p: Int, cutoff: Int) -> Int? {
        let n = pathCount
        var sum = 0
        var current = memoryCycles[pathStage[0]]
        var stage = pathStage[0]
        let base = p * n
        for k in 0..<n {
            let s = pathStage[k]
            if s != stage {
                sum += current
                // Stages without paths (none today) still count their memory bound.
                for skipped in (stage + 1)..<s { sum += memoryCycles[skipped] }
                if sum >= cutoff { return nil }
                stage = s
                current = memoryCycles[s]
            }
            let v = partial[k] + terms[2][base + k]
            if v > current { current = v }
        }
        sum += current
        for skipped in (stage + 1)..<memoryCycles.count { sum += memoryCycles[skipped] }
        return sum < cutoff ? sum : nil
    }

    /// Evaluates every candidate triple: the reference the other solvers are checked against.
    public func solveExhaustive(_ objective: SubgraphObjective = .minimiseLatency) -> NativeResult {
        var best: Double = .infinity
        var bestChoice: [Int]? = nil
        var evaluated = 0
        let counts = candidateCounts
        for e in 0..<counts[0] {
            for d in 0..<counts[1] {
                for p in 0..<counts[2] {
                    let choice = [e, d, p]
                    guard fits(choice) else { continue }
                    evaluated += 1
                    let latency = self.latency(choice)
                    let value: Double
                    switch objective {
                    case .minimiseLatency: value = Double(latency)
                    case .minimiseResources(let w, let limit):
                        guard latency <= limit else { continue }
                        value = w.cost(totalResources(choice))
                    }
                    if value < best {
                        best = value
                        bestChoice = choice
                    }
                }
            }
        }
        return NativeResult(choice: bestChoice, objective: bestChoice == nil ? nil : best, evaluated: evaluated)
    }
}

extension SubgraphObjective {
    /// The resource weights (nil when minimising latency) and the latency limit (Int.max when none).
    var parts: (weights: ResourceWeights?, maxLatency: Int) {
        switch self {
        case .minimiseLatency: return (nil, Int.max)
        case .minimiseResources(let w, let limit): return (w, limit)
        }
    }
}
