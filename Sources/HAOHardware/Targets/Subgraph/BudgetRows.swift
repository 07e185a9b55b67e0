import HAOSolver

extension LinearModel {
    /// Adds the rows `budget_dsp`, `budget_bram18`, `budget_lut`, `budget_ff`: the resources of the
    /// chosen candidate of each engine (`choice[e][c]` selects `resources[e][c]`), plus the
    /// `extraBRAM` columns in the BRAM18 row, within the budget less the fixed part.
    mutating func addBudgetRows(
        resources: [[Resources]], choice: [[VariableID]], budget: Resources, fixed: Resources,
        extraBRAM: [VariableID] = []
    ) {
        let rows: [(String, (Resources) -> Int)] = [("dsp", { $0.dsp }), ("bram18", { $0.bram18 }), ("lut", { $0.lut }), ("ff", { $0.ff })]
        for (rowName, get) in rows {
            var terms: [LinearModel.Term] = []
            for e in resources.indices {
                for c in resources[e].indices where get(resources[e][c]) != 0 {
                    terms.append(Double(get(resources[e][c])) * choice[e][c])
                }
            }
            if rowName == "bram18" { terms += extraBRAM.map { 1.0 * $0 } }
            addConstraint("budget_\(rowName)", terms, upperBound: Double(get(budget) - get(fixed)))
        }
    }
}
