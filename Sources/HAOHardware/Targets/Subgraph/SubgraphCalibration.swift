import HAONetwork
import HAOSolver

/// A latency as a linear form in the subgraph target's calibration parameters: ideal-rate compute
/// cycles of each ``ComputeKind`` (each divided by its efficiency), DDR bytes (divided by the bytes
/// per cycle at the effective bandwidth) and cycles no parameter scales.
public struct LatencyForm: Sendable, Hashable, AdditiveArithmetic {
    /// Compute cycles by ``ComputeKind`` raw value (lanes beyond the kinds stay 0).
    public var compute: SIMD8<Double>
    /// DDR bytes.
    public var bytes: Double
    /// Cycles no parameter scales.
    public var fixed: Double
    /// Elements squeeze-excite gates run over (times the cycles per element).
    public var gateElements: Double

    /// A form with the given coefficients; every coefficient is zero by default.
    public init(compute: SIMD8<Double> = .zero, bytes: Double = 0, fixed: Double = 0, gateElements: Double = 0) {
        self.compute = compute
        self.bytes = bytes
        self.fixed = fixed
        self.gateElements = gateElements
    }

    /// The form with every coefficient zero, the identity of `+`.
    public static var zero: LatencyForm { LatencyForm() }
    /// The coefficient-wise sum: the form of two workloads run one after the other.
    public static func + (a: LatencyForm, b: LatencyForm) -> LatencyForm {
        LatencyForm(
            compute: a.compute + b.compute, bytes: a.bytes + b.bytes, fixed: a.fixed + b.fixed,
            gateElements: a.gateElements + b.gateElements)
    }
    /// The coefficient-wise difference (``AdditiveArithmetic``).
    public static func - (a: LatencyForm, b: LatencyForm) -> LatencyForm {
        LatencyForm(
            compute: a.compute - b.compute, bytes: a.bytes - b.bytes, fixed: a.fixed - b.fixed,
            gateElements: a.gateElements - b.gateElements)
    }

    /// The cycles this form takes with `inverseEfficiency` per kind, `bytesPerCycle` and
    /// `gateCyclesPerElement`.
    public func cycles(inverseEfficiency: SIMD8<Double>, bytesPerCycle: Double, gateCyclesPerElement: Double) -> Double {
        (compute * inverseEfficiency).sum() + bytes / bytesPerCycle + fixed + gateElements * gateCyclesPerElement
    }
}

/// The cost model's formulas evaluated as ``LatencyForm``s.
struct LatencyFormAlgebra: CycleAlgebra {
    func compute(_ cycles: Int, _ kind: ComputeKind) -> LatencyForm {
        var form = LatencyForm()
        form.compute[kind.rawValue] = Double(cycles)
        return form
    }
    func fixed(_ cycles: Int) -> LatencyForm { LatencyForm(fixed: Double(cycles)) }
    func ddr(bytes: Int) -> LatencyForm { LatencyForm(bytes: Double(bytes)) }
    func squeezeExciteGate(elements: Int) -> LatencyForm { LatencyForm(gateElements: Double(elements)) }
    func times(_ n: Int, _ value: LatencyForm) -> LatencyForm {
        let k = Double(n)
        return LatencyForm(compute: value.compute * k, bytes: value.bytes * k, fixed: value.fixed * k, gateElements: value.gateElements * k)
    }
}

/// What a measured workload reduces to on the subgraph target: per stage its DDR bytes, its
/// latency paths as ``LatencyForm``s and its layer count, on one configuration.
public struct SubgraphLatencyTerms: Sendable {
    /// One stage's terms.
    public struct StageTerms: Sendable {
        /// DDR bytes of the stage (its memory bound).
        public var memoryBytes: Double
        /// Each latency path (sum over engines) of the stage.
        public var paths: [LatencyForm]
        /// Layers the stage runs (for the per-layer overhead).
        public var layers: Int
    }
    /// The device clock.
    public var clockMHz: Double
    /// DDR bytes per cycle at the device file's sustained bandwidth (efficiency 1).
    public var bytesPerCycle: Double
    /// Program launches the measurement includes.
    public var programs: Int
    /// The measured stages.
    public var stages: [StageTerms]
    /// The configuration the workload was evaluated on.
    public var configuration: SubgraphConfiguration
}

