import HAONetwork

// The cost model of the subgraph-engine template. docs/cost-model.md explains every formula
// and constant at length; the comments here say where each one comes from.

/// One of the three compute engines of the subgraph engine.
public enum EngineKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 1x1 expand conv engine (also runs the stem via im2col and the head 1x1 conv).
    case expand
    /// k x k depthwise conv engine.
    case depthwise
    /// 1x1 project conv engine (also runs the squeeze-excite FCs, the head hidden FC and the classifier).
    case project

    public var description: String { rawValue }
    /// Position in per-engine arrays.
    public var index: Int {
        switch self {
        case .expand: return 0
        case .depthwise: return 1
        case .project: return 2
        }
    }
}

/// How an engine buffers the weights of the blocks it runs.
public enum WeightBuffering: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A buffer holding the current block's weights and the next block's, which are fetched
    /// from DDR while the current block computes: loads hide behind compute, at the price of
    /// room for the largest pair of consecutive blocks.
    case double
    /// A buffer for one block: the engine loads a block's weights, then computes, so the load
    /// time adds to the block's latency, but the buffer needs room for the largest block only.
    case single

    public var description: String { rawValue }
}

/// The parallelism of one engine.
///
/// For the 1x1 engines `unrollA` is the input-channel unroll PI and `unrollB` the output-channel
/// unroll PO (a PI x PO array of multipliers, PO adder trees of PI inputs). For the depthwise
/// engine `unrollA` is the channel unroll PC and `unrollB` the kernel taps computed per cycle PK.
/// `weightBuffering` says whether weight loads overlap with compute.
public struct EngineConfiguration: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: EngineKind
    public var unrollA: Int
    public var unrollB: Int
    public var weightBuffering: WeightBuffering

    public init(kind: EngineKind, unrollA: Int, unrollB: Int, weightBuffering: WeightBuffering = .double) {
        self.kind = kind
        self.unrollA = unrollA
        self.unrollB = unrollB
        self.weightBuffering = weightBuffering
    }

    enum CodingKeys: String, CodingKey {
        case kind, unrollA, unrollB
        case weightBuffering = "weight_buffering"
    }

    /// Reads a configuration; files written before buffering was a choice mean double buffering.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(EngineKind.self, forKey: .kind)
        unrollA = try c.decode(Int.self, forKey: .unrollA)
        unrollB = try c.decode(Int.self, forKey: .unrollB)
        weightBuffering = try c.decodeIfPresent(WeightBuffering.self, forKey: .weightBuffering) ?? .double
    }

    /// Multiplier lanes at the engine's design width.
    public var lanes: Int { unrollA * unrollB }

    /// A short unique name within the engine, e.g. "16x8" or "16x8s" (single-buffered), for
    /// column names of the integer program.
    public var identifier: String {
        "\(unrollA)x\(unrollB)" + (weightBuffering == .single ? "s" : "")
    }

    public var description: String {
        let unroll = kind == .depthwise ? "PC=\(unrollA) x PK=\(unrollB)" : "PI=\(unrollA) x PO=\(unrollB)"
        return weightBuffering == .single ? unroll + ", single-buffered weights" : unroll
    }
}

/// The configuration of all three engines.
public struct AcceleratorConfiguration: Sendable, Hashable, Codable, CustomStringConvertible {
    public var expand: EngineConfiguration
    public var depthwise: EngineConfiguration
    public var project: EngineConfiguration

    public init(expand: EngineConfiguration, depthwise: EngineConfiguration, project: EngineConfiguration) {
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
    }

    public subscript(kind: EngineKind) -> EngineConfiguration {
        switch kind {
        case .expand: return expand
        case .depthwise: return depthwise
        case .project: return project
        }
    }

    public var description: String { "expand \(expand), depthwise \(depthwise), project \(project)" }
}

/// Fractions of each resource the accelerator may use (1 = all of it).
public struct UtilisationCap: Sendable, Hashable, Codable {
    public var dsp: Double
    public var bram18: Double
    public var lut: Double
    public var ff: Double

    public init(dsp: Double = 1.0, bram18: Double = 1.0, lut: Double = 0.9, ff: Double = 1.0) {
        self.dsp = dsp
        self.bram18 = bram18
        self.lut = lut
        self.ff = ff
    }

