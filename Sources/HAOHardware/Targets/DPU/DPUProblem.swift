import HAOSolver
import HAOSupport

/// The DPU target's configuration problem for one network: one binary per design (architecture
/// x cores x DSP usage x RAM usage x clock), exactly one chosen, every resource of the chosen
/// design within the budget, least objective (docs/dpu.md, "The configuration program").
///
/// Every design's objective is a constant computed by the latency model (integer nanoseconds
/// for latency and throughput), so GLPK, the native algorithm and enumeration see the same
/// numbers and agree exactly. Designs of equal objective are told apart by a fixed preference
/// (the order of ``candidates``: fewer cores, smaller architecture, lower clock, low RAM, high
/// DSP usage (the vendor's default)), which GLPK applies in a second program restricted to the
/// optimum; so every solver reports the same design, not just the same objective.
public struct DPUProblem: ConfigurationProblem {
    /// A solution is one design.
    public typealias Answer = DPUConfiguration

    /// The designs, in preference order.
    public var candidates: [DPUConfiguration]
    /// Each design's resources.
    public var resources: [Resources]
    /// Each design's objective (nanoseconds, or weighted resources in inverse mode).
    public var objectives: [Double]
    /// Each design's batch-1 latency in nanoseconds (the inverse mode's constraint).
    public var latencies: [Double]
    /// The usable budget.
    public var budget: Resources
    /// Inverse mode: the largest batch-1 latency allowed, in nanoseconds.
    public var latencyLimit: Double?
    /// What the objective is, for the program's name and reports.
    public var objectiveName: String
    /// The network's name.
    public var name: String

    /// Known infeasible when there is no candidate design; nil otherwise, so every backend runs.
    public var outcomeWithoutSolving: ExactOutcome<DPUConfiguration>? { candidates.isEmpty ? .infeasible() : nil }
    /// The problem itself: the DPU problem has no reductions (no pruning), so cross-checks run on the same candidates.
    public var unreduced: DPUProblem { self }
    /// The number of candidate designs: 8 architectures x 4 core counts x 2 DSP usages x 2 RAM usages x the clocks (256 with two clocks).
    public var enumerationSize: Int { candidates.count }
    /// The candidate count in decimal, e.g. "256".
    public var candidateSummary: String { "\(candidates.count)" }

    /// Whether design `i` satisfies every row (the budget and, in inverse mode, the latency limit).
    func isFeasible(_ i: Int) -> Bool {
        resources[i].fits(in: budget) && (latencyLimit.map { latencies[i] <= $0 } ?? true)
    }

    /// The integer program: min sum objective_c x_c, sum x_c = 1, one row per resource
    /// (and the latency limit in inverse mode).
    public func integerProgram() -> LinearModel { program(objective: objectives, fixedToZero: []) }

    private func program(objective: [Double], fixedToZero: Set<Int>) -> LinearModel {
        var model = LinearModel(name: "dpu_" + Self.sanitise(name), objectiveName: objectiveName)
        let x = candidates.indices.map { i in
            // Binary columns; those outside the optimum of the tie-breaking program are fixed at 0
            // (an integer column in [0, 0], since a binary column's bounds are always [0, 1]).
            fixedToZero.contains(i)
                ? model.addVariable(Self.variableName(candidates[i]), kind: .integer, lowerBound: 0, upperBound: 0, objective: objective[i])
                : model.addVariable(Self.variableName(candidates[i]), kind: .binary, objective: objective[i])
        }
        model.addEquality("one_design", x.map { 1.0 * $0 }, 1)
        func row(_ label: String, _ value: (Resources) -> Int, _ limit: Int) {
            model.addConstraint(label, x.indices.map { Double(value(resources[$0])) * x[$0] }, upperBound: Double(limit))
        }
        row("budget_dsp", \.dsp, budget.dsp)
        row("budget_bram18", \.bram18, budget.bram18)
        row("budget_lut", \.lut, budget.lut)
        row("budget_ff", \.ff, budget.ff)
        if let latencyLimit {
            model.addConstraint("latency_limit_ns", x.indices.map { latencies[$0] * x[$0] }, upperBound: latencyLimit)
        }
        return model
    }

