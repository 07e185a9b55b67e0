/// What the accelerator problem optimises.
public enum AcceleratorObjective: Sendable, Hashable {
    /// Least total latency within the resource budget.
    case minimiseLatency
    /// Least weighted resource use (the fixed part included) with total latency at most
    /// `maxLatencyCycles`, within the resource budget: the inverse question.
    case minimiseResources(weights: ResourceWeights, maxLatencyCycles: Int)
}

/// Weights of the resources in the inverse mode's objective.
public struct ResourceWeights: Sendable, Hashable, Codable {
    public var dsp: Double
    public var bram18: Double
    public var lut: Double
    public var ff: Double

    public init(dsp: Double = 1, bram18: Double = 0, lut: Double = 0, ff: Double = 0) {
        self.dsp = dsp
        self.bram18 = bram18
        self.lut = lut
        self.ff = ff
    }
    /// Least DSP.
    public static let dsp = ResourceWeights()

    public func cost(_ r: Resources) -> Double {
        dsp * Double(r.dsp) + bram18 * Double(r.bram18) + lut * Double(r.lut) + ff * Double(r.ff)
    }
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

extension AcceleratorInstance {
    /// Solves exactly in pure Swift.
    ///
    /// The objective is a sum over stages of maxima of per-engine terms, so for a fixed triple
    /// it is evaluated directly. Pairs (expand, depthwise) are ordered by a lower bound that takes
    /// the smallest project term in every path (or the cheapest project candidate in inverse
    /// mode); the scan stops when the bound reaches the incumbent, and each triple's sum stops
    /// as soon as it does. Nothing is discarded that could be strictly better, so the result is optimal.
    /// Call on a ``pruned(_:)`` instance for speed; the answer is the same.
    public func solveNative(_ objective: AcceleratorObjective = .minimiseLatency) -> NativeResult {
        let n = pathCount
        let counts = candidateCounts
        guard counts.allSatisfy({ $0 > 0 }) else { return NativeResult(choice: nil, objective: nil, evaluated: 0) }
        var cheapestProject = resources[2][0]
        for r in resources[2] {
            cheapestProject = Resources(dsp: min(cheapestProject.dsp, r.dsp), bram18: min(cheapestProject.bram18, r.bram18),
                                        uram: 0, lut: min(cheapestProject.lut, r.lut), ff: min(cheapestProject.ff, r.ff))
        }
        var minProject = [Int](repeating: Int.max, count: n)
        for c in 0..<counts[2] { for k in 0..<n { minProject[k] = min(minProject[k], terms[2][c * n + k]) } }
        let stageCount = memoryCycles.count

        // Lower bound of every (expand, depthwise) pair that can fit.
        struct Pair { var e: Int; var d: Int; var bound: Double; var latencyBound: Int }
        var pairs: [Pair] = []
        var partial = [Int](repeating: 0, count: n)
        var stageMax = [Int](repeating: 0, count: stageCount)
        let weights: ResourceWeights?
        let maxLatency: Int
        switch objective {
        case .minimiseLatency: weights = nil; maxLatency = Int.max
        case let .minimiseResources(w, limit): weights = w; maxLatency = limit
        }
        for e in 0..<counts[0] {
            let re = fixed + resources[0][e]
            for d in 0..<counts[1] {
                let red = re + resources[1][d]
                guard (red + cheapestProject).fits(in: budget) else { continue }
                for k in 0..<n { partial[k] = terms[0][e * n + k] + terms[1][d * n + k] }
                for s in 0..<stageCount { stageMax[s] = memoryCycles[s] }
                for k in 0..<n {
                    let v = partial[k] + minProject[k]
                    if v > stageMax[pathStage[k]] { stageMax[pathStage[k]] = v }
                }
                let latencyBound = stageMax.reduce(0, +)
                if latencyBound > maxLatency { continue }
                let bound = weights.map { $0.cost(red + cheapestProject) } ?? Double(latencyBound)
                pairs.append(Pair(e: e, d: d, bound: bound, latencyBound: latencyBound))
            }
        }
        pairs.sort { $0.bound < $1.bound }

        // Project candidates in order of cost, for the inverse mode's early stop.
        var projectOrder = Array(0..<counts[2])
        if let w = weights { projectOrder.sort { w.cost(resources[2][$0]) < w.cost(resources[2][$1]) } }

        var best: Double = .infinity
        var bestChoice: [Int]? = nil
        var evaluated = 0
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
                // or exceeds the limit (inverse mode).
                // (A caller's limit of Int.max must not overflow the + 1.)
                let cutoff = weights == nil ? (best.isFinite ? Int(best) : Int.max) : (maxLatency == Int.max ? Int.max : maxLatency + 1)
                evaluated += 1
                var sum = 0
                var current = memoryCycles[pathStage[0]]
                var stage = pathStage[0]
                var stopped = false
                let base = p * n
                for k in 0..<n {
                    let s = pathStage[k]
                    if s != stage {
                        sum += current
                        // Stages without paths (none today) still count their memory bound.
                        for skipped in (stage + 1)..<s { sum += memoryCycles[skipped] }
                        if sum >= cutoff { stopped = true; break }
                        stage = s
                        current = memoryCycles[s]
                    }
                    let v = partial[k] + terms[2][base + k]
                    if v > current { current = v }
                }
                if stopped { continue }
                sum += current
                for skipped in (stage + 1)..<stageCount { sum += memoryCycles[skipped] }
                if sum >= cutoff { continue }
                if let cost {
                    best = cost
                    bestChoice = [pair.e, pair.d, p]
                    break
                } else {
                    best = Double(sum)
                    bestChoice = [pair.e, pair.d, p]
                }
            }
        }
        return NativeResult(choice: bestChoice, objective: bestChoice == nil ? nil : best, evaluated: evaluated)
    }

    /// Evaluates every candidate triple: the reference the other solvers are checked against.
    public func solveExhaustive(_ objective: AcceleratorObjective = .minimiseLatency) -> NativeResult {
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
