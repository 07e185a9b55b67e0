import HAONetwork

extension DPUTarget: CalibratableTarget {
    /// The eight parameters of docs/dpu.md ("Parameters"), in ``DPULatencyParameters/values`` order.
    ///
    /// Bounds are physical: no bandwidth above the data ports' peak (efficiency <= 1), efficiencies
    /// in (0, 1], overheads >= 0 (a small positive floor, since fits run in log space). Defaults
    /// describe an ideal DPU: the data sheet's parallelism, DDR at the catalogue's 50%-of-peak rule,
    /// no overheads; they are not fitted to anything.
    public static let calibrationParameters: [CalibrationParameter] = [
        CalibrationParameter(
            name: "ddr_efficiency",
            summary: "DDR bandwidth of weights and streamed maps, as a fraction of the data ports' peak (2 x 128 bit x DPU clock)",
            unit: "fraction", defaultValue: 0.5, lowerBound: 0.02, upperBound: 1,
            source:
                "peak: PG338 port descriptions (two 128-bit DATA masters on m_axi_dpu_aclk); 1 = the ports' peak, the physical ceiling; default 0.5, the device catalogue's rule for sustained DDR"
        ),
        CalibrationParameter(
            name: "se_ddr_efficiency",
            summary: "DDR bandwidth of squeeze-excite maps re-streamed because they do not fit on chip, as a fraction of the ports' peak",
            unit: "fraction", defaultValue: 0.5, lowerBound: 0.02, upperBound: 1,
            source: "as ddr_efficiency; a separate value because these re-reads are strided (one pass per PP-row band)"),
        CalibrationParameter(
            name: "conv_efficiency", summary: "utilisation of the convolution array's PP x ICP x OCP multipliers after tiling",
            unit: "fraction", defaultValue: 1, lowerBound: 0.05, upperBound: 1,
            source: "PG338 architecture: PP x ICP x OCP MACs per clock is the ceiling"),
        CalibrationParameter(
            name: "alu_efficiency",
            summary: "utilisation of the ALU (depthwise, pooling, element-wise) at PP/2 pixels x ICP channels per clock",
            unit: "fraction", defaultValue: 1, lowerBound: 0.05, upperBound: 1,
            source: "PG338 v3.4 DepthwiseConv: depthwise parallelism is half the pixel parallelism"),
        CalibrationParameter(
            name: "tile_switch_cycles", summary: "cycles lost per OCP x ICP weight tile the convolution array steps through",
            unit: "cycles", defaultValue: 0.001, lowerBound: 0.001, upperBound: 1000,
            source: "not documented by the vendor; default: none (the floor)"),
        CalibrationParameter(
            name: "se_gate_cycles", summary: "squeeze-excite gate round trip (pool, two FCs, hard sigmoid, scale) per ICP channel group",
            unit: "cycles", defaultValue: 1, lowerBound: 1, upperBound: 100_000,
            source: "not documented by the vendor; default: one cycle (no serial dependency cost)"),
        CalibrationParameter(
            name: "op_overhead_us", summary: "fixed time per DPU operation (instruction issue, pipeline fill and drain)",
            unit: "us", defaultValue: 0.001, lowerBound: 0.001, upperBound: 100,
            source: "not documented by the vendor; default: none (the floor)"),
        CalibrationParameter(
            name: "program_overhead_ms",
            summary: "fixed time per program run: the DPU launch and, for host-timed measurements, the host's call",
            unit: "ms", defaultValue: 0.001, lowerBound: 0.001, upperBound: 5,
            source: "not documented by the vendor; default: none (the floor)"),
    ]

    /// The terms of a measured network: the whole network as one program (``WorkloadScope/network``)
    /// or every layer group as its own program (``WorkloadScope/singleBlock``: one launch, one
    /// weight load and input/output through DDR per group). `configuration` is the measured design
    /// (its architecture, RAM usage and clock); without one, ``assumedMeasuredDesign(for:)``.
    public func latencyTerms(of network: Network, scope: WorkloadScope, configuration: DPUConfiguration?) throws(HardwareError)
        -> DPULatencyTerms
    {
        let program = try program(for: network)
        let design: DPUConfiguration
        if let configuration { design = configuration } else { design = try assumedMeasuredDesign(for: network) }
        return terms(of: program, on: design.core, separatePrograms: scope == .singleBlock)
    }

    /// The terms of one part of a measured network: its layer group(s) of the network's program
    /// (the stem, block N, the head conv, the hidden conv on the pooled vector, or the classifier),
    /// each as its own program under ``WorkloadScope/singleBlock`` (as a per-block measurement
    /// times them: one launch, weights loaded, input and output through DDR).
    public func latencyTerms(
        of network: Network, part: MeasuredPart, scope: WorkloadScope,
        configuration: DPUConfiguration?
    ) throws(HardwareError) -> DPULatencyTerms {
        let whole = try program(for: network)
        let design: DPUConfiguration
        if let configuration { design = configuration } else { design = try assumedMeasuredDesign(for: network) }
        let blocks = network.blocks.count
        let headStart = 1 + blocks
        let indices: [Int]
        switch part {
        case .wholeNetwork: indices = Array(whole.layers.indices)
        case .stem: indices = [0]
        case .block(let b):
            guard (0..<blocks).contains(b) else { throw .invalidOption("\(network.name) has no block \(b)") }
            indices = [1 + b]
        case .headConv:
            guard network.head.hasConv else { throw .invalidOption("\(network.name) has no head conv") }
            indices = [headStart]
        case .headHidden:
            guard network.head.hiddenChannels != nil else { throw .invalidOption("\(network.name) has no hidden head layer") }
            indices = [whole.layers.count - 2]
        case .classifier: indices = [whole.layers.count - 1]
        }
        let selected = DPUProgram(name: "\(network.name) \(part)", layers: indices.map { whole.layers[$0] })
        return terms(of: selected, on: design.core, separatePrograms: scope == .singleBlock)
    }

    /// The design measurements on this device are taken to come from when none is given: the
    /// published DPU design on the part (``DPUReferenceDesign/published``), the one at the device
    /// file's clock when there are several (the Ultra96 block data: B2304 at 200 MHz, the
    /// catalogue's ZU3EG clock); on a part without one, the design of least latency for `network`.
    public func assumedMeasuredDesign(for network: Network) throws(HardwareError) -> DPUConfiguration {
        let designs = DPUReferenceDesign.designs(on: device.part)
        let published = designs.count == 1 ? designs.first : designs.first { $0.clockMHz == device.clockMHz }
        if let d = published {
            // One core: a measurement times one network on one core.
            return DPUConfiguration(
                architecture: d.architecture, cores: 1, dspUsage: .high, ramUsage: d.ramUsage ?? .low, clockMHz: d.clockMHz)
        }
        guard let chosen = try solve(network, solver: .native).configuration else {
            throw .invalidOption("no DPU design fits \(device.part) for \(network.name); give the measured design")
        }
        return chosen
    }

    /// Batch-1 latency in milliseconds of `terms` (``DPULatencyTerms/latencyMs(_:)``) with the parameters at `values`, given in
    /// ``calibrationParameters`` order. `values` must hold exactly eight numbers: another count stops the program (a precondition).
    public func predictedLatencyMs(_ terms: DPULatencyTerms, parameters values: [Double]) -> Double {
        terms.latencyMs(DPULatencyParameters(values: values))
    }
}