    /// All DSPs and BRAMs (HAO's reported design uses all 360 DSPs of the ZU3EG), and 90% of LUTs:
    /// above roughly 90% LUT use, placement and routing at the target clock usually fail
    /// (HAO.md section 3 suggests this cap). FFs are twice as plentiful as LUTs and are not capped.
    public static let standard = UtilisationCap()
    /// Every resource to the last unit (for experiments).
    public static let none = UtilisationCap(dsp: 1, bram18: 1, lut: 1, ff: 1)

    /// The usable budget of `device` under this cap (rounded down).
    public func budget(of device: Device) -> Resources {
        Resources(dsp: Int((Double(device.resources.dsp) * dsp).rounded(.down)),
                  bram18: Int((Double(device.resources.bram18) * bram18).rounded(.down)),
                  uram: device.resources.uram,
                  lut: Int((Double(device.resources.lut) * lut).rounded(.down)),
                  ff: Int((Double(device.resources.ff) * ff).rounded(.down)))
    }
}

/// Every constant of the cost model. The defaults are documented in docs/cost-model.md;
/// none was fitted to measured latencies.
public struct CostModelParameters: Sendable, Hashable {
    /// Candidate PI and PO of the 1x1 engines: powers of two, so channel counts (multiples of 8
    /// in every shipped network) divide evenly; 64 x 64 = 4,096 lanes exceeds every catalogued device.
    public var pointwiseUnrolls: [Int] = [1, 2, 4, 8, 16, 32, 64]
    /// Candidate channel unroll PC of the depthwise engine.
    public var depthwiseChannelUnrolls: [Int] = [1, 2, 4, 8, 16, 32, 64]
    /// Candidate taps per cycle PK of the depthwise engine: one tap, one row of a 3x3 window,
    /// a whole 3x3, 5x5 or 7x7 window.
    public var depthwiseTapUnrolls: [Int] = [1, 3, 9, 25, 49]
    /// Weight-buffering choices offered for every unroll (see ``WeightBuffering``). Double
    /// buffering is HAO's template; single buffering is the usual fallback of HLS accelerators
    /// when on-chip memory is short, trading load time for BRAM.
    public var weightBufferings: [WeightBuffering] = [.double, .single]

    /// DSP48 pipeline registers on the multiply-accumulate path (A/B input register, M, P):
    /// the fully pipelined configuration of UG579 (DSP48E2) / UG479 (DSP48E1).
    public var dspPipelineDepth: Int = 3
    /// Cycles of the requantisation and activation stage after each adder tree
    /// (scale, round, clamp/activation: one register each).
    public var requantiseDepth: Int = 3

    /// Bits in one BRAM18 (18 Kb incl. parity), UG573 / UG473.
    public var bram18Bits: Int = 18_432
    /// Widest port of a BRAM18 in simple dual-port mode, and its depth: 512 x 36 (UG573 table 1-5; UG473 for 7 series).
    public var bram18MaxWidth: Int = 36
    /// Depth of each inter-engine FIFO in words. 512 words is one BRAM18 deep at the widest port;
    /// it absorbs more than one row of a 1x1 engine's output at the unrolls considered here.
    public var fifoDepth: Int = 512

    /// Fixed logic outside the engines: the AXI DMA engines reading weights and feature maps,
    /// the AXI interconnect to the PS and the control registers. Estimate from AMD's AXI DMA
    /// product guide (PG021) resource table (a few thousand LUTs per configured channel) with
    /// two read and one write channel; not a measurement of this design.
    public var shellLUT: Int = 6_000
    public var shellFF: Int = 9_000
    /// Stream buffers of the DMA channels (one BRAM18 per channel, 3 channels, plus one spare).
    public var shellBRAM18: Int = 4
    /// Per-engine control: address generation, loop counters, handshakes (estimate).
    public var engineControlLUT: Int = 800
    public var engineControlFF: Int = 1_000
    /// Bits of a partial sum in the accumulators (enough for 8x8-bit products summed over
    /// 2^16 terms: 16 + 16 bits).
    public var accumulatorBits: Int = 32
    /// Per output lane requantisation and activation logic (fixed-point scale by a small
    /// constant multiplier in LUTs, rounding, clamp, ReLU/h-swish table): estimate.
    public var requantiseLUTPerLane: Int = 60
    public var requantiseFFPerLane: Int = 40
    /// Sign-correction logic of a packed DSP (WP486 describes a correction of the upper
    /// product): one LUT per bit of the packed operand width.
    public var packingCorrectionLUTPerDSP: Int = 8

