/// The DPU latency model's parameters: physical quantities the data sheets do not give, with
/// their physical ranges. Uncalibrated values describe an ideal DPU; profiles fitted by
/// `hao calibrate` replace them (docs/dpu.md, "Parameters").
public struct DPULatencyParameters: Sendable, Hashable, Codable {
    /// DDR efficiency relative to the data ports' peak (weights and streamed feature maps).
    public var bandwidthEfficiency: Double
    /// DDR efficiency of the re-streamed squeeze-excite maps that do not fit on chip.
    public var seBandwidthEfficiency: Double
    /// Convolution-array efficiency.
    public var convEfficiency: Double
    /// ALU efficiency (depthwise, pooling, element-wise).
    public var aluEfficiency: Double
    /// Cycles per OCP x ICP weight-tile switch of the convolution array.
    public var tileSwitchCycles: Double
    /// Cycles of one squeeze-excite gate round trip (pool -> FC -> FC -> gate), per ICP channel group.
    public var seGateCycles: Double
    /// Fixed time per DPU operation (instruction issue, pipeline fill), microseconds.
    public var operationOverheadUs: Double
    /// Fixed time per program run (launch; for host-timed measurements also the host's call), ms.
    public var programOverheadMs: Double

    /// Parameters from their values, in the units the properties give (efficiencies as fractions, cycles, microseconds, milliseconds).
    /// Nothing is checked here; the physical bounds are those of ``DPUTarget/calibrationParameters``.
    public init(
        bandwidthEfficiency: Double, seBandwidthEfficiency: Double, convEfficiency: Double, aluEfficiency: Double,
        tileSwitchCycles: Double, seGateCycles: Double, operationOverheadUs: Double, programOverheadMs: Double
    ) {
        self.bandwidthEfficiency = bandwidthEfficiency
        self.seBandwidthEfficiency = seBandwidthEfficiency
        self.convEfficiency = convEfficiency
        self.aluEfficiency = aluEfficiency
        self.tileSwitchCycles = tileSwitchCycles
        self.seGateCycles = seGateCycles
        self.operationOverheadUs = operationOverheadUs
        self.programOverheadMs = programOverheadMs
    }

    /// The values in ``DPUTarget/calibrationParameters`` order.
    public init(values v: [Double]) {
        precondition(v.count == 8, "the DPU latency model has 8 parameters")
        self.init(
            bandwidthEfficiency: v[0], seBandwidthEfficiency: v[1], convEfficiency: v[2], aluEfficiency: v[3],
            tileSwitchCycles: v[4], seGateCycles: v[5], operationOverheadUs: v[6], programOverheadMs: v[7])
    }

    /// The values in ``DPUTarget/calibrationParameters`` order.
    public var values: [Double] {
        [
            bandwidthEfficiency, seBandwidthEfficiency, convEfficiency, aluEfficiency, tileSwitchCycles, seGateCycles,
            operationOverheadUs, programOverheadMs,
        ]
    }

    /// The uncalibrated model (each parameter's documented default).
    public static let uncalibrated = DPULatencyParameters(values: DPUTarget.calibrationParameters.map(\.defaultValue))
}

/// A program's operations reduced to what its latency depends on (the parameters aside).
///
/// Operations without streamed feature-map traffic are linear in the parameters and are summed
/// once; the others keep their terms because their time is max(compute, map traffic).
public struct DPULatencyTerms: Sendable, Hashable, Codable {
    /// An operation whose time is max(compute, streamed map traffic).
    public struct Streamed: Sendable, Hashable, Codable {
        /// One operation's convolution cycles, weight tiles and ALU cycles at full efficiency, and its streamed feature-map bytes.
        public var conv: Double, tiles: Double, alu: Double, maps: Double
    }

    /// DPU clock, MHz.
    public var clockMHz: Double
    /// The data ports' peak bandwidth, GB/s.
    public var peakBandwidthGBps: Double
    /// Programs run (one launch each).
    public var programs: Int
    /// Operations.
    public var operations: Int
    /// Sums over every operation.
    public var weightBytes: Double, seGroups: Double, seBytes: Double
    /// Sums over the operations without streamed map traffic.
    public var linearConvCycles: Double, linearConvTiles: Double, linearALUCycles: Double
    /// Per operation with streamed map traffic: conv cycles, conv tiles, ALU cycles, map bytes.
    public var streamed: [Streamed]
    /// Every DDR byte (weights, maps, squeeze-excite maps).
    public var ddrBytes: Double

    /// The terms of a lowered program on `core`.
    public init(_ lowered: DPULoweredProgram, core: DPUCore) {
        clockMHz = core.clockMHz
        peakBandwidthGBps = core.peakBandwidthGBps
        programs = lowered.programCount
        operations = 0
        weightBytes = 0
        seGroups = 0
        seBytes = 0
        linearConvCycles = 0
        linearConvTiles = 0
        linearALUCycles = 0
        streamed = []
        ddrBytes = 0
        for op in lowered.operations.joined() {
            operations += 1
            weightBytes += Double(op.weightBytes)
            seGroups += Double(op.seGroups)
            seBytes += Double(op.seBytes)
            ddrBytes += Double(op.ddrBytes)
            if op.mapBytes == 0 {
                linearConvCycles += Double(op.convCycles)
                linearConvTiles += Double(op.convTiles)
                linearALUCycles += Double(op.aluCycles)
            } else {
                streamed.append(
                    Streamed(conv: Double(op.convCycles), tiles: Double(op.convTiles), alu: Double(op.aluCycles), maps: Double(op.mapBytes))
                )
            }
        }
    }

    /// Latency in milliseconds:
    /// programs x t_net + sum over operations of
    /// t_op + weights / BW + max(compute, maps / BW) + c_se x SE groups / f + SE bytes / BW_se,
    /// with compute = (conv cycles + c_tile x tiles) / (f x eff_conv) + ALU cycles / (f x eff_alu),
    /// BW = eta_bw x peak, BW_se = eta_se x peak, f the DPU clock.
    public func latencyMs(_ p: DPULatencyParameters) -> Double {
        dpuTimeMs(p) + Double(programs) * p.programOverheadMs
    }

    /// The latency without the per-program overhead: the DPU's own time for the operations.
    public func dpuTimeMs(_ p: DPULatencyParameters) -> Double {
        let cyclesPerMs = clockMHz * 1e3
        let peakBytesPerMs = peakBandwidthGBps * 1e6
        let bandwidth = p.bandwidthEfficiency * peakBytesPerMs
        let convRate = cyclesPerMs * p.convEfficiency
        let aluRate = cyclesPerMs * p.aluEfficiency
        var total =
            Double(operations) * p.operationOverheadUs * 1e-3 + weightBytes / bandwidth
            + seGroups * p.seGateCycles / cyclesPerMs + seBytes / (p.seBandwidthEfficiency * peakBytesPerMs)
            + (linearConvCycles + p.tileSwitchCycles * linearConvTiles) / convRate + linearALUCycles / aluRate
        for op in streamed {
            let compute = (op.conv + p.tileSwitchCycles * op.tiles) / convRate + op.alu / aluRate
            total += max(compute, op.maps / bandwidth)
        }
        return total
    }
}
