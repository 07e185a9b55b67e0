import HAONetwork

// Weight tiling (docs/cost-model.md, "Weight tiling"): a tiled engine keeps one BRAM18 row of
// weight buffer per read bank instead of a whole block. A block whose weights on that engine do
// not fit runs the engine's layer in passes over output-channel tiles; each pass loads its tile
// before computing (the load is serial, as for single buffering) and streams the engine's whole
// input again, from DDR: the input of an expand engine is the block input, which is re-read; the
// input of a project engine is the depthwise output, which is written to DDR once (unless
// squeeze-excite already spills it) and read once per pass. When expand is tiled, the project
// engine needs every expanded channel of a pixel at once, so the depthwise output is spilled and
// read back once too.

extension SubgraphCostModel {
    /// Bits a tiled weight buffer of `config` holds: one BRAM18 row of each read bank, i.e. the
    /// depth of a BRAM18 at the bank width, times the bits read per cycle.
    func tileCapacityBits(_ config: EngineConfiguration) -> Int {
        Self.tileCapacityBits(readBits: weightBufferReadBits(config), maxWidth: parameters.bram18MaxWidth)
    }

    /// Bits a tiled buffer read `readBits` per cycle holds (one BRAM18 deep per bank).
    static func tileCapacityBits(readBits: Int, maxWidth: Int) -> Int {
        guard readBits > 0 else { return 0 }
        let banks = ceilDiv(readBits, maxWidth)
        return readBits * BlockRAM.bram18Depth(width: ceilDiv(readBits, banks))
    }

    /// How many tiles `config` (tiled) runs its layers of `stage` in, and the DDR bytes tiling adds.
    /// One tile (the block fits) adds nothing; the weights themselves are counted by the serial load.
    func tiling(_ stage: Stage, _ config: EngineConfiguration) -> (tiles: Int, extraBytes: Int) {
        guard case .block = stage.kind else { return (1, 0) }
        let weightBits = stage.layers(on: config.kind).reduce(0) { $0 + $1.weightBits }
        let capacity = tileCapacityBits(config)
        guard weightBits > 0, capacity > 0 else { return (1, 0) }
        let tiles = ceilDiv(weightBits, capacity)
        guard tiles > 1, let dw = stage.depthwiseLayer else { return (tiles, 0) }
        let withSE = !stage.seLayers.isEmpty
        let dwOutput = ceilDiv(dw.outputSize * dw.outputSize * dw.outChannels * dw.precision.activationBits, 8)
        switch config.kind {
        case .expand:
            let first = stage.layers[0]
            let input = ceilDiv(first.inputSize * first.inputSize * first.inChannels * first.precision.activationBits, 8)
            return (tiles, (tiles - 1) * input + (withSE ? 0 : 2 * dwOutput))
        case .project:
            return (tiles, withSE ? (tiles - 1) * dwOutput : (tiles + 1) * dwOutput)
        case .depthwise:
            // Not offered by default (depthwise weights are k x k per channel); if configured, its
            // input (the expanded map) is spilled once and read once per pass.
            let dwInput = ceilDiv(dw.inputSize * dw.inputSize * dw.inChannels * dw.precision.activationBits, 8)
            return (tiles, (tiles + 1) * dwInput)
        }
    }
}
