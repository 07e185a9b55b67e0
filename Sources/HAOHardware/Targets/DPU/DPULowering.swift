import HAONetwork

/// One DPU operation with everything its time depends on that does not depend on the latency
/// model's parameters: cycle counts at full efficiency and DDR bytes. docs/dpu.md gives every
/// formula and its source.
public struct DPUOperation: Sendable, Hashable {
    /// Which engine runs it.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Convolution array (conv, 1x1, fully connected).
        case conv
        /// Depthwise convolution on the ALU.
        case depthwise
        /// Global average pooling on the ALU.
        case pool
        /// Element-wise pass (residual add, hard-swish multiply) on the ALU.
        case elementwise
        /// Squeeze-excite: pool, two FCs, gate, channel-wise scale.
        case squeezeExcite = "se"
    }

    /// The engine that runs it, and its label in reports.
    public var kind: Kind
    /// Convolution-array cycles at full efficiency.
    public var convCycles: Int
    /// ALU cycles at full efficiency.
    public var aluCycles: Int
    /// Weight and bias bytes loaded from DDR before the operation computes (not overlapped).
    public var weightBytes: Int
    /// Feature-map DDR bytes, streamed while the operation computes (overlapped).
    public var mapBytes: Int
    /// Squeeze-excite gate round trips (one per ICP channel group).
    public var seGroups: Int
    /// DDR bytes of a squeeze-excite map that does not fit on chip (serialised).
    public var seBytes: Int
    /// OCP x ICP weight tiles the convolution array steps through.
    public var convTiles: Int

    init(_ kind: Kind, conv: Int = 0, alu: Int = 0, weights: Int = 0, maps: Int = 0, seGroups: Int = 0, seBytes: Int = 0, tiles: Int = 0) {
        self.kind = kind
        convCycles = conv
        aluCycles = alu
        weightBytes = weights
        mapBytes = maps
        self.seGroups = seGroups
        self.seBytes = seBytes
        convTiles = tiles
    }

    /// Every DDR byte of the operation.
    public var ddrBytes: Int { weightBytes + mapBytes + seBytes }
}

/// A program lowered to operations.
public struct DPULoweredProgram: Sendable, Hashable {
    /// The operations of each layer group.
    public var operations: [[DPUOperation]]
    /// Whether each group's output goes to DDR (it does not fit on chip, or ends a program).
    public var outputInDDR: [Bool]
    /// Whether every group is its own program.
    public var separatePrograms: Bool

    /// Programs run: one, or one per group.
    public var programCount: Int { separatePrograms ? operations.count : 1 }
}

/// How the compiler keeps feature maps on chip (docs/dpu.md, rules R0-R4): passes of a map that
/// does not fit.
enum DPUResidency {
    /// A depthwise output that spills without squeeze-excite: written once, read once.
    static let spillPasses = 2
    /// A hard-swish expanded map before a stride-2 depthwise, when it fits once but not twice.
    static let hardSwishPassesSmall = 2
    /// The same map when it does not fit even once.
    static let hardSwishPassesLarge = 7
}

extension DPUCore {
    /// Lowers a program to operations, grouped by layer group. With `separatePrograms`, every
    /// layer group is its own program (input read from and output written to DDR), as in
    /// per-block measurements.
    public func lower(_ program: DPUProgram, separatePrograms: Bool = false) -> DPULoweredProgram {
        var result = DPULoweredProgram(operations: [], outputInDDR: [], separatePrograms: separatePrograms)
        var inputInDDR = true  // R0: the program input comes from DDR
        for (index, layer) in program.layers.enumerated() {
            let last = separatePrograms || index == program.layers.count - 1
            let (ops, outputInDDR) = lower(layer, inputInDDR: separatePrograms || inputInDDR, outputToDDR: last)
            result.operations.append(ops)
            result.outputInDDR.append(outputInDDR)
            inputInDDR = outputInDDR
        }
        return result
    }