extension SubgraphTarget: CalibratableTarget {
    /// "uncalibrated: ideal pipeline": the defaults (efficiencies 1, overheads 0) keep every engine busy every cycle,
    /// DDR at the sustained bandwidth and no gap between stages or programs (docs/calibration.md).
    public static var uncalibratedLatencyModel: String { "uncalibrated: ideal pipeline" }

    /// The subgraph template's calibration parameters (docs/cost-model.md, "Calibration parameters").
    public static let calibrationParameters: [CalibrationParameter] = [
        CalibrationParameter(
            name: "ddr_efficiency", summary: "achieved DDR bandwidth as a fraction of the device file's sustained figure", unit: "fraction",
            defaultValue: 1, lowerBound: 0.05, upperBound: 2,
            source:
                "default 1: the device file's figure is already 50% of the interface's theoretical peak (Models/devices/README.md); upper bound 2 = the theoretical peak; lower bound 0.05, far below any DDR interface"
        ),
        CalibrationParameter(
            name: "launch_overhead_us", summary: "fixed time per program run: start, completion interrupt, host call", unit: "us",
            defaultValue: 0, lowerBound: 0, upperBound: 5_000,
            source:
                "default 0: the ideal pipeline; the template has not been built, so no launch cost of it is measured. Upper bound 5 ms, beyond any host call of an embedded runtime"
        ),
        CalibrationParameter(
            name: "stage_overhead_us", summary: "fixed time per stage: controller hand-over, DMA set-up, first DDR access", unit: "us",
            defaultValue: 0, lowerBound: 0, upperBound: 1_000,
            source: "default 0: the ideal pipeline (pipeline fill and drain are already counted); upper bound 1 ms per stage"),
        CalibrationParameter(
            name: "layer_overhead_us", summary: "fixed time per layer a stage runs: engine loop set-up", unit: "us",
            defaultValue: 0, lowerBound: 0, upperBound: 1_000,
            source: "default 0: the ideal pipeline; upper bound 1 ms per layer"),
        CalibrationParameter(
            name: "efficiency_pointwise", summary: "compute rate of 1x1 convolutions (and the im2col'ed stem) relative to the cycle model",
            unit: "fraction",
            defaultValue: 1, lowerBound: 0.01, upperBound: 1,
            source:
                "default 1: a fully pipelined loop starts one iteration per cycle (initiation interval 1); an engine cannot beat its unroll"
        ),
        CalibrationParameter(
            name: "efficiency_depthwise_k3", summary: "compute rate of 3x3 (and 1x1) depthwise convolutions relative to the cycle model",
            unit: "fraction",
            defaultValue: 1, lowerBound: 0.01, upperBound: 1, source: "as efficiency_pointwise"),
        CalibrationParameter(
            name: "efficiency_depthwise_k5", summary: "compute rate of 5x5 depthwise convolutions relative to the cycle model",
            unit: "fraction",
            defaultValue: 1, lowerBound: 0.01, upperBound: 1, source: "as efficiency_pointwise"),
        CalibrationParameter(
            name: "efficiency_depthwise_k7", summary: "compute rate of 7x7 depthwise convolutions relative to the cycle model",
            unit: "fraction",
            defaultValue: 1, lowerBound: 0.01, upperBound: 1, source: "as efficiency_pointwise"),
        CalibrationParameter(
            name: "efficiency_fc",
            summary: "compute rate of the head's fully connected layers (hidden FC, classifier) relative to the cycle model",
            unit: "fraction",
            defaultValue: 1, lowerBound: 0.01, upperBound: 1, source: "as efficiency_pointwise"),
        CalibrationParameter(
            name: "efficiency_se", summary: "compute rate of squeeze-excite's two fully connected layers relative to the cycle model",
            unit: "fraction",
            defaultValue: 1, lowerBound: 0.01, upperBound: 1, source: "as efficiency_pointwise"),
        CalibrationParameter(
            name: "se_gate_cycles_per_element",
            summary:
                "cycles per element of a squeeze-excite block's depthwise output for its gate (global pool, channel-wise multiply) beyond the pipeline",
            unit: "cycles",
            defaultValue: 0, lowerBound: 0, upperBound: 8,
            source:
                "default 0: the ideal pipeline pools in the depthwise engine's output path and multiplies in the project engine's input stream; upper bound 8, a scalar unit reading, multiplying and writing each element through DDR without overlap"
        ),
    ]