    public init() {}

    /// The default parameters.
    public static let standard = CostModelParameters()
}

extension DeviceFamily {
    /// Products of `bits`-wide operands one DSP slice computes per cycle.
    ///
    /// - DSP48E2 (UltraScale+): 2 at up to 8 bits, sharing one operand (Xilinx WP486,
    ///   "Deep Learning with INT8 Optimization on Xilinx Devices"). At up to 4 bits, 4: two 4-bit
    ///   weights in the 27-bit A port (offsets 0 and 18) times two 4-bit activations in the 18-bit
    ///   B port (offsets 0 and 9) give four 8-bit products at offsets 0, 9, 18 and 27 of the 45-bit
    ///   product, a 2x2 outer product with one guard bit each (accumulated outside the DSP).
    ///   This is the project's derivation, not a vendor figure.
    /// - DSP48E1 (Zynq-7000): 1 at 8 bits (the 25-bit A port cannot hold two 8-bit weights 18 bits
    ///   apart, the layout WP486 needs); at up to 4 bits the same 2x2 layout fits (22 bits in A,
    ///   13 in B, 35-bit product of 43): 4.
    /// - Wider operands: 1 (up to 18 bits fit one multiplier).
    public func macsPerDSP(bits: Int) -> Int {
        switch self {
        case .zynqUltraScalePlus:
            if bits <= 4 { return 4 }
            if bits <= 8 { return 2 }
            return 1
        case .zynq7000:
            if bits <= 4 { return 4 }
            return 1
        }
    }
}

/// What runs at one step of the network: the stem, one MBConv block, or a head layer.
public struct Stage: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case stem
        case block(Int)
        case headConv
        case headHidden
        case classifier
    }

    public var kind: Kind
    /// The layers run in this stage, in order.
    public var layers: [Layer]

    public var name: String {
        switch kind {
        case .stem: return "stem"
        case .block(let index): return "block \(index)"
        case .headConv: return "head conv"
        case .headHidden: return "head hidden FC"
        case .classifier: return "classifier"
        }
    }

    func layer(_ match: (LayerRole) -> Bool) -> Layer? { layers.first { match($0.role) } }
    var expandLayer: Layer? { layer { if case .expand = $0 { return true } else { return false } } }
    var depthwiseLayer: Layer? { layer { if case .depthwise = $0 { return true } else { return false } } }
    var projectLayer: Layer? { layer { if case .project = $0 { return true } else { return false } } }
    var seLayers: [Layer] {
        layers.filter {
            switch $0.role {
            case .squeezeReduce, .squeezeExpand: return true
            default: return false
            }
        }
    }
}

extension Network {
    /// The network split into the stages the accelerator runs one after another.
    public var stages: [Stage] {
        var result: [Stage] = []
        var blockLayers: [Int: [Layer]] = [:]
        var blockOrder: [Int] = []
        // Blocks end at the first head layer: the head conv, or the hidden layer or classifier
        // of a head without one (MobileNetV1).
        func flushBlocks() {
            for b in blockOrder { result.append(Stage(kind: .block(b), layers: blockLayers[b]!)) }
            blockOrder = []
        }
        for layer in layers {
            switch layer.role {
            case .stem: result.append(Stage(kind: .stem, layers: [layer]))
            case .expand(let b), .depthwise(let b), .squeezeReduce(let b), .squeezeExpand(let b), .project(let b):
                if blockLayers[b] == nil { blockOrder.append(b) }
                blockLayers[b, default: []].append(layer)
            case .headConv:
                flushBlocks()
                result.append(Stage(kind: .headConv, layers: [layer]))
            case .headHidden:
                flushBlocks()
                result.append(Stage(kind: .headHidden, layers: [layer]))
            case .classifier:
                flushBlocks()
                result.append(Stage(kind: .classifier, layers: [layer]))
            }
        }
        return result
    }
}

