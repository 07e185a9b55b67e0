/// One of the eight DPUCZDX8G core architectures.
///
/// The name is the peak operations per clock: pixel parallelism (PP) x input-channel parallelism
/// (ICP) x output-channel parallelism (OCP) x 2 operations per multiply-accumulate, e.g.
/// B4096 = 8 x 16 x 16 x 2 (Xilinx PG338, "Architecture of the DPUCZDX8G"). The DSP array runs at
/// twice the DPU clock (PG338 port table: `dpu_2x_clk`), which is how PP x ICP x OCP
/// multiply-accumulates per DPU clock fit in the DSP counts below.
public enum DPUArchitecture: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case b512 = "B512"
    case b800 = "B800"
    case b1024 = "B1024"
    case b1152 = "B1152"
    case b1600 = "B1600"
    case b2304 = "B2304"
    case b3136 = "B3136"
    case b4096 = "B4096"

    /// The vendor's name, e.g. "B4096".
    public var description: String { rawValue }

    /// Pixel parallelism (output pixels of a row computed together).
    public var pixelParallelism: Int {
        switch self {
        case .b512, .b800, .b1152: return 4
        case .b1024, .b1600, .b2304, .b3136, .b4096: return 8
        }
    }

    /// Input-channel parallelism; also the channel width of one feature-map bank word.
    public var inputChannelParallelism: Int {
        switch self {
        case .b512, .b1024: return 8
        case .b800, .b1600: return 10
        case .b1152, .b2304: return 12
        case .b3136: return 14
        case .b4096: return 16
        }
    }

    /// Output-channel parallelism (equal to the input-channel parallelism in every architecture).
    public var outputChannelParallelism: Int { inputChannelParallelism }

    /// Pixel parallelism of the ALU that runs depthwise convolution, pooling and element-wise
    /// operations: half the pixel parallelism (PG338 v3.4 "DepthwiseConv": "the parallelism of
    /// depthwise convolution is half that of the pixel parallelism"; v4.1 makes it configurable,
    /// PP/2 being the default).
    public var aluPixelParallelism: Int { max(1, pixelParallelism / 2) }

    /// Multiply-accumulates per DPU clock: PP x ICP x OCP.
    public var macsPerClock: Int { pixelParallelism * inputChannelParallelism * outputChannelParallelism }

    /// Peak operations per DPU clock (2 per multiply-accumulate): the number in the name.
    public var peakOpsPerClock: Int { 2 * macsPerClock }

    /// Per-core resources (see ``DPUCoreResources``).
    public var coreResources: DPUCoreResources { DPUCoreResources.table[self]! }
}

/// How the core uses DSP slices (PG338 "DSP usage"): high uses DSPs for the accumulators too,
/// low implements them in fabric (fewer DSPs, more LUTs and flip-flops).
public enum DPUDSPUsage: String, Sendable, Hashable, Codable, CaseIterable {
    case low, high
}

/// How much block RAM the core uses for its on-chip buffers (PG338 "RAM usage"). High RAM
/// usage adds a second bank group to the feature-map (image) buffer, doubling what the compiler
/// can keep on chip between layers.
public enum DPURAMUsage: String, Sendable, Hashable, Codable, CaseIterable {
    case low, high

    /// Image bank groups, each PP banks x ICP bytes x 2,048 deep (see docs/dpu.md, "on-chip
    /// feature maps"): one at low RAM usage, two at high.
    public var imageBankGroups: Int { self == .low ? 1 : 2 }
}

/// Resources of one DPUCZDX8G core of one architecture, as Xilinx PG338 tabulates them.
///
/// LUT, FF and DSP at high and low DSP usage: PG338 v1.2 table 9 (one core on a ZCU102, no
/// depthwise, average pooling, ReLU6 or leaky ReLU, low RAM usage). BRAM36 at low and high RAM
/// usage: PG338 v4.0 "RAM usage" pages (per core, depthwise included). Depthwise extras: PG338
/// v3.4 "DepthwiseConv" table (its BRAM extra is already inside the v4.0 RAM figures). Channel
/// augmentation extra LUTs: PG338 v4.1 "Channel Augmentation". PG338 gives no per-architecture
/// UltraRAM figure and no flip-flop extras for these options. Models/targets/dpu/pg338_resources.json
/// carries the same table with its sources; a test keeps the two equal.
public struct DPUCoreResources: Sendable, Hashable, Codable {
    /// LUTs, flip-flops and DSP slices of one core at high DSP usage (PG338 v1.2 table 9).
    public var lutHighDSP: Int, ffHighDSP: Int, dspHighDSP: Int
    /// LUTs, flip-flops and DSP slices of one core at low DSP usage (PG338 v1.2 table 9).
    public var lutLowDSP: Int, ffLowDSP: Int, dspLowDSP: Int
    /// BRAM36 blocks of one core at low and at high RAM usage, depthwise buffers included (PG338 v4.0 "RAM usage").
    public var bram36LowRAM: Int, bram36HighRAM: Int
    /// Extra LUTs and DSP slices of depthwise convolution (PG338 v3.4 "DepthwiseConv"); its block RAM is already in the RAM figures.
    public var depthwiseLUT: Int, depthwiseDSP: Int
    /// Extra LUTs of channel augmentation (PG338 v4.1 "Channel Augmentation").
    public var channelAugmentationLUT: Int

