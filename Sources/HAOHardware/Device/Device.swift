import HAONetwork

/// The FPGA family, which sets how many multiplies one DSP slice performs per cycle.
public enum DeviceFamily: String, Sendable, Hashable, Codable, CaseIterable {
    /// Zynq UltraScale+ MPSoC: DSP48E2 (27x18 multiplier).
    case zynqUltraScalePlus = "zynq_ultrascale_plus"
    /// Zynq-7000: DSP48E1 (25x18 multiplier).
    case zynq7000 = "zynq_7000"
}

/// One FPGA device on one board, with the figures the cost model needs.
public struct Device: Sendable, Hashable, Codable {
    /// Part name, e.g. "XCZU3EG".
    public var part: String
    /// Board, e.g. "Ultra96".
    public var board: String
    /// Short names accepted on the command line, e.g. ["zu3eg", "ultra96"]. Matching ignores case.
    public var aliases: [String]
    /// The FPGA family: it sets how many multiplies a DSP slice performs per cycle, and which targets run on the part
    /// (the DPU needs Zynq UltraScale+).
    public var family: DeviceFamily
    /// Vendor totals.
    public var resources: Resources
    /// Default accelerator clock in MHz.
    public var clockMHz: Double
    /// Sustained DDR bandwidth available to the accelerator, in GB/s (10^9 bytes per second).
    public var ddrBandwidthGBps: Double
    /// Data sheets and board documents the figures come from, and why the defaults are what they are.
    public var sources: [String]
    /// Whether this is the catalogue's default device (JSON key `default`; the Ultra96's ZU3EG).
    public var isDefault: Bool

    /// A device from its figures, taken as given; ``validate()`` checks their ranges (targets call it when they are built).
    public init(
        part: String, board: String, aliases: [String], family: DeviceFamily, resources: Resources,
        clockMHz: Double, ddrBandwidthGBps: Double, sources: [String], isDefault: Bool = false
    ) {
        self.part = part
        self.board = board
        self.aliases = aliases
        self.family = family
        self.resources = resources
        self.clockMHz = clockMHz
        self.ddrBandwidthGBps = ddrBandwidthGBps
        self.sources = sources
        self.isDefault = isDefault
    }

    enum CodingKeys: String, CodingKey {
        case part, board, aliases, family, resources
        case clockMHz = "clock_mhz"
        case ddrBandwidthGBps = "ddr_bandwidth_gbps"
        case sources
        case isDefault = "default"
    }

    /// Reads a device; `aliases`, `sources` and `default` may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        part = try c.decode(String.self, forKey: .part)
        board = try c.decode(String.self, forKey: .board)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        family = try c.decode(DeviceFamily.self, forKey: .family)
        resources = try c.decode(Resources.self, forKey: .resources)
        clockMHz = try c.decode(Double.self, forKey: .clockMHz)
        ddrBandwidthGBps = try c.decode(Double.self, forKey: .ddrBandwidthGBps)
        sources = try c.decodeIfPresent([String].self, forKey: .sources) ?? []
        isDefault = try c.decodeIfPresent(Bool.self, forKey: .isDefault) ?? false
    }

    /// Writes the JSON form the catalogue reads; `default` only when true.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(part, forKey: .part)
        try c.encode(board, forKey: .board)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(family, forKey: .family)
        try c.encode(resources, forKey: .resources)
        try c.encode(clockMHz, forKey: .clockMHz)
        try c.encode(ddrBandwidthGBps, forKey: .ddrBandwidthGBps)
        try c.encode(sources, forKey: .sources)
        if isDefault { try c.encode(true, forKey: .isDefault) }
    }
}