    /// Operations of one layer group, and whether its output ends in DDR.
    func lower(_ b: DPULayer, inputInDDR: Bool, outputToDDR: Bool) -> ([DPUOperation], Bool) {
        let ho = b.outputSize
        let inBytes = b.inChannels * b.inputSize * b.inputSize
        let outBytes: Int
        let outAddresses: Int
        switch b.kind {
        case .fullyConnected, .pool:
            // A vector: one pixel.
            outBytes = b.outChannels
            outAddresses = ceilDiv(b.outChannels, icp)
        default:
            outBytes = b.outChannels * ho * ho
            outAddresses = mapAddresses(channels: b.outChannels, height: ho, width: ho)
        }
        // R1: the output stays on chip if it fits, else it is written here and read by the next group.
        let outputInDDR = outputToDDR || outAddresses > capacityAddresses
        let mapIn = inputInDDR ? inBytes : 0
        let mapOut = outputInDDR ? outBytes : 0
        switch b.kind {
        case .conv:
            var ops = [convOperation(b, maps: mapIn + mapOut)]
            if b.activation == .hardSwish { ops.append(hardSwish(channels: b.outChannels, size: ho)) }
            return (ops, outputInDDR)
        case .fullyConnected:
            let cycles = ceilDiv(b.outChannels, ocp) * ceilDiv(b.inChannels, icp)
            return (
                [
                    DPUOperation(
                        .conv, conv: cycles, weights: b.inChannels * b.outChannels + b.outChannels, maps: mapIn + mapOut,
                        tiles: tiles(b.inChannels, b.outChannels, kernel: 1))
                ], outputInDDR
            )
        case .pool:
            // One output pixel: no pixel parallelism; one tap per cycle per ICP channel group.
            let cycles = ceilDiv(b.inChannels, icp) * b.inputSize * b.inputSize
            return ([DPUOperation(.pool, alu: cycles, maps: mapIn + mapOut)], outputInDDR)
        case .invertedResidual, .depthwiseSeparable:
            return (mbconv(b, inputInDDR: inputInDDR, mapIn: mapIn, mapOut: mapOut), outputInDDR)
        }
    }

    private func mbconv(_ b: DPULayer, inputInDDR: Bool, mapIn: Int, mapOut: Int) -> [DPUOperation] {
        var ops: [DPUOperation] = []
        let h = b.inputSize
        let ho = b.outputSize
        let mid = b.midChannels
        let k = b.kernel
        let hardSwish = b.activation == .hardSwish
        var mapIn = mapIn
        var spill = 0
        if b.kind == .invertedResidual {
            ops.append(
                DPUOperation(
                    .conv, conv: convCycles(b.inChannels, mid, outSize: h, kernel: 1, groups: b.groups),
                    weights: b.inChannels * mid / b.groups + mid, maps: mapIn,
                    tiles: tiles(b.inChannels, mid, kernel: 1, groups: b.groups)))
            mapIn = 0
            if hardSwish { ops.append(self.hardSwish(channels: mid, size: h)) }
            // R2: expand -> depthwise is row-tiled, except hard swish before a stride-2 depthwise.
            if hardSwish && b.stride == 2 {
                let expanded = mapAddresses(channels: mid, height: h, width: h)
                if expanded > capacityAddresses {
                    spill += DPUResidency.hardSwishPassesLarge * mid * h * h
                } else if 2 * expanded > capacityAddresses {
                    spill += DPUResidency.hardSwishPassesSmall * mid * h * h
                }
            }
        }
        ops.append(DPUOperation(.depthwise, alu: aluCycles(channels: mid, size: ho, taps: k * k), weights: mid * k * k + mid, maps: mapIn))
        if hardSwish { ops.append(self.hardSwish(channels: mid, size: ho)) }
        // R3: the depthwise output.
        let depthwiseSpills = mapAddresses(channels: mid, height: ho, width: ho) > capacityAddresses
        let depthwiseBytes = mid * ho * ho
        if b.seChannels > 0 {
            let rd = b.seChannels
            let groups = ceilDiv(mid, icp)
            let pool = groups * ho * ho
            let fc = ceilDiv(rd, ocp) * groups + groups * ceilDiv(rd, icp)
            let scale = aluCycles(channels: mid, size: ho, taps: 1)
            // A spilled map is written once and re-streamed once per PP-row band.
            let seBytes = depthwiseSpills ? (1 + ceilDiv(ho, pp)) * depthwiseBytes : 0
            ops.append(
                DPUOperation(
                    .squeezeExcite, conv: fc, alu: pool + scale, weights: 2 * mid * rd + rd + mid,
                    seGroups: groups, seBytes: seBytes, tiles: 2 * ceilDiv(rd, ocp) * groups))
        } else if depthwiseSpills {
            spill += DPUResidency.spillPasses * depthwiseBytes
        }
        ops.append(
            DPUOperation(
                .conv, conv: convCycles(mid, b.outChannels, outSize: ho, kernel: 1, groups: b.groups),
                weights: mid * b.outChannels / b.groups + b.outChannels, maps: mapOut + spill,
                tiles: tiles(mid, b.outChannels, kernel: 1, groups: b.groups)))
        if b.projectActivation == .hardSwish { ops.append(self.hardSwish(channels: b.outChannels, size: ho)) }
        if b.residual {
            // R4: the block input is read again from DDR for the add.
            ops.append(
                DPUOperation(
                    .elementwise, alu: aluCycles(channels: b.outChannels, size: ho, taps: 1),
                    maps: b.inChannels * h * h))
        }
        return ops
    }

