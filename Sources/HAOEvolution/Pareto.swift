/// Pareto dominance, non-dominated sorting, crowding distance and hypervolume.
///
/// Every objective is **minimised** here; a problem that maximises something (top-1) negates it.

/// The result of evaluating one candidate: either objective values, or an explicit statement that
/// it breaks a constraint, with how badly. Infeasible candidates are never given objective values,
/// so they can never be mistaken for scored ones.
public enum Outcome<Payload: Codable & Sendable>: Codable, Sendable {
    /// Objective values (all minimised) and whatever the problem wants to keep about the candidate.
    case feasible(objectives: [Double], payload: Payload)
    /// The candidate breaks a constraint. `violation` > 0 orders infeasible candidates (smaller is
    /// closer to feasible), as in Deb's constraint-domination.
    case infeasible(reason: String, violation: Double)

    /// Whether the candidate was scored (``feasible(objectives:payload:)``) rather than rejected for breaking a constraint.
    public var isFeasible: Bool {
        if case .feasible = self { return true }
        return false
    }

    /// Objectives of a feasible outcome, `nil` otherwise.
    public var objectives: [Double]? {
        if case .feasible(let objectives, _) = self { return objectives }
        return nil
    }

    /// Payload of a feasible outcome, `nil` otherwise.
    public var payload: Payload? {
        if case .feasible(_, let payload) = self { return payload }
        return nil
    }
}

/// Pareto algorithms on plain objective vectors.
public enum Pareto {
    /// Whether `a` dominates `b`: no worse in every objective and better in at least one.
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        precondition(a.count == b.count, "objective vectors of different length")
        var strictlyBetter = false
        for i in a.indices {
            if a[i] > b[i] { return false }
            if a[i] < b[i] { strictlyBetter = true }
        }
        return strictlyBetter
    }

    /// Deb's constraint-domination: a feasible outcome beats an infeasible one; of two infeasible
    /// ones the smaller violation wins; two feasible ones compare by Pareto dominance.
    public static func constrainedDominates<P>(_ a: Outcome<P>, _ b: Outcome<P>) -> Bool {
        switch (a, b) {
        case (.feasible(let x, _), .feasible(let y, _)): return dominates(x, y)
        case (.feasible, .infeasible): return true
        case (.infeasible, .feasible): return false
        case (.infeasible(_, let u), .infeasible(_, let v)): return u < v
        }
    }

    /// Fast non-dominated sorting (Deb et al., NSGA-II, IEEE TEC 2002) under `dominates`.
    /// Returns the fronts, best first; each front lists indices in increasing order.
    public static func nonDominatedFronts(count: Int, dominates: (Int, Int) -> Bool) -> [[Int]] {
        var dominatedBy = [[Int]](repeating: [], count: count)
        var dominationCount = [Int](repeating: 0, count: count)
        var fronts: [[Int]] = [[]]
        for p in 0..<count {
            for q in 0..<count where q != p {
                if dominates(p, q) { dominatedBy[p].append(q) } else if dominates(q, p) { dominationCount[p] += 1 }
            }
            if dominationCount[p] == 0 { fronts[0].append(p) }
        }
        var current = 0
        while !fronts[current].isEmpty {
            var next: [Int] = []
            for p in fronts[current] {
                for q in dominatedBy[p] {
                    dominationCount[q] -= 1
                    if dominationCount[q] == 0 { next.append(q) }
                }
            }
            next.sort()
            current += 1
            fronts.append(next)
        }
        fronts.removeLast()
        return fronts
    }

    /// Fronts of plain objective vectors.
    public static func nonDominatedFronts(_ points: [[Double]]) -> [[Int]] {
        nonDominatedFronts(count: points.count) { dominates(points[$0], points[$1]) }
    }

    /// Crowding distance of each point of one front (same order as `points`). Boundary points of
    /// every objective get infinity; an objective with no spread adds nothing.
    public static func crowdingDistances(_ points: [[Double]]) -> [Double] {
        let n = points.count
        guard n > 0 else { return [] }
        var distance = [Double](repeating: 0, count: n)
        if n <= 2 { return [Double](repeating: .infinity, count: n) }
        for m in points[0].indices {
            // Stable order (ties by index) keeps the result independent of sort implementation.
            let order = (0..<n).sorted { (points[$0][m], $0) < (points[$1][m], $1) }
            let low = points[order[0]][m]
            let high = points[order[n - 1]][m]
            distance[order[0]] = .infinity
            distance[order[n - 1]] = .infinity
            guard high > low else { continue }
            for k in 1..<(n - 1) {
                distance[order[k]] += (points[order[k + 1]][m] - points[order[k - 1]][m]) / (high - low)
            }
        }
        return distance
    }

    /// Indices of the points no other point dominates (duplicates all kept), in increasing order.
    public static func nonDominatedIndices(_ points: [[Double]]) -> [Int] {
        guard points.allSatisfy({ $0.count == 2 }) else {
            return points.indices.filter { i in !points.indices.contains { j in j != i && dominates(points[j], points[i]) } }
        }
        // Two objectives: one sort and a sweep (O(n log n)); the enumerated spaces have thousands of points.
        let order = points.indices.sorted { (points[$0][0], points[$0][1], $0) < (points[$1][0], points[$1][1], $1) }
        var kept: [Int] = []
        var bestY = Double.infinity  // lowest second objective among points with a strictly smaller first one
        var k = 0
        while k < order.count {
            let x = points[order[k]][0]
            var end = k
            while end < order.count && points[order[end]][0] == x { end += 1 }
            let groupMinY = points[order[k]][1]
            if groupMinY < bestY {
                for i in order[k..<end] where points[i][1] == groupMinY { kept.append(i) }
            }
            bestY = min(bestY, groupMinY)
            k = end
        }
        return kept.sorted()
    }

    /// The area dominated by a set of two-objective points (both minimised) and bounded by
    /// `reference`. Points not strictly better than the reference in both objectives add nothing.
    public static func hypervolume2D(_ points: [[Double]], reference: [Double]) -> Double {
        precondition(reference.count == 2, "hypervolume2D needs two objectives")
        let inside = points.filter { $0.count == 2 && $0[0] < reference[0] && $0[1] < reference[1] }
            .sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        var volume = 0.0
        var ceiling = reference[1]
        for p in inside where p[1] < ceiling {
            volume += (reference[0] - p[0]) * (ceiling - p[1])
            ceiling = p[1]
        }
        return volume
    }
}
