import HAONetwork

// What the solvers' tables hold per stage: the latency floor (DDR time plus fixed overhead) and
// each engine configuration's path terms, the fixed overhead carried by the expand engine's term
// (every path sums exactly one expand term), so that a stage's latency is
// max(DDR time, longest path) + overhead while the program stays a sum of per-engine terms.

extension SubgraphCostModel {
    /// Whole cycles of `microseconds` at the device clock.
    func cycles(microseconds: Double) -> Int {
        microseconds == 0 ? 0 : Int((microseconds * device.clockMHz).rounded())
    }

    /// The fixed overhead of the stage at `index` (`stage` may be that stage at other bit widths):
    /// the per-stage and per-layer overheads, and for the first stage the per-program launch.
    public func overheadCycles(_ stage: Stage, at index: Int) -> Int {
        let l = parameters.latency
        return cycles(microseconds: l.stageOverheadUs) + stage.layers.count * cycles(microseconds: l.layerOverheadUs)
            + (index == 0 ? cycles(microseconds: l.launchOverheadUs) : 0)
    }

    /// The least latency of the stage at `index` whatever the engines: its DDR time plus its overhead.
    public func floorCycles(_ stage: Stage, at index: Int) -> Int {
        memoryCycles(stage) + overheadCycles(stage, at: index)
    }

    /// `config`'s term in each path of the stage at `index`, its overhead included for the expand engine.
    public func stageTerms(_ stage: Stage, at index: Int, _ config: EngineConfiguration) -> [Int] {
        stageTermValues(stage, at: index, config).array
    }

    /// ``stageTerms(_:at:_:)`` without an allocation.
    func stageTermValues(_ stage: Stage, at index: Int, _ config: EngineConfiguration) -> PathValues<Int> {
        let terms = pathTerms(stage, config, clock)
        guard config.kind == .expand else { return terms }
        let overhead = overheadCycles(stage, at: index)
        return overhead == 0 ? terms : terms.adding(overhead)
    }
}
