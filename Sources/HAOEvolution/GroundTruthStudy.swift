import HAOSupport

extension GroundTruthTable {
    /// The hypervolume ratio of one NSGA-II run after 1, 2, ..., `maxBudget` distinct evaluations
    /// (entry k - 1 is the ratio after k).
    ///
    /// One run serves every budget: the search's random draws do not depend on its budget, so a
    /// run stopped after budget k has evaluated exactly the first k candidates of a longer run, and
    /// entry k - 1 equals `nsga2Ratio(budget: k, ...)` (tested). If the space is exhausted first,
    /// the last value repeats.
    public func nsga2Curve(
        maxBudget: Int, populationSize: Int, seed: UInt64, mutationRate: Double? = nil,
        variation: VariationOperators = .default
    ) throws -> [Double] {
        guard maxBudget >= 1 else { throw SearchError.invalidSetting("the evaluation budget must be at least 1, got \(maxBudget)") }
        let search = try NSGA2(
            problem: problem(mutationRate: mutationRate, variation: variation),
            settings: NSGA2Settings(populationSize: populationSize, seed: seed))
        var state = try search.initialState()
        var lastCount = state.stats.evaluations
        var stalled = 0  // the same stop rule as nsga2Ratio
        try search.run(
            &state, generations: Int.max, evaluationBudget: maxBudget, shouldStop: { _ in stalled >= 20 },
            afterGeneration: { s in
                stalled = s.stats.evaluations == lastCount ? stalled + 1 : 0
                lastCount = s.stats.evaluations
            })
        var curve = prefixRatios(state.evaluated.prefix(maxBudget).compactMap { $0.outcome.objectives })
        if curve.isEmpty { curve = [0] }
        return curve + [Double](repeating: curve.last!, count: maxBudget - curve.count)
    }

    /// The hypervolume ratio of every prefix of `points` (entry k - 1: the first k points),
    /// computed incrementally over the non-dominated ones; equal to `hypervolumeRatio` of each prefix.
    public func prefixRatios(_ points: [[Double]]) -> [Double] {
        let exact = hypervolume(exactFrontier)
        var front: [[Double]] = []  // normalised, none weakly dominated by another
        var current = 0.0
        return points.map { point in
            let p = normalized(point)
            if !front.contains(where: { $0 == p || Pareto.dominates($0, p) }) {
                front.removeAll { Pareto.dominates(p, $0) }
                front.append(p)
                current = Pareto.hypervolume2D(front, reference: Self.referencePoint) / exact
            }
            return current
        }
    }
}

/// Hypervolume-ratio curves of several seeds of one search setting (each curve: the ratio after
/// 1, 2, ... distinct evaluations), and what a study reads off them.
public struct QualityCurves: Sendable {
    /// One curve per seed, all of the same length: entry `n - 1` is the hypervolume ratio (0...1) after `n` distinct evaluations.
    public let curves: [[Double]]

    /// - Precondition: at least one curve, all of the same non-zero length.
    public init(curves: [[Double]]) {
        precondition(!curves.isEmpty && curves.allSatisfy { $0.count == curves[0].count && !$0.isEmpty })
        self.curves = curves
    }

    /// The longest budget the curves cover.
    public var maxBudget: Int { curves[0].count }

    /// Each seed's ratio after `budget` distinct evaluations (1...maxBudget).
    public func values(at budget: Int) -> [Double] { curves.map { $0[budget - 1] } }

    /// Mean over seeds of the ratio after `budget` distinct evaluations (1...``maxBudget``).
    public func mean(at budget: Int) -> Double {
        let v = values(at: budget)
        return v.reduce(0, +) / Double(v.count)
    }

    /// Sample standard deviation over seeds (0 for one seed).
    public func standardDeviation(at budget: Int) -> Double {
        let v = values(at: budget)
        let m = mean(at: budget)
        return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(1, v.count - 1))).squareRoot()
    }

    /// The fewest distinct evaluations after which the mean ratio over seeds is at least
    /// `target`, or `nil` if the curves never get there. Each curve is non-decreasing (a prefix
    /// only grows), so the mean is too and the first crossing is the answer.
    public func evaluationsToReach(_ target: Double) -> Int? {
        (1...maxBudget).first { mean(at: $0) >= target }
    }
}
