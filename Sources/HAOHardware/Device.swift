import HAONetwork

/// The FPGA family, which sets how many multiplies one DSP slice performs per cycle.
public enum DeviceFamily: String, Sendable, Hashable, Codable {
    /// Zynq UltraScale+ MPSoC: DSP48E2 (27x18 multiplier).
    case zynqUltraScalePlus = "zynq_ultrascale_plus"
    /// Zynq-7000: DSP48E1 (25x18 multiplier).
    case zynq7000 = "zynq_7000"
}

/// Counts of the FPGA resources the accelerator uses.
public struct Resources: Sendable, Hashable, Codable {
    public var dsp: Int
    /// 18 Kb block RAMs (a 36 Kb BRAM counts as two).
    public var bram18: Int
    public var uram: Int
    public var lut: Int
    public var ff: Int

    public init(dsp: Int, bram18: Int, uram: Int = 0, lut: Int, ff: Int) {
        self.dsp = dsp
        self.bram18 = bram18
        self.uram = uram
        self.lut = lut
        self.ff = ff
    }
}

/// One FPGA device on one board, with the figures the cost model needs.
public struct Device: Sendable, Hashable, Codable {
    /// Part name, e.g. "XCZU3EG".
    public var part: String
    /// Board, e.g. "Ultra96".
    public var board: String
    /// Short names accepted on the command line, e.g. ["zu3eg", "ultra96"]. Matching ignores case.
    public var aliases: [String]
    public var family: DeviceFamily
    /// Vendor totals.
    public var resources: Resources
    /// Default accelerator clock in MHz.
    public var clockMHz: Double
    /// Sustained DDR bandwidth available to the accelerator, in GB/s (10^9 bytes per second).
    public var ddrBandwidthGBps: Double
    /// Data sheets and board documents the figures come from, and why the defaults are what they are.
    public var sources: [String]

    public init(part: String, board: String, aliases: [String], family: DeviceFamily, resources: Resources,
                clockMHz: Double, ddrBandwidthGBps: Double, sources: [String]) {
        self.part = part
        self.board = board
        self.aliases = aliases
        self.family = family
        self.resources = resources
        self.clockMHz = clockMHz
        self.ddrBandwidthGBps = ddrBandwidthGBps
        self.sources = sources
    }

    enum CodingKeys: String, CodingKey {
        case part, board, aliases, family, resources
        case clockMHz = "clock_mhz"
        case ddrBandwidthGBps = "ddr_bandwidth_gbps"
        case sources
    }
}