    /// Solves two integer programs with `solver`. The first finds the least objective; the second, restricted to the designs of exactly
    /// that objective, minimises their rank in ``candidates``, so GLPK reports the same design as the native algorithm and enumeration.
    /// Returns an infeasible outcome when the first program is infeasible. Throws what `solver` throws
    /// (``SolverError/notProven(_:status:)`` when it stops without a proof) and ``SolverError/failed(_:code:message:)`` when the
    /// chosen design does not have the reported objective or the second program has no solution.
    public func solve(with solver: any MILPSolver, options: SolverOptions) throws(SolverError) -> ExactOutcome<DPUConfiguration> {
        guard let first = try solver.solve(integerProgram(), options: options).proven(), let optimum = first.objective else {
            return .infeasible()
        }
        guard let chosen = Self.chosen(first.values), objectives[chosen] == optimum else {
            throw .failed(solver.id, code: 0, message: "returned a solution whose design does not have the objective it reports")
        }
        // Second program: the preference among the designs of exactly the optimal objective.
        let others = Set(candidates.indices.filter { objectives[$0] != optimum })
        let rank = candidates.indices.map(Double.init)
        guard let second = try solver.solve(program(objective: rank, fixedToZero: others), options: options).proven(),
            let preferred = Self.chosen(second.values)
        else {
            throw .failed(solver.id, code: 0, message: "the tie-breaking program has no solution although the first one had")
        }
        return .optimal(candidates[preferred], objective: objectives[preferred])
    }

    /// The native algorithm: per architecture, RAM usage, clock and DSP usage, the most cores the
    /// budget allows follows from one division per resource, and each feasible core count is evaluated.
    public func solveNatively() throws(SolverError) -> ExactOutcome<DPUConfiguration> {
        var best: Int?
        var evaluated = 0
        var index: [DPUConfiguration: Int] = [:]
        for (i, c) in candidates.enumerated() { index[c] = i }
        for (i, c) in candidates.enumerated() where c.cores == 1 {
            let one = resources[i]
            var most = DPUTarget.maximumCores
            for (need, have) in [(one.dsp, budget.dsp), (one.bram18, budget.bram18), (one.lut, budget.lut), (one.ff, budget.ff)]
            where need > 0 {
                most = min(most, have / need)
            }
            // Every feasible core count (at most four) is evaluated whatever the objective, so the
            // algorithm stays exact for any objective the problem is built with.
            for n in stride(from: 1, through: most, by: 1) {
                var design = c
                design.cores = n
                guard let j = index[design], latencyLimit.map({ latencies[j] <= $0 }) ?? true else { continue }
                evaluated += 1
                if best.map({ better(j, than: $0) }) ?? true { best = j }
            }
        }
        guard let best else { return .infeasible(evaluatedCandidates: evaluated) }
        return .optimal(candidates[best], objective: objectives[best], evaluatedCandidates: evaluated)
    }

    /// Evaluates every candidate against the budget and the latency limit: the least objective, ties going to the earliest candidate.
    /// `evaluatedCandidates` counts every candidate. Does not throw in practice: the candidates are a few hundred designs.
    public func solveByEnumeration() throws(SolverError) -> ExactOutcome<DPUConfiguration> {
        var best: Int?
        for i in candidates.indices where isFeasible(i) {
            if best.map({ better(i, than: $0) }) ?? true { best = i }
        }
        guard let best else { return .infeasible(evaluatedCandidates: candidates.count) }
        return .optimal(candidates[best], objective: objectives[best], evaluatedCandidates: candidates.count)
    }

    /// Lower objective, then earlier in the preference order.
    private func better(_ i: Int, than j: Int) -> Bool {
        objectives[i] < objectives[j] || (objectives[i] == objectives[j] && i < j)
    }

    private static func chosen(_ values: [Double]) -> Int? {
        values.indices.max { values[$0] < values[$1] }.flatMap { values[$0] > 0.5 ? $0 : nil }
    }

    static func variableName(_ c: DPUConfiguration) -> String {
        "x_\(c.architecture.rawValue)_n\(c.cores)_dsp\(c.dspUsage.rawValue)_ram\(c.ramUsage.rawValue)_f\(fixedPoint(c.clockMHz, c.clockMHz.rounded() == c.clockMHz ? 0 : 2).replacingOccurrences(of: ".", with: "p"))"
    }

    static func sanitise(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
