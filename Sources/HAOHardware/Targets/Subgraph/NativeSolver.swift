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
        let pairs = boundedPairs(weights: weights, maxLatency: maxLatency)
        // Project candidates in order of cost, for the inverse mode's early stop.
        var projectOrder = Array(0..<candidateCounts[2])
        if let w = weights { projectOrder.sort { w.cost(resources[2][$0]) < w.cost(resources[2][$1]) } }

        var best: Double = .infinity
        var bestChoice: [Int]? = nil
        var evaluated = 0
        var partial = [Int](repeating: 0, count: n)
        for pair in pairs {
            if pair.bound >= best { break }
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

    /// An (expand, depthwise) pair with a lower bound of any triple it starts.
    struct BoundedPair {
        var e: Int
        var d: Int
        /// Lower bound of the objective (latency, or weighted resources in inverse mode).
        var bound: Double
    }

    /// Every (expand, depthwise) pair that can fit with the cheapest project candidate (and meet
    /// the latency limit with the smallest project terms), in increasing order of its bound.
    func boundedPairs(weights: ResourceWeights?, maxLatency: Int) -> [BoundedPair] {
        let n = pathCount
        let cheapestProject = cheapest(resources[2])
        var minProject = [Int](repeating: Int.max, count: n)
        for c in 0..<candidateCounts[2] { for k in 0..<n { minProject[k] = min(minProject[k], terms[2][c * n + k]) } }
        var pairs: [BoundedPair] = []
        var stageMax = [Int](repeating: 0, count: memoryCycles.count)
        for e in 0..<candidateCounts[0] {
            let re = fixed + resources[0][e]
            for d in 0..<candidateCounts[1] {
                let red = re + resources[1][d]
                guard (red + cheapestProject).fits(in: budget) else { continue }
                for s in stageMax.indices { stageMax[s] = memoryCycles[s] }
                for k in 0..<n {
                    let v = terms[0][e * n + k] + terms[1][d * n + k] + minProject[k]
                    if v > stageMax[pathStage[k]] { stageMax[pathStage[k]] = v }
                }
                let latencyBound = stageMax.reduce(0, +)
                if latencyBound > maxLatency { continue }
                let bound = weights.map { $0.cost(red + cheapestProject) } ?? Double(latencyBound)
                pairs.append(BoundedPair(e: e, d: d, bound: bound))
            }
        }
        pairs.sort { $0.bound < $1.bound }
        return pairs
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
                    case let .minimiseResources(w, limit):
                        guard latency <= limit else { continue }
                        value = w.cost(totalResources(choice))
                    }
                    if value < best { best = value; bestChoice = choice }
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
        case let .minimiseResources(w, limit): return (w, limit)
        }
    }
}