    /// The terms of the whole `network` run as `scope`, on `configuration` or, when nil, on the least-latency configuration.
    /// Throws ``HardwareError`` when the target cannot run `network` or nothing fits the device.
    public func latencyTerms(
        of network: Network, scope: WorkloadScope,
        configuration: SubgraphConfiguration?
    ) throws(HardwareError) -> SubgraphLatencyTerms {
        try latencyTerms(of: network, part: .wholeNetwork, scope: scope, configuration: configuration)
    }

    /// The terms of `part` of `network`. Without a configuration, the workload is evaluated on the
    /// configuration this target chooses for it (for a part: the least latency of that part alone).
    /// A part timed as its own program (``WorkloadScope/singleBlock``) loads its weights before it
    /// computes, whatever the buffering, and pays one launch.
    public func latencyTerms(
        of network: Network, part: MeasuredPart, scope: WorkloadScope,
        configuration: SubgraphConfiguration?
    ) throws(HardwareError) -> SubgraphLatencyTerms {
        let (model, full) = try setUp(network)
        let indices = try stageIndices(of: part, in: model.stages, network: network)
        let chosen: SubgraphConfiguration
        if let configuration {
            chosen = configuration
        } else {
            chosen = try bestConfiguration(full.restricted(toStages: indices), network: network, part: part)
        }
        var engines = EngineKind.allCases.map { chosen[$0] }
        if scope == .singleBlock {
            for e in engines.indices where engines[e].weightBuffering == .double { engines[e].weightBuffering = .single }
        }
        let algebra = LatencyFormAlgebra()
        let stages = indices.map { s -> SubgraphLatencyTerms.StageTerms in
            let stage = model.stages[s]
            var paths = [LatencyForm](repeating: .zero, count: model.pathCount(stage))
            for config in engines {
                let terms = model.pathTerms(stage, config, algebra)
                for k in 0..<terms.count { paths[k] += terms[k] }
            }
            return .init(memoryBytes: Double(model.memoryBytes(stage)), paths: paths, layers: stage.layers.count)
        }
        let programs: Int
        switch scope {
        case .network: programs = part == .wholeNetwork ? 1 : 0
        case .singleBlock: programs = indices.count
        }
        return SubgraphLatencyTerms(
            clockMHz: device.clockMHz, bytesPerCycle: SubgraphCostModel.bytesPerCycle(device, .uncalibrated),
            programs: programs, stages: stages, configuration: chosen)
    }

    /// The latency in milliseconds of `terms` with the parameters at `values` (in ``calibrationParameters`` order).
    public func predictedLatencyMs(_ terms: SubgraphLatencyTerms, parameters values: [Double]) -> Double {
        PreparedParameters(values).latencyMs(terms)
    }

    /// The latencies in milliseconds of `terms[rows]`, in `rows` order, with the parameters at `values` prepared once.
    public func predictedLatenciesMs(_ terms: [SubgraphLatencyTerms], rows: [Int], parameters values: [Double]) -> [Double] {
        let prepared = PreparedParameters(values)
        return rows.map { prepared.latencyMs(terms[$0]) }
    }

