/// Every constant of the cost model. The defaults are documented in docs/cost-model.md;
/// none was fitted to measured latencies (a calibration profile replaces ``latency``).
public struct SubgraphParameters: Sendable, Hashable {
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
    /// when on-chip memory is short, trading load time for BRAM; tiling streams blocks too large
    /// for any buffer (offered for the 1x1 engines only).
    public var weightBufferings: [WeightBuffering] = [.double, .single, .tiled]

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
    /// Flip-flops of the same fixed logic (estimate from the same PG021 table; not a measurement).
    public var shellFF: Int = 9_000
    /// Stream buffers of the DMA channels (one BRAM18 per channel, 3 channels, plus one spare).
    public var shellBRAM18: Int = 4
    /// Per-engine control: address generation, loop counters, handshakes (estimate).
    public var engineControlLUT: Int = 800
    /// Flip-flops of each engine's control (estimate).
    public var engineControlFF: Int = 1_000
    /// Bits of a partial sum in the accumulators (enough for 8x8-bit products summed over
    /// 2^16 terms: 16 + 16 bits).
    public var accumulatorBits: Int = 32
    /// Per output lane requantisation and activation logic (fixed-point scale by a small
    /// constant multiplier in LUTs, rounding, clamp, ReLU/h-swish table): estimate.
    public var requantiseLUTPerLane: Int = 60
    /// Flip-flops of each output lane's requantisation and activation pipeline (estimate).
    public var requantiseFFPerLane: Int = 40
    /// Sign-correction logic of a packed DSP (WP486 describes a correction of the upper
    /// product): one LUT per bit of the packed operand width.
    public var packingCorrectionLUTPerDSP: Int = 8

    /// The latency constants calibration fits (DDR efficiency, overheads, compute efficiencies);
    /// the ideal pipeline by default.
    public var latency: SubgraphLatencyParameters = .uncalibrated

    /// The documented defaults.
    public init() {}

    /// The default parameters.
    public static let standard = SubgraphParameters()
}
