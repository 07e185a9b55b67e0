import HAONetwork

/// Cycle counts of one layer on one engine configuration.
struct LayerCycles: Sendable, Hashable {
    /// Cycles for one output row (for FC layers: the whole layer).
    var row: Int
    /// Output rows.
    var rows: Int
    /// Pipeline depth (multiplier, adder tree, requantisation).
    var depth: Int
    var total: Int { row * rows + depth }
}

@inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
@inline(__always) func ceilLog2(_ n: Int) -> Int {
    var levels = 0
    var width = 1
    while width < n { width *= 2; levels += 1 }
    return levels
}

extension SubgraphCostModel {
    /// Cycles of `layer` on `config`.
    func cycles(_ layer: Layer, on config: EngineConfiguration) -> LayerCycles {
        let s = speedup(config.kind, bits: layer.precision.operandBits)
        let p = parameters
        switch layer.kind {
        case .depthwise:
            let taps = layer.kernel * layer.kernel
            // s output columns share each weight when products are packed.
            let row = ceilDiv(layer.outputSize, s) * ceilDiv(layer.outChannels, config.unrollA) * ceilDiv(taps, config.unrollB)
            let depth = p.dspPipelineDepth + ceilLog2(config.unrollB) + p.requantiseDepth
            return LayerCycles(row: row, rows: layer.outputSize, depth: depth)
        case .pointwise, .convolution, .fullyConnected:
            // The stem is a 1x1 conv over its im2col'ed k*k*Cin input; FC layers are 1x1 convs at 1x1 spatial.
            let inPerGroup = layer.kernel * layer.kernel * layer.inChannels / layer.groups
            let outPerGroup = layer.outChannels / layer.groups
            let row = layer.outputSize * layer.groups * ceilDiv(inPerGroup, config.unrollA) * ceilDiv(outPerGroup, config.unrollB * s)
            let depth = p.dspPipelineDepth + ceilLog2(config.unrollA) + p.requantiseDepth
            return LayerCycles(row: row, rows: layer.outputSize, depth: depth)
        }
    }

    /// How many latency paths `stage` has (see ``pathTerms(_:_:)``).
    public func pathCount(_ stage: Stage) -> Int {
        switch stage.kind {
        case .stem, .headConv, .headHidden, .classifier: return 1
        case .block: return stage.seLayers.isEmpty ? 3 : 2
        }
    }

    /// The latency of a stage is "at least each of its paths", each path a sum of one term per
    /// engine, and at least its memory bound. This returns `config`'s term in each path.
    ///
    /// Paths model the streaming pipeline: in path j, engine j is the bottleneck and runs its
    /// whole layer; the engines before it only fill the pipeline up to the rows the next one
    /// needs to start, the engines after it only drain their last row. An idle engine's term is 0.
    public func pathTerms(_ stage: Stage, _ config: EngineConfiguration) -> [Int] {
        let terms = computePathTerms(stage, config)
        guard config.weightBuffering == .single, case .block = stage.kind else { return terms }
        // The engine cannot start a block before its weights are in: every path through the
        // block waits for the load first.
        let load = weightLoadCycles(stage, config.kind)
        return terms.map { $0 + load }
    }

    /// ``pathTerms(_:_:)`` without the single-buffering load.
    func computePathTerms(_ stage: Stage, _ config: EngineConfiguration) -> [Int] {
        switch stage.kind {
        case .stem, .headConv:
            return [config.kind == .expand ? cycles(stage.layers[0], on: config).total : 0]
        case .headHidden, .classifier:
            return [config.kind == .project ? cycles(stage.layers[0], on: config).total : 0]
        case .block:
            let dwLayer = stage.depthwiseLayer!
            let withSE = !stage.seLayers.isEmpty
            switch config.kind {
            case .expand:
                guard let expand = stage.expandLayer else { return withSE ? [0, 0] : [0, 0, 0] }
                let e = cycles(expand, on: config)
                // "Same" padding: the first depthwise output row needs (k+1)/2 input rows.
                let head = e.row * ((dwLayer.kernel + 1) / 2) + e.depth
                return withSE ? [e.total, head] : [e.total, head, head]
            case .depthwise:
                let d = cycles(dwLayer, on: config)
                let edge = d.row + d.depth
                return withSE ? [edge, d.total] : [edge, d.total, edge]
            case .project:
                let p = cycles(stage.projectLayer!, on: config)
                if withSE {
                    // Squeeze-excite: projection waits for the global pool of the whole depthwise
                    // output; then the two SE FCs run on this engine, then the projection streams
                    // the spilled depthwise output back in.
                    let se = stage.seLayers.reduce(0) { $0 + cycles($1, on: config).total }
                    return [se + p.total, se + p.total]
                }
                let tail = p.row + p.depth
                return [tail, tail, p.total]
            }
        }
    }

    /// Busy cycles of `config`'s engine in `stage` (the sum of its layers' cycles).
    public func busyCycles(_ stage: Stage, _ config: EngineConfiguration) -> Int {
        stage.layers(on: config.kind).reduce(0) { $0 + cycles($1, on: config).total }
    }
}