    /// The parameters in the form the prediction uses.
    struct PreparedParameters {
        var inverseEfficiency = SIMD8<Double>.zero
        var ddrEfficiency: Double
        var launchUs: Double, stageUs: Double, layerUs: Double
        var gateCyclesPerElement: Double

        init(_ values: [Double]) {
            let p = SubgraphLatencyParameters(values: values)
            for kind in ComputeKind.allCases { inverseEfficiency[kind.rawValue] = 1 / p.efficiency(kind) }
            ddrEfficiency = p.ddrEfficiency
            launchUs = p.launchOverheadUs
            stageUs = p.stageOverheadUs
            layerUs = p.layerOverheadUs
            gateCyclesPerElement = p.squeezeExciteCyclesPerElement
        }

        /// max(DDR time, longest path) plus the overheads of every stage, and the launches.
        func latencyMs(_ terms: SubgraphLatencyTerms) -> Double {
            let bytesPerCycle = terms.bytesPerCycle * ddrEfficiency
            let stageCycles = stageUs * terms.clockMHz
            let layerCycles = layerUs * terms.clockMHz
            var cycles = 0.0
            for stage in terms.stages {
                var longest = stage.memoryBytes / bytesPerCycle
                for path in stage.paths {
                    longest = max(
                        longest,
                        path.cycles(
                            inverseEfficiency: inverseEfficiency, bytesPerCycle: bytesPerCycle, gateCyclesPerElement: gateCyclesPerElement))
                }
                cycles += longest + stageCycles + Double(stage.layers) * layerCycles
            }
            return cycles / (terms.clockMHz * 1000) + Double(terms.programs) * launchUs / 1000
        }
    }

    /// The stages `part` covers.
    func stageIndices(of part: MeasuredPart, in stages: [Stage], network: Network) throws(HardwareError) -> [Int] {
        let indices = stages.indices.filter { s in
            switch (part, stages[s].kind) {
            case (.wholeNetwork, _): return true
            case (.block(let b), .block(let c)): return b == c
            case (.stem, .stem), (.headConv, .headConv), (.headHidden, .headHidden), (.classifier, .classifier): return true
            default: return false
            }
        }
        guard !indices.isEmpty else { throw .invalidOption("\(network.name) has no \(part)") }
        return indices
    }

    /// The configuration of least latency for the stages of `instance`.
    func bestConfiguration(_ instance: SubgraphInstance, network: Network, part: MeasuredPart) throws(HardwareError)
        -> SubgraphConfiguration
    {
        let problem = SubgraphProblem(
            full: instance, pruning: pruning, objective: .minimiseLatency, formulation: formulation, name: network.name)
        let outcome: ExactOutcome<SubgraphConfiguration>
        do { outcome = try problem.solveNatively() } catch { throw .solverFailed(error) }
        guard let answer = outcome.answer else {
            throw .unsupported("no configuration of the \(Self.id) target fits \(device.part) for the \(part) of \(network.name)")
        }
        return answer
    }
}

extension SubgraphInstance {
    /// The instance of `stages` alone (their paths and floors; candidates and resources unchanged).
    public func restricted(toStages stages: [Int]) -> SubgraphInstance {
        if stages == Array(stageNames.indices) { return self }
        var newIndex = [Int](repeating: -1, count: stageNames.count)
        for (i, s) in stages.enumerated() { newIndex[s] = i }
        let keptPaths = (0..<pathCount).filter { newIndex[pathStage[$0]] >= 0 }
        var result = self
        result.stageNames = stages.map { stageNames[$0] }
        result.memoryCycles = stages.map { memoryCycles[$0] }
        result.pathStage = keptPaths.map { newIndex[pathStage[$0]] }
        result.terms = candidates.indices.map { e in
            var table: [Int] = []
            table.reserveCapacity(candidates[e].count * keptPaths.count)
            for c in candidates[e].indices { for k in keptPaths { table.append(term(e, c, k)) } }
            return table
        }
        return result
    }
}
