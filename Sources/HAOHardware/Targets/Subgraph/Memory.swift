import HAONetwork

extension SubgraphCostModel {
    /// DDR bytes a stage moves: its weights (and biases at 32 bits), its input and output feature
    /// maps, the input again for a residual add, and the depthwise output written and read back
    /// when squeeze-excite has to wait for the global pool.
    public func memoryBytes(_ stage: Stage) -> Int {
        var bits = 0
        for layer in stage.layers {
            bits += layer.weightBits + (layer.hasBias ? layer.outChannels * 32 : 0)
        }
        guard let first = stage.layers.first, let last = stage.layers.last else { return 0 }
        let a = first.precision.activationBits
        let inputBits = first.inputSize * first.inputSize * first.inChannels * (first.kind == .convolution ? 8 : a)
        let outputBits = last.outputSize * last.outputSize * last.outChannels * last.precision.activationBits
        bits += inputBits + outputBits
        if case .block(let b) = stage.kind {
            let block = network.blocks[b]
            if block.hasResidual { bits += inputBits }
            if block.hasSqueezeExcite, let dw = stage.depthwiseLayer {
                bits += 2 * dw.outputSize * dw.outputSize * dw.outChannels * dw.precision.activationBits
            }
        }
        return ceilDiv(bits, 8)
    }

    /// DDR bytes per clock cycle at the device's sustained bandwidth times the DDR efficiency.
    static func bytesPerCycle(_ device: Device, _ latency: SubgraphLatencyParameters) -> Double {
        device.ddrBandwidthGBps * 1e9 * latency.ddrEfficiency / (device.clockMHz * 1e6)
    }

    /// Cycles to move `memoryBytes(stage)` at the effective DDR bandwidth and the clock.
    public func memoryCycles(_ stage: Stage) -> Int { clock.ddr(bytes: memoryBytes(stage)) }

    /// Bytes of the weights (and biases) that `kind`'s engine uses in `stage`.
    public func weightBytes(_ stage: Stage, _ kind: EngineKind) -> Int {
        var bits = 0
        for layer in stage.layers where EngineKind.running(layer.role) == kind {
            bits += layer.weightBits + (layer.hasBias ? layer.outChannels * 32 : 0)
        }
        return ceilDiv(bits, 8)
    }

    /// Cycles to fetch the weights (and biases) that `kind`'s engine uses in `stage` from DDR.
    public func weightLoadCycles(_ stage: Stage, _ kind: EngineKind) -> Int { clock.ddr(bytes: weightBytes(stage, kind)) }
}
