import HAOSolver

/// The bit-allocation problem of one precision key as a mixed-integer linear program:
///
///     minimise   sum_u sum_w pen[u,w] y[u,w]                      (or sum_s L_s)
///     subject to sum_w y[u,w] = 1, sum_c x[e,c] = 1                one-hot widths per unit, configurations per engine
///                sum_u y[u,w] >= 1 for every width w of the key     (and of the expand engine's part)
///                L_b >= sum_e sum_c t[e,c,k,b,w] x[e,c] - M[b,k,w] (1 - y[u(b),w])   every block b, path k, width w
///                L_b >= sum_w mem[b,w] y[u(b),w];  L_s >= sum_e sum_c t[e,c,k] x[e,c]   (stem and head)
///                sum_s L_s <= T   or   sum_u sum_w size[u,w] y[u,w] <= S
///                sum_e sum_c r[e,c] x[e,c] (+ sum_e B_e for BRAM18) <= budget - fixed
///                weight buffer of engine e: every consecutive pair's weights <= V_0 + sum_l (V_l - V_{l-1}) z[e,l],
///                z[e,l] <= z[e,l-1],  B_e >= sum_c bram(c, V_l) x[e,c] - Bmax_l (1 - z[e,l])
///
/// `M[b,k,w]` is the largest the path's right-hand side can be minus `L_b`'s lower bound, the
/// tightest big-M that keeps the row inactive when block b is not at width w.
public struct BitAllocationProgram: Sendable {
    /// The program.
    public var model: LinearModel
    /// `y[u][i]`: unit u at its i-th allowed width of this key (`unitWidths[u][i]`).
    public var widthColumns: [[VariableID]]
    /// The widths each unit may take under this key.
    public var unitWidths: [[Int]]
    /// `x[e][c]`: engine e runs candidate c.
    public var choiceColumns: [[VariableID]]

    /// The program of `tables`' key, or nil when no assignment of the groups can have this key.
    init?(context: BitAllocationContext, tables: BitAllocationTables, objective: BitAllocationObjective) {
        var builder = BitAllocationProgramBuilder(context: context, tables: tables, objective: objective)
        guard builder.addWidths() else { return nil }
        builder.addEngines()
        builder.addFixedStages()
        builder.addBlockStages()
        builder.addLimit()
        for kind in EngineKind.allCases { builder.addWeightBuffer(kind) }
        builder.addResourceBudgets()
        model = builder.model
        widthColumns = builder.y
        unitWidths = builder.unitWidths
        choiceColumns = builder.x
    }

    /// Width per unit and candidate index per engine of a solution.
    func decode(_ values: [Double]) -> ([Int], [Int])? {
        guard values.count == model.variables.count else { return nil }
        func chosen(_ columns: [VariableID]) -> Int? {
            guard let i = columns.indices.max(by: { values[columns[$0].index] < values[columns[$1].index] }),
                values[columns[i].index] > 0.5
            else { return nil }
            return i
        }
        var widths: [Int] = []
        for (u, columns) in widthColumns.enumerated() {
            guard let i = chosen(columns) else { return nil }
            widths.append(unitWidths[u][i])
        }
        var choice: [Int] = []
        for columns in choiceColumns {
            guard let i = chosen(columns) else { return nil }
            choice.append(i)
        }
        return (widths, choice)
    }
}
