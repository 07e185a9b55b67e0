import HAOSolver

/// Options of the integer-program formulation.
public struct FormulationOptions: Sendable, Hashable {
    /// Bound each stage's latency variable: below by the best any candidates can do (and the
    /// memory bound), above by the worst. Both are implied by the rows; they tighten the LP relaxation.
    public var latencyBounds: Bool
    /// Subtract each engine's smallest term from every path row (the one-hot rows make this
    /// exact), which drops zero coefficients and moves a constant to the row bound.
    public var shiftTerms: Bool
    /// Add one row per engine: total latency >= the chosen candidate's latency bound (the network
    /// with that candidate and the other engines at their smallest terms). Valid for every
    /// integer solution and it tightens the LP relaxation (EngineBoundRows.swift), but GLPK
    /// proves optima more slowly with these dense rows (about 2x for solves and 1.4-1.7x for
    /// cutoff certificates on the search's candidate stream, `hao-bench glpk-tuning`,
    /// benchmarks/README.md), so it is off by default.
    public var engineBounds: Bool

    /// Options of the formulation; the defaults are ``standard``.
    public init(latencyBounds: Bool = true, shiftTerms: Bool = true, engineBounds: Bool = false) {
        self.latencyBounds = latencyBounds
        self.shiftTerms = shiftTerms
        self.engineBounds = engineBounds
    }
    /// Latency bounds and shifted terms, no engine bound rows: the formulation GLPK solves fastest (see ``engineBounds``).
    public static let standard = FormulationOptions()
    /// No optional bound or shift: the program as the overview writes it, for cross-checks of the formulation.
    public static let plain = FormulationOptions(latencyBounds: false, shiftTerms: false, engineBounds: false)
}

/// The accelerator problem as a mixed-integer linear program:
///
///     minimise   sum_s L_s                                  (latency mode)
///     subject to sum_c x[e,c] = 1                            for each engine e (one-hot)
///                L_s >= sum_e sum_c term[e,c,k] x[e,c]        for each path k of stage s
///                L_s >= memoryCycles[s]                       (column lower bound)
///                sum_e sum_c r[e,c] x[e,c] <= budget_r - fixed_r  for r in DSP, BRAM18, LUT, FF
///                x binary, L continuous
///
/// The inverse mode minimises `sum_e sum_c w.r[e,c] x[e,c]` instead, with `sum_s L_s <= T`.
public struct SubgraphProgram: Sendable {
    /// The mixed-integer program itself, ready for a ``MILPSolver``.
    public var model: LinearModel
    /// `x[e][c]`: column of candidate c of engine e.
    public var choiceColumns: [[VariableID]]
    /// `L_s`: latency column of each stage.
    public var latencyColumns: [VariableID]
    /// Constant added to the model objective to get the true objective (inverse mode: fixed resources).
    public var objectiveOffset: Double

    /// The program of `instance` for `objective`. Without `names`, columns and rows are unnamed
    /// (a program built only to be solved: names serve files and messages).
    public init(
        instance: SubgraphInstance, objective: SubgraphObjective = .minimiseLatency,
        options: FormulationOptions = .standard, name: String = "accelerator", names: Bool = true
    ) {
        var model = LinearModel(name: Self.sanitise(name), objectiveName: objective == .minimiseLatency ? "latency_cycles" : "resources")
        let (weights, maxLatency) = objective.parts
        var choice: [[VariableID]] = []
        for kind in EngineKind.allCases {
            let e = kind.index
            choice.append(
                instance.candidates[e].enumerated().map { c, config in
                    model.addVariable(
                        names ? "x_\(kind.shortName)_\(config.identifier)" : "", kind: .binary,
                        objective: weights?.cost(instance.resources[e][c]) ?? 0)
                })
        }
        let (minTerm, maxTerm) = Self.termRange(instance)
        let latency = Self.addLatencyColumns(
            &model, instance, minTerm: minTerm, maxTerm: maxTerm, options: options,
            objective: weights == nil ? 1 : 0, names: names)
        for kind in EngineKind.allCases {
            model.addEquality(names ? "one_\(kind.shortName)" : "", choice[kind.index].map { 1.0 * $0 }, 1)
        }
        for k in 0..<instance.pathCount {
            let s = instance.pathStage[k]
            var terms: [LinearModel.Term] = [1.0 * latency[s]]
            var constant = 0
            for e in instance.candidates.indices {
                let shift = options.shiftTerms ? minTerm[e][k] : 0
                constant += shift
                for c in 0..<instance.candidates[e].count {
                    let t = instance.term(e, c, k) - shift
                    if t != 0 { terms.append(Double(-t) * choice[e][c]) }
                }
            }
            model.addConstraint(names ? "path_\(s)_\(k)" : "", terms, lowerBound: Double(constant))
        }
        if options.engineBounds {
            model.addEngineBoundRows(instance, choice: choice, latency: latency, minTerm: minTerm, names: names)
        }
        model.addBudgetRows(resources: instance.resources, choice: choice, budget: instance.budget, fixed: instance.fixed)
        if weights != nil {
            model.addConstraint("target_latency", latency.map { 1.0 * $0 }, upperBound: Double(maxLatency))
        }
        self.model = model
        choiceColumns = choice
        latencyColumns = latency
        objectiveOffset = weights?.cost(instance.fixed) ?? 0
    }

