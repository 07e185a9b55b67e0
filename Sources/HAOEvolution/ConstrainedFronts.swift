extension Pareto {
    /// The fronts of `outcomes` under Deb's constraint-domination (``constrainedDominates(_:_:)``),
    /// best first, each listing indices in increasing order: the same fronts as
    /// ``nonDominatedFronts(count:dominates:)`` gives, in O(n log n) for two objectives.
    ///
    /// Feasible outcomes come first, by a sweep in (f0, f1) order: a point joins the first front
    /// whose last member does not dominate it (the last member of a front has its least f1, and
    /// fronts are ordered by it, so a binary search finds the front). Infeasible outcomes follow,
    /// one front per distinct violation, smallest first (equal violations do not dominate each
    /// other). Other objective counts fall back to the pairwise algorithm.
    public static func constrainedFronts<P>(_ outcomes: [Outcome<P>]) -> [[Int]] {
        var feasible: [Int] = []
        var infeasible: [Int] = []
        var f0: [Double] = []
        var f1: [Double] = []
        var violation = [Double](repeating: 0, count: outcomes.count)
        f0.reserveCapacity(outcomes.count)
        f1.reserveCapacity(outcomes.count)
        var twoObjectives = true
        for (i, outcome) in outcomes.enumerated() {
            switch outcome {
            case .feasible(let objectives, _):
                guard objectives.count == 2 else {
                    twoObjectives = false
                    break
                }
                feasible.append(i)
                f0.append(objectives[0])
                f1.append(objectives[1])
            case .infeasible(_, let v):
                infeasible.append(i)
                violation[i] = v
            }
        }
        guard twoObjectives else {
            return nonDominatedFronts(count: outcomes.count) { constrainedDominates(outcomes[$0], outcomes[$1]) }
        }
        var fronts = sweepFronts(f0: f0, f1: f1).map { front in front.map { feasible[$0] }.sorted() }
        // Infeasible: one front per violation value, in increasing order. A NaN violation
        // dominates nothing and is dominated by no infeasible outcome: it joins the first.
        let unordered = infeasible.filter { violation[$0].isNaN }
        let order = infeasible.filter { !violation[$0].isNaN }.sorted { (violation[$0], $0) < (violation[$1], $1) }
        var groups: [[Int]] = []
        var k = 0
        while k < order.count {
            var end = k + 1
            while end < order.count, violation[order[end]] == violation[order[k]] { end += 1 }
            groups.append(Array(order[k..<end]))
            k = end
        }
        if !unordered.isEmpty {
            if groups.isEmpty { groups.append(unordered) } else { groups[0] += unordered }
        }
        fronts += groups.map { $0.sorted() }
        return fronts
    }

    /// Fronts of two-objective points (indices into `f0`/`f1`), best first, in no particular order within a front.
    static func sweepFronts(f0: [Double], f1: [Double]) -> [[Int]] {
        let order = f0.indices.sorted { (f0[$0], f1[$0], $0) < (f0[$1], f1[$1], $1) }
        var fronts: [[Int]] = []
        var last: [Int] = []  // per front, its most recently added member (least f1 so far)
        for p in order {
            // Front k dominates p when its last member q has f1 < p's, or equal f1 and smaller f0
            // (identical points do not dominate each other). Dominance by front k implies
            // dominance by every earlier front, so the first front that does not dominate p is
            // found by binary search.
            var low = 0
            var high = fronts.count
            while low < high {
                let mid = (low + high) / 2
                let q = last[mid]
                let dominated = f1[q] < f1[p] || (f1[q] == f1[p] && f0[q] < f0[p])
                if dominated { low = mid + 1 } else { high = mid }
            }
            if low == fronts.count {
                fronts.append([p])
                last.append(p)
            } else {
                fronts[low].append(p)
                last[low] = p
            }
        }
        return fronts
    }
}
