import HAOSolver

extension LinearModel {
    /// For each engine e, the row `sum_s L_s - sum_c bound[e][c] x[e][c] >= 0`, where
    /// `bound[e][c] = sum_s max(memory_s, max over the stage's paths k of (term[e][c][k] + the other
    /// engines' smallest terms in k))` is the latency of the network with candidate c and the other
    /// engines at their best in every path.
    ///
    /// Valid for every integer solution: with c chosen (x one-hot), each path row gives
    /// `L_s >= term[e][c][k] + the others' chosen terms >= term[e][c][k] + their smallest`, and
    /// `L_s >= memory_s`, so `sum_s L_s >= bound[e][c]`. The LP relaxation only implies the average of
    /// the terms, not the average of the per-stage maxima, so the rows cut fractional points:
    /// GLPK closes the gap in far fewer nodes (benchmarks/README.md, formulation study).
    mutating func addEngineBoundRows(
        _ instance: SubgraphInstance, choice: [[VariableID]], latency: [VariableID],
        minTerm: [[Int]], names: Bool
    ) {
        let n = instance.pathCount
        for kind in EngineKind.allCases {
            let e = kind.index
            guard !instance.candidates[e].isEmpty else { continue }
            var rest = [Int](repeating: 0, count: n)
            for other in instance.candidates.indices where other != e {
                for k in 0..<n { rest[k] += minTerm[other][k] }
            }
            var terms = latency.map { 1.0 * $0 }
            for c in instance.candidates[e].indices {
                var stage = instance.memoryCycles
                for k in 0..<n {
                    let s = instance.pathStage[k]
                    stage[s] = max(stage[s], instance.term(e, c, k) + rest[k])
                }
                let bound = stage.reduce(0, +)
                if bound != 0 { terms.append(Double(-bound) * choice[e][c]) }
            }
            addConstraint(names ? "bound_\(kind.shortName)" : "", terms, lowerBound: 0)
        }
    }
}