extension EngineKind {
    /// The engine that runs a layer: the stem and head conv on the expand engine, squeeze-excite
    /// and the head FCs on the project engine.
    public static func running(_ role: LayerRole) -> EngineKind {
        switch role {
        case .stem, .expand, .headConv: return .expand
        case .depthwise: return .depthwise
        case .squeezeReduce, .squeezeExpand, .project, .headHidden, .classifier: return .project
        }
    }
}

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

/// The device-, network- and parameter-dependent part of the cost model: everything
/// except the engine configurations, which are the decision.
public struct CostModel: Sendable {
    public var device: Device
    public var parameters: CostModelParameters
    public var network: Network
    public var stages: [Stage]
    /// Operand width each engine is built for: the widest layer it runs.
    public var designBits: [Int]
    /// Activation width each engine's buffers are built for.
    public var designActivationBits: [Int]
    /// Per engine: the layers it runs, and its weight bits in each block stage. They do not
    /// depend on the configuration, so they are computed once, not per candidate.
    let engineLayers: [[Layer]]
    let blockWeightBits: [[Int]]

    public init(network: Network, device: Device, parameters: CostModelParameters = .standard) {
        self.device = device
        self.parameters = parameters
        self.network = network
        self.stages = network.stages
        var bits = [1, 1, 1]
        var activation = [1, 1, 1]
        var engineLayers: [[Layer]] = [[], [], []]
        for layer in network.layers {
            let e = EngineKind.running(layer.role).index
            bits[e] = max(bits[e], layer.precision.operandBits)
            activation[e] = max(activation[e], layer.precision.activationBits)
            engineLayers[e].append(layer)
        }
        designBits = bits
        designActivationBits = activation
        self.engineLayers = engineLayers
        var blockWeightBits: [[Int]] = [[], [], []]
        for stage in stages {
            guard case .block = stage.kind else { continue }
            var perEngine = [0, 0, 0]
            for layer in stage.layers { perEngine[EngineKind.running(layer.role).index] += layer.weightBits }
            for e in 0..<3 { blockWeightBits[e].append(perEngine[e]) }
        }
        self.blockWeightBits = blockWeightBits
    }

    /// How many times more products per DSP a layer at `bits` gets on an engine built for its design width.
    func speedup(_ kind: EngineKind, bits: Int) -> Int {
        let family = device.family
        return max(1, family.macsPerDSP(bits: bits) / family.macsPerDSP(bits: designBits[kind.index]))
    }

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