    /// One core with depthwise convolution and channel augmentation enabled (both are always on in
    /// this target: every network of the format has depthwise layers, and the stem formula of the
    /// latency model assumes channel augmentation).
    public func resources(dsp: DPUDSPUsage, ram: DPURAMUsage) -> Resources {
        let high = dsp == .high
        return Resources(
            dsp: (high ? dspHighDSP : dspLowDSP) + depthwiseDSP,
            bram18: 2 * (ram == .low ? bram36LowRAM : bram36HighRAM),
            lut: (high ? lutHighDSP : lutLowDSP) + depthwiseLUT + channelAugmentationLUT,
            ff: high ? ffHighDSP : ffLowDSP)
    }

    /// The transcription, by architecture.
    public static let table: [DPUArchitecture: DPUCoreResources] = [
        .b512: .init(
            lutHighDSP: 20177, ffHighDSP: 31782, dspHighDSP: 98, lutLowDSP: 20759, ffLowDSP: 33572, dspLowDSP: 66,
            bram36LowRAM: 72, bram36HighRAM: 88, depthwiseLUT: 1734, depthwiseDSP: 12, channelAugmentationLUT: 3121),
        .b800: .init(
            lutHighDSP: 20617, ffHighDSP: 35065, dspHighDSP: 142, lutLowDSP: 21050, ffLowDSP: 33752, dspLowDSP: 102,
            bram36LowRAM: 90, bram36HighRAM: 108, depthwiseLUT: 2293, depthwiseDSP: 15, channelAugmentationLUT: 2624),
        .b1024: .init(
            lutHighDSP: 27377, ffHighDSP: 46241, dspHighDSP: 194, lutLowDSP: 29155, ffLowDSP: 49823, dspLowDSP: 130,
            bram36LowRAM: 104, bram36HighRAM: 136, depthwiseLUT: 2744, depthwiseDSP: 24, channelAugmentationLUT: 3133),
        .b1152: .init(
            lutHighDSP: 28698, ffHighDSP: 46906, dspHighDSP: 194, lutLowDSP: 30043, ffLowDSP: 49588, dspLowDSP: 146,
            bram36LowRAM: 121, bram36HighRAM: 143, depthwiseLUT: 2365, depthwiseDSP: 18, channelAugmentationLUT: 1744),
        .b1600: .init(
            lutHighDSP: 30877, ffHighDSP: 56267, dspHighDSP: 282, lutLowDSP: 33130, ffLowDSP: 60739, dspLowDSP: 202,
            bram36LowRAM: 126, bram36HighRAM: 162, depthwiseLUT: 3392, depthwiseDSP: 30, channelAugmentationLUT: 2476),
        .b2304: .init(
            lutHighDSP: 34379, ffHighDSP: 67481, dspHighDSP: 386, lutLowDSP: 37055, ffLowDSP: 72850, dspLowDSP: 290,
            bram36LowRAM: 165, bram36HighRAM: 209, depthwiseLUT: 3943, depthwiseDSP: 36, channelAugmentationLUT: 1710),
        .b3136: .init(
            lutHighDSP: 38555, ffHighDSP: 79867, dspHighDSP: 506, lutLowDSP: 41714, ffLowDSP: 86132, dspLowDSP: 394,
            bram36LowRAM: 208, bram36HighRAM: 260, depthwiseLUT: 4269, depthwiseDSP: 42, channelAugmentationLUT: 1946),
        .b4096: .init(
            lutHighDSP: 40865, ffHighDSP: 92630, dspHighDSP: 642, lutLowDSP: 44583, ffLowDSP: 99791, dspLowDSP: 514,
            bram36LowRAM: 255, bram36HighRAM: 315, depthwiseLUT: 4930, depthwiseDSP: 48, channelAugmentationLUT: 1701),
    ]
}
