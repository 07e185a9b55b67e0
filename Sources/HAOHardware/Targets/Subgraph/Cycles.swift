import HAONetwork

/// The arithmetic the cost model's latency formulas are written in, so that one set of formulas
/// serves the solvers (whole clock cycles at the target's latency parameters, ``ClockCycles``) and
/// calibration (a linear form in those parameters, ``LatencyForm``).
protocol CycleAlgebra {
    associatedtype Value: AdditiveArithmetic
    /// `cycles` of a layer's streaming compute at the cycle model's ideal rate, for a layer of `kind`.
    func compute(_ cycles: Int, _ kind: ComputeKind) -> Value
    /// Cycles no parameter scales (pipeline depth).
    func fixed(_ cycles: Int) -> Value
    /// The time to move `bytes` over DDR.
    func ddr(bytes: Int) -> Value
    /// The time of a squeeze-excite gate over `elements` elements of the depthwise output.
    func squeezeExciteGate(elements: Int) -> Value
    /// `n` times `value`.
    func times(_ n: Int, _ value: Value) -> Value
}

/// Whole clock cycles with the latency parameters as constants: every term is an integer, so the
/// solvers compare exact numbers. Compute cycles are divided by their kind's efficiency and rounded
/// up; DDR bytes take `ceil(bytes / bytes per cycle)` at the effective bandwidth.
struct ClockCycles: CycleAlgebra {
    /// Efficiency by ``ComputeKind``.
    var efficiencies: [Double]
    /// DDR bytes per clock cycle at the effective bandwidth.
    var bytesPerCycle: Double
    /// Cycles per element of a squeeze-excite gate.
    var squeezeExciteCyclesPerElement: Double = 0

    func compute(_ cycles: Int, _ kind: ComputeKind) -> Int {
        let e = efficiencies[kind.rawValue]
        return e == 1 ? cycles : Int((Double(cycles) / e).rounded(.up))
    }
    func fixed(_ cycles: Int) -> Int { cycles }
    func ddr(bytes: Int) -> Int { bytes > 0 ? Int((Double(bytes) / bytesPerCycle).rounded(.up)) : 0 }
    func squeezeExciteGate(elements: Int) -> Int {
        squeezeExciteCyclesPerElement == 0 ? 0 : Int((Double(elements) * squeezeExciteCyclesPerElement).rounded(.up))
    }
    func times(_ n: Int, _ value: Int) -> Int { n * value }
}

/// Cycle counts of one layer on one engine configuration.
struct LayerCycles<Value: AdditiveArithmetic>: Equatable {
    /// Cycles for one output row (for FC layers: the whole layer).
    var row: Value
    /// Output rows.
    var rows: Int
    /// Pipeline depth (multiplier, adder tree, requantisation).
    var depth: Value
    /// Every row plus the depth.
    var total: Value
}

extension LayerCycles where Value == Int {
    /// Whole-cycle counts: `total = row * rows + depth`.
    init(row: Int, rows: Int, depth: Int) {
        self.init(row: row, rows: rows, depth: depth, total: row * rows + depth)
    }
}

/// An engine's terms in the (at most three) latency paths of one stage, without an allocation.
struct PathValues<Value: AdditiveArithmetic> {
    var count: Int
    var values: (Value, Value, Value)

    init(_ a: Value) {
        count = 1
        values = (a, .zero, .zero)
    }
    init(_ a: Value, _ b: Value) {
        count = 2
        values = (a, b, .zero)
    }
    init(_ a: Value, _ b: Value, _ c: Value) {
        count = 3
        values = (a, b, c)
    }

    subscript(k: Int) -> Value { k == 0 ? values.0 : k == 1 ? values.1 : values.2 }

    /// Every path plus `x`.
    func adding(_ x: Value) -> PathValues {
        var copy = self
        copy.values = (values.0 + x, values.1 + x, values.2 + x)
        return copy
    }

    var array: [Value] { (0..<count).map { self[$0] } }
}

@inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
@inline(__always) func ceilLog2(_ n: Int) -> Int {
    var levels = 0
    var width = 1
    while width < n {
        width *= 2
        levels += 1
    }
    return levels
}

extension SubgraphCostModel {
    /// Cycles of `layer` on `config`, in `algebra`.
    func cycles<A: CycleAlgebra>(_ layer: Layer, on config: EngineConfiguration, _ algebra: A) -> LayerCycles<A.Value> {
        let s = speedup(config.kind, bits: layer.precision.operandBits)
        let p = parameters
        let rawRow: Int
        let depth: Int
        switch layer.kind {
        case .depthwise:
            let taps = layer.kernel * layer.kernel
            // s output columns share each weight when products are packed.
            rawRow = ceilDiv(layer.outputSize, s) * ceilDiv(layer.outChannels, config.unrollA) * ceilDiv(taps, config.unrollB)
            depth = p.dspPipelineDepth + ceilLog2(config.unrollB) + p.requantiseDepth
        case .pointwise, .convolution, .fullyConnected:
            // The stem is a 1x1 conv over its im2col'ed k*k*Cin input; FC layers are 1x1 convs at 1x1 spatial.
            let inPerGroup = layer.kernel * layer.kernel * layer.inChannels / layer.groups
            let outPerGroup = layer.outChannels / layer.groups
            rawRow = layer.outputSize * layer.groups * ceilDiv(inPerGroup, config.unrollA) * ceilDiv(outPerGroup, config.unrollB * s)
            depth = p.dspPipelineDepth + ceilLog2(config.unrollA) + p.requantiseDepth
        }
        let row = algebra.compute(rawRow, ComputeKind.of(layer))
        let fixedDepth = algebra.fixed(depth)
        return LayerCycles(row: row, rows: layer.outputSize, depth: fixedDepth, total: algebra.times(layer.outputSize, row) + fixedDepth)
    }