    /// Smallest and largest term of each engine in each path. An engine left with no candidate
    /// (pruning can empty one when nothing fits) contributes 0 to both: its one-hot row then has
    /// no columns and reads `0 = 1`, so the program is still well formed, and infeasible, as the
    /// instance is. Starting its minimum at Int.max would overflow the sums built from them.
    static func termRange(_ instance: SubgraphInstance) -> (min: [[Int]], max: [[Int]]) {
        let n = instance.pathCount
        var minTerm = [[Int]](repeating: [Int](repeating: 0, count: n), count: instance.candidates.count)
        var maxTerm = minTerm
        for e in instance.candidates.indices where !instance.candidates[e].isEmpty {
            minTerm[e] = [Int](repeating: Int.max, count: n)
            for c in 0..<instance.candidates[e].count {
                for k in 0..<n {
                    let t = instance.term(e, c, k)
                    minTerm[e][k] = min(minTerm[e][k], t)
                    maxTerm[e][k] = max(maxTerm[e][k], t)
                }
            }
        }
        return (minTerm, maxTerm)
    }

    /// `L_s` per stage, bounded (when asked) below by the best any candidates can do and the memory
    /// time, above by the worst: both implied by the rows, they tighten the LP relaxation.
    static func addLatencyColumns(
        _ model: inout LinearModel, _ instance: SubgraphInstance, minTerm: [[Int]], maxTerm: [[Int]],
        options: FormulationOptions, objective: Double, names: Bool = true
    ) -> [VariableID] {
        var lower = instance.memoryCycles.map(Double.init)
        var upper = instance.memoryCycles.map(Double.init)
        for k in 0..<instance.pathCount {
            let s = instance.pathStage[k]
            lower[s] = max(lower[s], Double(minTerm.reduce(0) { $0 + $1[k] }))
            upper[s] = max(upper[s], Double(maxTerm.reduce(0) { $0 + $1[k] }))
        }
        return instance.memoryCycles.indices.map { s in
            let lo = options.latencyBounds ? lower[s] : Double(instance.memoryCycles[s])
            let hi = options.latencyBounds ? upper[s] : Double.infinity
            return model.addVariable(names ? "L_\(s)" : "", kind: .continuous, lowerBound: lo, upperBound: hi, objective: objective)
        }
    }

    /// The chosen candidate of each engine in a solution's column values.
    public func choice(from values: [Double]) -> [Int]? {
        guard values.count == model.variables.count else { return nil }
        var result: [Int] = []
        for columns in choiceColumns {
            guard let best = columns.indices.max(by: { values[columns[$0].index] < values[columns[$1].index] }),
                values[columns[best].index] > 0.5
            else { return nil }
            result.append(best)
        }
        return result
    }

    static func sanitise(_ name: String) -> String {
        let cleaned = name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }
        return String(String(cleaned).prefix(200))
    }
}
