import HAOSolver

/// Builds a ``BitAllocationProgram`` part by part (see its documentation for the rows).
struct BitAllocationProgramBuilder {
    let ctx: BitAllocationContext
    let t: BitAllocationTables
    let objective: BitAllocationObjective
    var model: LinearModel
    /// Widths (and their penalties) each unit may take under this key.
    var unitWidths: [[Int]] = []
    var unitPenalties: [[Double]] = []
    /// Width columns per unit, configuration columns per engine, latency and buffer columns.
    var y: [[VariableID]] = []
    var x: [[VariableID]] = []
    var latencyColumns: [VariableID] = []
    var bufferColumns: [VariableID] = []

    init(context: BitAllocationContext, tables: BitAllocationTables, objective: BitAllocationObjective) {
        ctx = context
        t = tables
        self.objective = objective
        model = LinearModel(name: "bit_allocation", objectiveName: objective == .penalty ? "penalty" : "latency_cycles")
    }

    var latencyObjective: Double { objective == .latency ? 1.0 : 0.0 }

    /// The smallest sum over engines of their least term in path `k`.
    static func leastPathSum(_ terms: [[[Int]]], _ k: Int) -> Int {
        terms.reduce(0) { $0 + $1.map { $0[k] }.min()! }
    }

    /// One-hot widths per unit, and every width of the key present; false when the key is impossible.
    mutating func addWidths() -> Bool {
        let key = t.key
        for u in ctx.units {
            let anyExpand = u.blocks.contains { ctx.hasExpand[$0] }
            let allowed = u.bits.indices.filter { key.blocks.contains(u.bits[$0]) && (!anyExpand || key.expand.contains(u.bits[$0])) }
            if allowed.isEmpty { return false }
            unitWidths.append(allowed.map { u.bits[$0] })
            unitPenalties.append(allowed.map { u.penalties[$0] })
        }
        for (u, widths) in unitWidths.enumerated() {
            y.append(
                widths.enumerated().map { i, w in
                    model.addVariable("y_\(u)_\(w)", kind: .binary, objective: objective == .penalty ? unitPenalties[u][i] : 0)
                })
            model.addEquality("one_u\(u)", y[u].map { 1.0 * $0 }, 1)
        }
        // Every width of the key present (on all blocks, and among expand blocks).
        for w in key.blocks {
            let terms = unitWidths.indices.compactMap { u in unitWidths[u].firstIndex(of: w).map { 1.0 * y[u][$0] } }
            if terms.isEmpty { return false }
            model.addConstraint("has_\(w)", terms, lowerBound: 1)
        }
        for w in key.expand {
            let terms = unitWidths.indices.compactMap { u -> LinearModel.Term? in
                guard ctx.units[u].blocks.contains(where: { ctx.hasExpand[$0] }) else { return nil }
                return unitWidths[u].firstIndex(of: w).map { 1.0 * y[u][$0] }
            }
            if terms.isEmpty { return false }
            model.addConstraint("has_exp_\(w)", terms, lowerBound: 1)
        }
        return true
    }

    /// One-hot configurations per engine.
    mutating func addEngines() {
        for kind in EngineKind.allCases {
            let e = kind.index
            x.append(t.candidates[e].map { model.addVariable("x_\(kind.shortName)_\($0.identifier)", kind: .binary) })
            model.addEquality("one_\(kind.shortName)", x[e].map { 1.0 * $0 }, 1)
        }
    }

    /// Latency rows of the stem and head stages.
    mutating func addFixedStages() {
        for (i, s) in t.fixedStages.enumerated() {
            let terms = t.fixedTerms[i]
            let paths = terms[0][0].count
            var lower = t.fixedMemory[i]
            for k in 0..<paths { lower = max(lower, Self.leastPathSum(terms, k)) }
            let stageLatency = model.addVariable("L_\(s)", kind: .continuous, lowerBound: Double(lower), objective: latencyObjective)
            latencyColumns.append(stageLatency)
            for k in 0..<paths {
                var row: [LinearModel.Term] = [1.0 * stageLatency]
                var constant = 0
                for e in terms.indices {
                    let m = terms[e].map { $0[k] }.min()!
                    constant += m
                    for c in terms[e].indices where terms[e][c][k] != m { row.append(Double(-(terms[e][c][k] - m)) * x[e][c]) }
                }
                model.addConstraint("path_\(s)_\(k)", row, lowerBound: Double(constant))
            }
        }
    }

    /// Latency and memory rows of each block, per width of its unit (big-M on the width).
    mutating func addBlockStages() {
        for (b, s) in t.blockStage.enumerated() {
            let u = ctx.unitOf[b]
            let widths = unitWidths[u]
            var bound = Int.max
            for w in widths {
                let wi = ctx.widthIndex(w)
                let terms = t.blockTerms[b][wi]
                var v = t.blockMemory[b][wi]
                for k in 0..<terms[0][0].count { v = max(v, Self.leastPathSum(terms, k)) }
                bound = min(bound, v)
            }
            let stageLatency = model.addVariable("L_\(s)", kind: .continuous, lowerBound: Double(bound), objective: latencyObjective)
            latencyColumns.append(stageLatency)
            var memRow: [LinearModel.Term] = [1.0 * stageLatency]
            for (i, w) in widths.enumerated() {
                let wi = ctx.widthIndex(w)
                memRow.append(Double(-t.blockMemory[b][wi]) * y[u][i])
                let terms = t.blockTerms[b][wi]
                for k in 0..<terms[0][0].count {
                    var row: [LinearModel.Term] = [1.0 * stageLatency]
                    var constant = 0
                    var maxSum = 0
                    for e in terms.indices {
                        let column = terms[e].map { $0[k] }
                        let m = column.min()!
                        constant += m
                        maxSum += column.max()!
                        for c in column.indices where column[c] != m { row.append(Double(-(column[c] - m)) * x[e][c]) }
                    }
                    let bigM = max(0, maxSum - bound)
                    if widths.count > 1 {
                        if bigM > 0 { row.append(Double(-bigM) * y[u][i]) }
                        model.addConstraint("path_\(s)_\(k)_w\(w)", row, lowerBound: Double(constant - bigM))
                    } else {
                        model.addConstraint("path_\(s)_\(k)_w\(w)", row, lowerBound: Double(constant))
                    }
                }
            }
            model.addConstraint("mem_\(s)", memRow, lowerBound: 0)
        }
    }

    /// The latency or model-size limit.
    mutating func addLimit() {
        switch ctx.problem.limit {
        case .latency(let c):
            if objective == .penalty { model.addConstraint("target_latency", latencyColumns.map { 1.0 * $0 }, upperBound: Double(c)) }
        case .modelSize(let s):
            var row: [LinearModel.Term] = []
            for (u, widths) in unitWidths.enumerated() {
                for (i, w) in widths.enumerated() {
                    row.append(Double(ctx.units[u].blocks.reduce(0) { $0 + ctx.blockModelBits[$1][ctx.widthIndex(w)] }) * y[u][i])
                }
            }
            model.addConstraint("model_size", row, upperBound: Double(s - ctx.fixedModelBits))
        }
    }

    /// Rows of the resource budgets (BRAM18 includes the weight-buffer columns).
    mutating func addResourceBudgets() {
        model.addBudgetRows(resources: t.base, choice: x, budget: t.budget, fixed: t.fixed, extraBRAM: bufferColumns)
    }
}