    /// Cycles of `layer` on `config` in whole clock cycles.
    func cycles(_ layer: Layer, on config: EngineConfiguration) -> LayerCycles<Int> { cycles(layer, on: config, clock) }

    /// How many latency paths `stage` has (see ``pathTerms(_:_:)``).
    public func pathCount(_ stage: Stage) -> Int {
        switch stage.kind {
        case .stem, .headConv, .headHidden, .classifier: return 1
        case .block: return stage.seLayers.isEmpty ? 3 : 2
        }
    }

    /// The latency of a stage is "at least each of its paths", each path a sum of one term per
    /// engine, and at least its memory bound. This returns `config`'s term in each path, in clock cycles.
    ///
    /// Paths model the streaming pipeline: in path j, engine j is the bottleneck and runs its
    /// whole layer; the engines before it only fill the pipeline up to the rows the next one
    /// needs to start, the engines after it only drain their last row. An idle engine's term is 0.
    public func pathTerms(_ stage: Stage, _ config: EngineConfiguration) -> [Int] {
        pathTerms(stage, config, clock).array
    }

    /// ``pathTerms(_:_:)`` in `algebra`. A single-buffered or tiled engine cannot start a block
    /// before its weights (or its first tile) are in, so every path through the block waits for the
    /// load; a tiled engine also re-reads its input for every tile (``tiling(_:_:)``).
    func pathTerms<A: CycleAlgebra>(_ stage: Stage, _ config: EngineConfiguration, _ algebra: A) -> PathValues<A.Value> {
        let terms = computePathTerms(stage, config, algebra)
        guard config.weightBuffering != .double, case .block = stage.kind else { return terms }
        var serial = algebra.ddr(bytes: weightBytes(stage, config.kind))
        if config.weightBuffering == .tiled { serial += algebra.ddr(bytes: tiling(stage, config).extraBytes) }
        return terms.adding(serial)
    }

    /// ``pathTerms(_:_:)`` without the serial weight load.
    func computePathTerms<A: CycleAlgebra>(_ stage: Stage, _ config: EngineConfiguration, _ algebra: A) -> PathValues<A.Value> {
        let zero = A.Value.zero
        switch stage.kind {
        case .stem, .headConv:
            return PathValues(config.kind == .expand ? cycles(stage.layers[0], on: config, algebra).total : zero)
        case .headHidden, .classifier:
            return PathValues(config.kind == .project ? cycles(stage.layers[0], on: config, algebra).total : zero)
        case .block:
            let dwLayer = stage.depthwiseLayer!
            let withSE = !stage.seLayers.isEmpty
            switch config.kind {
            case .expand:
                guard let expand = stage.expandLayer else { return withSE ? PathValues(zero, zero) : PathValues(zero, zero, zero) }
                let e = cycles(expand, on: config, algebra)
                // "Same" padding: the first depthwise output row needs (k+1)/2 input rows.
                let head = algebra.times((dwLayer.kernel + 1) / 2, e.row) + e.depth
                return withSE ? PathValues(e.total, head) : PathValues(e.total, head, head)
            case .depthwise:
                let d = cycles(dwLayer, on: config, algebra)
                let edge = d.row + d.depth
                return withSE ? PathValues(edge, d.total) : PathValues(edge, d.total, edge)
            case .project:
                let p = cycles(stage.projectLayer!, on: config, algebra)
                if withSE {
                    // Squeeze-excite: projection waits for the global pool of the whole depthwise
                    // output; then the two SE FCs run on this engine, then the projection streams
                    // the spilled depthwise output back in.
                    // The gate's cost per element (zero in the ideal pipeline) is a constant of the
                    // stage, charged once through this engine's term, which every path contains.
                    let gate = algebra.squeezeExciteGate(elements: dwLayer.outputSize * dwLayer.outputSize * dwLayer.outChannels)
                    let se = stage.seLayers.reduce(gate) { $0 + cycles($1, on: config, algebra).total }
                    return PathValues(se + p.total, se + p.total)
                }
                let tail = p.row + p.depth
                return PathValues(tail, tail, p.total)
            }
        }
    }

    /// Busy cycles of `config`'s engine in `stage` (the sum of its layers' cycles).
    public func busyCycles(_ stage: Stage, _ config: EngineConfiguration) -> Int {
        stage.layers(on: config.kind).reduce(0) { $0 + cycles($1, on: config, clock).total }
    }
}
