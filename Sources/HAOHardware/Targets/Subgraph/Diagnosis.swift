import HAONetwork

extension SubgraphTarget {
    /// Explains, from the unpruned instance, why `problem` has no configuration that fits: the resource that runs out,
    /// or for a frame-rate target (inverse mode) how far the fastest fitting configuration falls short.
    public func diagnoseInfeasibility(of problem: SubgraphProblem, objective: DesignObjective) -> String {
        var targetFPS: Double? = nil
        if case .minimiseResources(_, let fps) = objective { targetFPS = fps }
        return diagnose(problem.full, objective: problem.objective, targetFPS: targetFPS)
    }

    /// Explains, from the data, why nothing fits.
    /// In inverse mode, `targetFPS` is the target as the user gave it; without it the target is
    /// recomputed from the cycle limit (which is rounded, and clamped for tiny targets).
    public func diagnose(
        _ instance: SubgraphInstance, objective: SubgraphObjective = .minimiseLatency,
        targetFPS: Double? = nil
    ) -> String {
        let counts = instance.candidateCounts
        if counts.contains(0) { return "infeasible on \(device.part): an engine has no candidate configuration" }
        let smallest = instance.resources.reduce(instance.fixed) { $0 + instance.cheapest($1) }
        let total = device.resources
        let budget = instance.budget
        var reasons: [String] = []
        func describe(_ name: String, _ need: Int, _ usable: Int, _ all: Int, _ fraction: Double) {
            guard need > usable else { return }
            let capNote = usable < all ? " (\(usable) usable under the \(Int((fraction * 100).rounded()))% cap)" : ""
            reasons.append("the smallest configuration needs \(need) \(name), the device has \(all)\(capNote)")
        }
        describe("DSP", smallest.dsp, budget.dsp, total.dsp, cap.dsp)
        describe("BRAM18", smallest.bram18, budget.bram18, total.bram18, cap.bram18)
        describe("LUT", smallest.lut, budget.lut, total.lut, cap.lut)
        describe("FF", smallest.ff, budget.ff, total.ff, cap.ff)
        if !reasons.isEmpty { return "infeasible on \(device.part): " + reasons.joined(separator: "; ") }
        let fastest = instance.pruned(.all).solveNative(.minimiseLatency)
        guard let best = fastest.objective else {
            return
                "infeasible on \(device.part): every resource fits on its own (smallest configuration: \(smallest.dsp) DSP, \(smallest.bram18) BRAM18, \(smallest.lut) LUT, \(smallest.ff) FF; budget \(budget.dsp) DSP, \(budget.bram18) BRAM18, \(budget.lut) LUT, \(budget.ff) FF) but no configuration fits all of them at once"
        }
        if case .minimiseResources(_, let limit) = objective {
            let fps = device.clockMHz * 1e6 / best
            let target = targetFPS ?? device.clockMHz * 1e6 / Double(max(limit, 1))
            return
                "infeasible on \(device.part): the target of \(format(target)) fps (\(limit) cycles) is out of reach; the fastest configuration within the budget reaches \(format(fps)) fps (\(Int(best)) cycles)"
        }
        return "infeasible on \(device.part)"
    }

    private func format(_ x: Double) -> String {
        let scaled = (x * 100).rounded() / 100
        // x * 100 overflows to infinity for targets near Double.greatestFiniteMagnitude.
        return scaled.isFinite ? "\(scaled)" : "\(x)"
    }
}