    private func convOperation(_ b: DPULayer, maps: Int) -> DPUOperation {
        let ho = b.outputSize
        let k = b.kernel
        let weights = b.inChannels * b.outChannels * k * k + b.outChannels
        if b.inChannels <= 4 {
            // Channel augmentation (PG338): the kernel columns of a low-channel first layer are
            // packed into the input-channel parallelism.
            let perRow = ceilDiv(b.outChannels, ocp) * ceilDiv(b.inChannels * k, icp) * k
            return DPUOperation(.conv, conv: ho * ceilDiv(ho, pp) * perRow, weights: weights, maps: maps, tiles: perRow)
        }
        return DPUOperation(
            .conv, conv: convCycles(b.inChannels, b.outChannels, outSize: ho, kernel: k), weights: weights,
            maps: maps, tiles: tiles(b.inChannels, b.outChannels, kernel: k))
    }

    /// Ho x ceil(Wo / PP) x ceil(Co / OCP) x ceil(Ci / ICP) x k^2, per group.
    func convCycles(_ cin: Int, _ cout: Int, outSize: Int, kernel: Int, groups: Int = 1) -> Int {
        groups * outSize * ceilDiv(outSize, pp) * ceilDiv(cout / groups, ocp) * ceilDiv(cin / groups, icp) * kernel * kernel
    }

    /// ceil(Co / OCP) x ceil(Ci / ICP) x k^2 weight tiles, per group.
    func tiles(_ cin: Int, _ cout: Int, kernel: Int, groups: Int = 1) -> Int {
        groups * ceilDiv(cout / groups, ocp) * ceilDiv(cin / groups, icp) * kernel * kernel
    }

    /// One ALU pass: H x ceil(W / ALU_PP) x ceil(C / ICP) x taps.
    func aluCycles(channels: Int, size: Int, taps: Int) -> Int {
        size * ceilDiv(size, aluPP) * ceilDiv(channels, icp) * taps
    }

    /// Hard swish x * hsigmoid(x): a hard-sigmoid ALU pass and an element-wise multiply pass.
    private func hardSwish(channels: Int, size: Int) -> DPUOperation {
        DPUOperation(.elementwise, alu: 2 * aluCycles(channels: channels, size: size, taps: 1))
    }
}
