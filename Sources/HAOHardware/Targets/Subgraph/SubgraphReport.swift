import HAONetwork

/// Per-engine figures of one stage.
public struct EngineStageReport: Sendable, Hashable, Codable {
    /// The engine.
    public var engine: EngineKind
    /// Cycles the engine is busy in this stage (0 when idle).
    public var busyCycles: Int
    /// Multiply-accumulates the engine performs in this stage.
    public var macs: Int
}

/// Where one stage's time goes.
public struct StageReport: Sendable, Hashable, Codable {
    /// What bounds a stage's latency.
    public enum Bound: String, Sendable, Hashable, Codable {
        /// DDR traffic (weights and feature maps) takes longer than computing.
        case memory
        /// The busiest engine.
        case expand, depthwise, project
    }
    /// The stage's name, e.g. "block 3".
    public var name: String
    /// The stage's latency: its longest path, and no less than its memory time, plus its overhead.
    public var latencyCycles: Int
    /// Cycles of the longest pipeline path (compute plus fill and drain).
    public var computeCycles: Int
    /// Cycles of the stage's DDR traffic.
    public var memoryCycles: Int
    /// Bytes of the stage's DDR traffic.
    public var memoryBytes: Int
    /// Fixed overhead cycles (launch, stage and per-layer overheads of a calibrated model; 0 in
    /// the uncalibrated one).
    public var overheadCycles: Int = 0
    /// What bounds the stage.
    public var bound: Bound
    /// Per-engine figures.
    public var engines: [EngineStageReport]
    /// Weight bits of the stage's layers.
    public var weightBits: Int
    /// Multiply-accumulates of the stage's layers.
    public var macs: Int
}

/// The cost model's full evaluation of one configuration.
public struct SubgraphReport: TargetReport, Hashable {
    /// The configuration evaluated.
    public var configuration: SubgraphConfiguration
    /// Per-stage figures, in execution order.
    public var stages: [StageReport]
    /// The network's latency: the sum of its stages'.
    public var latencyCycles: Int
    /// The clock the cycles run at.
    public var clockMHz: Double
    /// Resources of each engine, in `EngineKind.allCases` order.
    public var engineResources: [Resources]
    /// Resources outside the engines (DMA, interconnect, control).
    public var fixedResources: Resources
    /// Everything the configuration uses.
    public var totalResources: Resources
    /// The usable budget it was evaluated against.
    public var budget: Resources

    /// Batch-1 latency in milliseconds.
    public var latencyMs: Double { Double(latencyCycles) / (clockMHz * 1000) }
}

extension SubgraphCostModel {
    /// Evaluates `configuration` stage by stage and engine by engine.
    public func evaluate(_ configuration: SubgraphConfiguration, budget: Resources? = nil) -> SubgraphReport {
        var stageReports: [StageReport] = []
        var total = 0
        for (s, stage) in stages.enumerated() {
            let n = pathCount(stage)
            var pathSums = [Int](repeating: 0, count: n)
            for kind in EngineKind.allCases {
                for (k, t) in pathTerms(stage, configuration[kind]).enumerated() { pathSums[k] += t }
            }
            let compute = pathSums.max() ?? 0
            let memory = memoryCycles(stage)
            let overhead = overheadCycles(stage, at: s)
            let latency = max(compute, memory) + overhead
            let engines = EngineKind.allCases.map { kind in
                EngineStageReport(
                    engine: kind, busyCycles: busyCycles(stage, configuration[kind]),
                    macs: stage.layers(on: kind).reduce(0) { $0 + $1.macs })
            }
            let busiest = engines.max { $0.busyCycles < $1.busyCycles }!.engine
            let bound: StageReport.Bound =
                memory >= compute
                ? .memory
                : (busiest == .expand ? .expand : busiest == .depthwise ? .depthwise : .project)
            stageReports.append(
                StageReport(
                    name: stage.name, latencyCycles: latency, computeCycles: compute, memoryCycles: memory,
                    memoryBytes: memoryBytes(stage), overheadCycles: overhead, bound: bound, engines: engines,
                    weightBits: stage.layers.reduce(0) { $0 + $1.weightBits },
                    macs: stage.layers.reduce(0) { $0 + $1.macs }))
            total += latency
        }
        let engineResources = EngineKind.allCases.map { resources(configuration[$0]) }
        let totalResources = engineResources.reduce(fixedResources, +)
        return SubgraphReport(
            configuration: configuration, stages: stageReports, latencyCycles: total, clockMHz: device.clockMHz,
            engineResources: engineResources, fixedResources: fixedResources, totalResources: totalResources,
            budget: budget ?? UtilisationCap.standard.budget(of: device))
    }
}

extension HardwareSolution where Target == SubgraphTarget {
    /// Latency in clock cycles of the chosen configuration.
    public var latencyCycles: Int? { report?.latencyCycles }
}