    /// Cycles to move `memoryBytes(stage)` at the device's DDR bandwidth and clock.
    public func memoryCycles(_ stage: Stage) -> Int {
        let bytesPerCycle = device.ddrBandwidthGBps * 1e9 / (device.clockMHz * 1e6)
        return Int((Double(memoryBytes(stage)) / bytesPerCycle).rounded(.up))
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

    /// Cycles to fetch the weights (and biases) that `kind`'s engine uses in `stage` from DDR.
    public func weightLoadCycles(_ stage: Stage, _ kind: EngineKind) -> Int {
        var bits = 0
        for layer in stage.layers where EngineKind.running(layer.role) == kind {
            bits += layer.weightBits + (layer.hasBias ? layer.outChannels * 32 : 0)
        }
        guard bits > 0 else { return 0 }
        let bytesPerCycle = device.ddrBandwidthGBps * 1e9 / (device.clockMHz * 1e6)
        return Int((Double(ceilDiv(bits, 8)) / bytesPerCycle).rounded(.up))
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
        stage.layers.filter { EngineKind.running($0.role) == config.kind }.reduce(0) { $0 + cycles($1, on: config).total }
    }

    /// The three engines' resources for `config`, as built for this network.
    public func resources(_ config: EngineConfiguration) -> Resources {
        let p = parameters
        let e = config.kind.index
        let packing = device.family.macsPerDSP(bits: designBits[e])
        let dsp = ceilDiv(config.lanes, packing)
        let a = designActivationBits[e]
        let engineLayers = self.engineLayers[e]
        let maxSpeedup = engineLayers.map { speedup(config.kind, bits: $0.precision.operandBits) }.max() ?? 1

        // Weight buffer. Double buffering: a circular buffer holding the current block's weights
        // and the next block's, prefetched while the current one computes (without reserving
        // two copies of the largest block), sized for the largest consecutive pair. Single
        // buffering: the largest block. Stem and head layers stream through it in tiles and do
        // not size it.
        let blockWeightBits = self.blockWeightBits[e]
        var bufferBits = blockWeightBits.max() ?? 0
        if config.weightBuffering == .double {
            for i in blockWeightBits.indices.dropLast() {
                bufferBits = max(bufferBits, blockWeightBits[i] + blockWeightBits[i + 1])
            }
        }
        var readBits = 0
        for layer in engineLayers {
            let s = speedup(config.kind, bits: layer.precision.operandBits)
            readBits = max(readBits, config.lanes * s * layer.precision.weightBits)
        }
        var bram = 0
        if bufferBits > 0, readBits > 0 {
            let words = ceilDiv(bufferBits, readBits)
            bram += memoryBRAMs(widthBits: readBits, words: words)
        }
        // Line buffer of the depthwise engine: k-1 rows of the input feature map for the whole
        // expanded width, one memory per row, each read PC channels per cycle.
        if config.kind == .depthwise {
            var lineBuffer = 0
            for layer in engineLayers where layer.kind == .depthwise {
                let rowWords = ceilDiv(layer.inputSize * layer.inChannels, config.unrollA)
                let perRow = memoryBRAMs(widthBits: config.unrollA * a, words: rowWords)
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

    /// BRAM18s for a memory read `widthBits` per cycle, `words` deep: split into banks of at
    /// most 36 bits, each bank using the BRAM18 aspect ratio (16K x 1 ... 512 x 36) that fits its width.
    func memoryBRAMs(widthBits: Int, words: Int) -> Int {
        guard widthBits > 0, words > 0 else { return 0 }
        let banks = ceilDiv(widthBits, parameters.bram18MaxWidth)
        let bankWidth = ceilDiv(widthBits, banks)
        let depth: Int
        switch bankWidth {
        case ...1: depth = 16_384
        case ...2: depth = 8_192
        case ...4: depth = 4_096
        case ...9: depth = 2_048
        case ...18: depth = 1_024
        default: depth = 512
        }
        return banks * ceilDiv(words, depth)
    }

    /// Resources outside the engines.
    public var fixedResources: Resources {
        Resources(dsp: 0, bram18: parameters.shellBRAM18, uram: 0, lut: parameters.shellLUT, ff: parameters.shellFF)
    }

    /// The candidate configurations of one engine (before any pruning).
    public func candidates(_ kind: EngineKind) -> [EngineConfiguration] {
        let p = parameters
        var result: [EngineConfiguration] = []
        switch kind {
        case .expand, .project:
            for a in p.pointwiseUnrolls { for b in p.pointwiseUnrolls { for w in p.weightBufferings {
                result.append(EngineConfiguration(kind: kind, unrollA: a, unrollB: b, weightBuffering: w))
            } } }
        case .depthwise:
            for a in p.depthwiseChannelUnrolls { for b in p.depthwiseTapUnrolls { for w in p.weightBufferings {
                result.append(EngineConfiguration(kind: kind, unrollA: a, unrollB: b, weightBuffering: w))
            } } }
        }
        return result
    }
}

extension Resources {
    static func + (lhs: Resources, rhs: Resources) -> Resources {
        Resources(dsp: lhs.dsp + rhs.dsp, bram18: lhs.bram18 + rhs.bram18, uram: lhs.uram + rhs.uram,
                  lut: lhs.lut + rhs.lut, ff: lhs.ff + rhs.ff)
    }
    /// Whether every counted resource (DSP, BRAM18, LUT, FF) is at most `budget`'s.
    func fits(in budget: Resources) -> Bool {
        dsp <= budget.dsp && bram18 <= budget.bram18 && lut <= budget.lut && ff <= budget.ff
    }
    static let zero = Resources(dsp: 0, bram18: 0, uram: 0, lut: 0, ff: 0)
}
