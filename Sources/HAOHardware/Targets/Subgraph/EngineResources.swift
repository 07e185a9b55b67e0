import HAONetwork

extension SubgraphCostModel {
    /// The three engines' resources for `config`, as built for this network.
    public func resources(_ config: EngineConfiguration) -> Resources {
        let p = parameters
        let e = config.kind.index
        let packing = device.family.macsPerDSP(bits: designBits[e])
        let dsp = ceilDiv(config.lanes, packing)
        let a = designActivationBits[e]
        let engineLayers = self.engineLayers[e]
        let maxSpeedup = engineLayers.map { speedup(config.kind, bits: $0.precision.operandBits) }.max() ?? 1

        var bram = weightBufferBRAM(config)
        // Line buffer of the depthwise engine: k-1 rows of the input feature map for the whole
        // expanded width, one memory per row, each read PC channels per cycle.
        if config.kind == .depthwise {
            var lineBuffer = 0
            for layer in engineLayers where layer.kind == .depthwise {
                let rowWords = ceilDiv(layer.inputSize * layer.inChannels, config.unrollA)
                let perRow = BlockRAM.bram18Count(widthBits: config.unrollA * a, words: rowWords, maxWidth: p.bram18MaxWidth)
                lineBuffer = max(lineBuffer, (layer.kernel - 1) * perRow)
            }
            bram += lineBuffer
        }
        // Output FIFO of the engine: one word per cycle of its output lanes.
        let outLanes = (config.kind == .depthwise ? config.unrollA : config.unrollB) * maxSpeedup
        bram += ceilDiv(outLanes * a, p.bram18MaxWidth) * ceilDiv(p.fifoDepth, 512)

        // Logic: adder trees (one adder per extra input, accumulator-wide), accumulators and
        // requantisation per output lane, packing correction per DSP, window registers for depthwise.
        let inputs = config.kind == .depthwise ? config.unrollB : config.unrollA
        let adderWidth = 2 * designBits[e] + ceilLog2(max(inputs, 1))
        let adders = max(inputs - 1, 0) * outLanes
        var lut = p.engineControlLUT + adders * adderWidth + outLanes * (p.accumulatorBits + p.requantiseLUTPerLane)
        var ff = p.engineControlFF + adders * adderWidth + outLanes * (p.accumulatorBits + p.requantiseFFPerLane)
        if packing > 1 { lut += dsp * p.packingCorrectionLUTPerDSP }
        // Operand registers in front of each DSP (both ports) at the design width.
        ff += dsp * 2 * designBits[e] * packing
        if config.kind == .depthwise {
            let kMax = engineLayers.map(\.kernel).max() ?? 3
            ff += config.unrollA * maxSpeedup * kMax * kMax * a
        }
        return Resources(dsp: dsp, bram18: bram, uram: 0, lut: lut, ff: ff)
    }

    /// Weight-buffer size in bits for blocks whose weights on one engine are `blockWeightBits`
    /// (in execution order). Double buffering: a circular buffer holding the current block's
    /// weights and the next block's, prefetched while the current one computes (without reserving
    /// two copies of the largest block), sized for the largest consecutive pair. Single buffering:
    /// the largest block. Tiled: no whole block (the buffer is one BRAM18 row per read bank, see
    /// ``weightBufferBRAM(readBits:blockWeightBits:buffering:maxWidth:)``), so 0 here. Stem and head
    /// layers stream through it in tiles and do not size it.
    public static func weightBufferBits(_ blockWeightBits: [Int], _ buffering: WeightBuffering) -> Int {
        if buffering == .tiled { return 0 }
        var bufferBits = blockWeightBits.max() ?? 0
        if buffering == .double {
            for i in blockWeightBits.indices.dropLast() {
                bufferBits = max(bufferBits, blockWeightBits[i] + blockWeightBits[i + 1])
            }
        }
        return bufferBits
    }

    /// BRAM18 of a weight buffer read `readBits` per cycle for blocks with `blockWeightBits` on the
    /// engine: sized by ``weightBufferBits(_:_:)``, or for a tiled buffer one BRAM18 per read bank
    /// (nothing when no block has weights on the engine).
    public static func weightBufferBRAM(readBits: Int, blockWeightBits: [Int], buffering: WeightBuffering, maxWidth: Int) -> Int {
        guard buffering == .tiled else {
            return BlockRAM.bram18Count(readBits: readBits, sizeBits: weightBufferBits(blockWeightBits, buffering), maxWidth: maxWidth)
        }
        guard readBits > 0, blockWeightBits.contains(where: { $0 > 0 }) else { return 0 }
        return ceilDiv(readBits, maxWidth)
    }

    /// Bits `config`'s engine reads from its weight buffer per cycle: every lane's weight, times
    /// the packing speed-up of the narrowest layer it runs.
    func weightBufferReadBits(_ config: EngineConfiguration) -> Int {
        config.lanes * readBitsPerLane[config.kind.index]
    }

    /// BRAM18 of `config`'s weight buffer.
    func weightBufferBRAM(_ config: EngineConfiguration) -> Int {
        Self.weightBufferBRAM(
            readBits: weightBufferReadBits(config), blockWeightBits: blockWeightBits[config.kind.index],
            buffering: config.weightBuffering, maxWidth: parameters.bram18MaxWidth)
    }

    /// Resources outside the engines.
    public var fixedResources: Resources {
        Resources(dsp: 0, bram18: parameters.shellBRAM18, uram: 0, lut: parameters.shellLUT, ff: parameters.shellFF)
    }
}
