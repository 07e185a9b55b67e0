/// A DPU design the vendor (or the measured data) runs on a board: where the target's clock
/// candidates come from, and what its throughput objective is compared with (docs/dpu.md).
public struct DPUReferenceDesign: Sendable, Hashable {
    /// The device part, e.g. "XCZU9EG".
    public var part: String
    /// The board the design was published for, e.g. "ZCU102".
    public var board: String
    /// The core architecture of the published design.
    public var architecture: DPUArchitecture
    /// Number of DPU cores in the published design (1 to ``DPUTarget/maximumCores``).
    public var cores: Int
    /// The design's DPU clock (`m_axi_dpu_aclk`) in MHz; ``DPUTarget/clockCandidates(for:)`` offers it on the part.
    public var clockMHz: Double
    /// RAM usage as built (nil where the source does not say).
    public var ramUsage: DPURAMUsage?
    /// Whether the design maps DPU buffers into UltraRAM (which this target does not model).
    public var usesUltraRAM: Bool
    /// Where the figures come from.
    public var source: String

    /// The published designs on the catalogued boards.
    public static let published: [DPUReferenceDesign] = [
        DPUReferenceDesign(
            part: "XCZU9EG", board: "ZCU102", architecture: .b4096, cores: 3, clockMHz: 281, ramUsage: .low, usesUltraRAM: false,
            source:
                "Vitis AI 2.5 model zoo (ZCU102: 3 x B4096 at 281 MHz); Vitis-AI dsa/DPU-TRD/prj/Vitis/dpu_conf.vh (B4096, RAM_USAGE_LOW, URAM off for zcu102)"
        ),
        DPUReferenceDesign(
            part: "XCZU7EV", board: "ZCU104", architecture: .b4096, cores: 2, clockMHz: 300, ramUsage: .low, usesUltraRAM: true,
            source: "Vitis AI 2.5 model zoo (ZCU104: 2 x B4096 at 300 MHz); the ZCU104 DPU-TRD enables UltraRAM for the DPU buffers"),
        DPUReferenceDesign(
            part: "XCK26", board: "KV260", architecture: .b4096, cores: 1, clockMHz: 300, ramUsage: .high, usesUltraRAM: true,
            source:
                "Vitis AI / DPU-PYNQ KV260 design: 1 x B4096 at 300 MHz, fingerprint 0x101000056010407 (two image bank groups), UltraRAM enabled"
        ),
        DPUReferenceDesign(
            part: "XCZU3EG", board: "Ultra96", architecture: .b1600, cores: 1, clockMHz: 287, ramUsage: .low, usesUltraRAM: false,
            source: "Xilinx AI Model Zoo (AI SDK v2.0.4) Ultra96 figures; DPU-PYNQ boards/Ultra96v2/dpu_conf.vh (B1600, RAM_USAGE_LOW)"),
        DPUReferenceDesign(
            part: "XCZU3EG", board: "Ultra96", architecture: .b2304, cores: 1, clockMHz: 200, ramUsage: .low, usesUltraRAM: false,
            source: "the Ultra96 block measurements (shared data ultra96_ofa_blocks.csv): 1 x B2304 at 200 MHz, Vitis AI 3.0"),
    ]

    /// The published designs on `part` (case-insensitive).
    public static func designs(on part: String) -> [DPUReferenceDesign] {
        published.filter { $0.part.lowercased() == part.lowercased() }
    }
}

extension DPUTarget {
    /// The DPU clocks the configuration problem chooses from on `device`: the clocks of the
    /// published designs on its part, and the device file's own clock, ascending. A faster clock
    /// never slows the model down, so the fastest is chosen; the model knows nothing of timing
    /// closure (docs/dpu.md, "Clock").
    public static func clockCandidates(for device: Device) -> [Double] {
        let published = DPUReferenceDesign.designs(on: device.part).map(\.clockMHz)
        return Array(Set(published + [device.clockMHz])).sorted()
    }
}
