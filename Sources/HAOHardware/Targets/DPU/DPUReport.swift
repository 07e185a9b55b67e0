import HAONetwork

/// Where one layer group's time goes on the DPU.
public struct DPULayerReport: Sendable, Hashable, Codable {
    /// E.g. "block 3", "stem", "head conv".
    public var name: String
    /// E.g. "ir 24->144->32 k3 s2 56x56".
    public var shape: String
    /// Time of its operations (per-operation overheads included), ms.
    public var timeMs: Double
    /// Compute time at the fitted efficiencies (tile switches and gate round trips included), ms.
    public var computeMs: Double
    /// DDR time: weight loads, streamed maps, spilled squeeze-excite maps, ms.
    public var memoryMs: Double
    /// DDR bytes.
    public var ddrBytes: Int
    /// Operations the group lowers to.
    public var operations: Int
    /// Whether its output stays on chip for the next group.
    public var outputOnChip: Bool

    enum CodingKeys: String, CodingKey {
        case name, shape, operations
        case timeMs = "time_ms"
        case computeMs = "compute_ms"
        case memoryMs = "memory_ms"
        case ddrBytes = "ddr_bytes"
        case outputOnChip = "output_on_chip"
    }
}

/// The DPU latency model's evaluation of one design for one network.
public struct DPUReport: ThroughputReport, Hashable {
    /// The design evaluated; the latency figures are one core's, the throughput and resources all cores'.
    public var configuration: DPUConfiguration
    /// Batch-1 latency of one core, per-program overhead included.
    public var latencyMs: Double
    /// The DPU's own time for one frame (latency without the per-program overhead).
    public var dpuTimeMs: Double
    /// Frames per second of all cores, one thread each (see ``DPUTarget/throughputFPS(terms:cores:)``).
    public var throughputFPS: Double
    /// DDR bytes of one frame.
    public var ddrBytesPerFrame: Int
    /// Multiply-accumulates of one frame.
    public var macs: Int
    /// Per layer group.
    public var layers: [DPULayerReport]
    /// Resources of all cores: PG338 per-core figures with depthwise and channel augmentation, block RAM only (no UltraRAM).
    public var totalResources: Resources
    /// The usable budget the design was evaluated against: the device's totals under the utilisation cap.
    public var budget: Resources
    /// The latency terms (for re-evaluating the objective).
    public var terms: DPULatencyTerms
    /// Which parameters produced the figures.
    public var calibration: String

    init(configuration: DPUConfiguration, program: DPUProgram, target: DPUTarget) {
        let core = configuration.core
        let groups = core.lower(program)
        let p = target.parameters
        terms = DPULatencyTerms(groups, core: core)
        self.configuration = configuration
        latencyMs = terms.latencyMs(p)
        dpuTimeMs = terms.dpuTimeMs(p)
        throughputFPS = target.throughputFPS(terms: terms, cores: configuration.cores)
        ddrBytesPerFrame = groups.operations.joined().reduce(0) { $0 + $1.ddrBytes }
        macs = program.macs
        var names: [String] = []
        var blockIndex = 0
        for layer in program.layers {
            switch layer.kind {
            case .invertedResidual, .depthwiseSeparable:
                names.append("block \(blockIndex)")
                blockIndex += 1
            case .conv: names.append(names.isEmpty ? "stem" : names.contains("pool") ? "head hidden" : "head conv")
            case .pool: names.append("pool")
            case .fullyConnected: names.append("classifier")
            }
        }
        var reports: [DPULayerReport] = []
        for (i, ops) in groups.operations.enumerated() {
            let times = ops.map { p.breakdown(of: $0, on: core) }
            reports.append(
                DPULayerReport(
                    name: names[i], shape: Self.shape(program.layers[i]), timeMs: times.reduce(0) { $0 + $1.total },
                    computeMs: times.reduce(0) { $0 + $1.compute }, memoryMs: times.reduce(0) { $0 + $1.memory },
                    ddrBytes: ops.reduce(0) { $0 + $1.ddrBytes }, operations: ops.count,
                    outputOnChip: !groups.outputInDDR[i]))
        }
        layers = reports
        totalResources = configuration.resources
        budget = target.budget
        calibration = target.calibrationNote
    }

    static func shape(_ l: DPULayer) -> String {
        let size = "\(l.inputSize)x\(l.inputSize)"
        switch l.kind {
        case .conv: return "conv \(l.inChannels)->\(l.outChannels) k\(l.kernel) s\(l.stride) \(size)"
        case .pool: return "global pool \(l.inChannels) \(size)"
        case .fullyConnected: return "fc \(l.inChannels)->\(l.outChannels)"
        case .invertedResidual, .depthwiseSeparable:
            let se = l.seChannels > 0 ? " se\(l.seChannels)" : ""
            let mid = l.kind == .invertedResidual ? "->\(l.midChannels)" : ""
            return "\(l.kind.rawValue) \(l.inChannels)\(mid)->\(l.outChannels) k\(l.kernel) s\(l.stride)\(se) \(size)"
        }
    }
}

/// One operation's time split into its parts, ms.
struct DPUOperationTime {
    var compute: Double
    var memory: Double
    var total: Double
}

extension DPULatencyParameters {
    /// The time of one operation, op by op (the same formula ``DPULatencyTerms/latencyMs(_:)`` sums).
    func breakdown(of op: DPUOperation, on core: DPUCore) -> DPUOperationTime {
        let cyclesPerMs = core.clockMHz * 1e3
        let peak = core.peakBandwidthGBps * 1e6
        let bandwidth = bandwidthEfficiency * peak
        let compute =
            (Double(op.convCycles) + tileSwitchCycles * Double(op.convTiles)) / (cyclesPerMs * convEfficiency)
            + Double(op.aluCycles) / (cyclesPerMs * aluEfficiency)
        let gate = Double(op.seGroups) * seGateCycles / cyclesPerMs
        let weights = Double(op.weightBytes) / bandwidth
        let maps = Double(op.mapBytes) / bandwidth
        let se = Double(op.seBytes) / (seBandwidthEfficiency * peak)
        let total = operationOverheadUs * 1e-3 + weights + max(compute, maps) + gate + se
        return DPUOperationTime(compute: compute + gate, memory: weights + maps + se, total: total)
    }

    /// The latency of lowered programs op by op: the reference the aggregated terms are checked against.
    public func latencyOpByOp(_ lowered: DPULoweredProgram, on core: DPUCore) -> Double {
        Double(lowered.programCount) * programOverheadMs + lowered.operations.joined().reduce(0) { $0 + breakdown(of: $1, on: core).total }
    }
}
