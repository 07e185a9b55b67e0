import HAOSupport

/// One DPUCZDX8G design: what the DPU target's configuration problem chooses.
///
/// Depthwise convolution and channel augmentation are always enabled (their resources are
/// counted): every network of the format has depthwise layers.
public struct DPUConfiguration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The core architecture.
    public var architecture: DPUArchitecture
    /// Homogeneous cores (PG338: at most four). Each runs one network at a time.
    public var cores: Int
    /// DSP usage of every core.
    public var dspUsage: DPUDSPUsage
    /// RAM usage of every core.
    public var ramUsage: DPURAMUsage
    /// The DPU clock (`m_axi_dpu_aclk`) in MHz; the DSP array runs at twice this.
    public var clockMHz: Double

    /// A design.
    public init(architecture: DPUArchitecture, cores: Int, dspUsage: DPUDSPUsage, ramUsage: DPURAMUsage, clockMHz: Double) {
        self.architecture = architecture
        self.cores = cores
        self.dspUsage = dspUsage
        self.ramUsage = ramUsage
        self.clockMHz = clockMHz
    }

    enum CodingKeys: String, CodingKey {
        case architecture, cores
        case dspUsage = "dsp_usage"
        case ramUsage = "ram_usage"
        case clockMHz = "clock_mhz"
    }

    /// E.g. "3 x B4096 @ 281 MHz (DSP high, RAM low)".
    public var description: String {
        "\(cores) x \(architecture) @ \(fixedPoint(clockMHz, clockMHz.rounded() == clockMHz ? 0 : 1)) MHz (DSP \(dspUsage.rawValue), RAM \(ramUsage.rawValue))"
    }

    /// Resources of all cores.
    public var resources: Resources {
        let one = architecture.coreResources.resources(dsp: dspUsage, ram: ramUsage)
        return Resources(dsp: one.dsp * cores, bram18: one.bram18 * cores, lut: one.lut * cores, ff: one.ff * cores)
    }

    /// The geometry one core's latency depends on.
    public var core: DPUCore { DPUCore(architecture: architecture, ramUsage: ramUsage, clockMHz: clockMHz) }
}

/// What one core's latency depends on: architecture, on-chip feature-map capacity and clock.
public struct DPUCore: Sendable, Hashable, Codable {
    /// The core architecture, which sets the pixel, input-channel and output-channel parallelism.
    public var architecture: DPUArchitecture
    /// RAM usage, which sets the on-chip feature-map capacity: one image bank group at low, two at high (PG338 "RAM usage").
    public var ramUsage: DPURAMUsage
    /// The DPU clock (`m_axi_dpu_aclk`) in MHz; every cycle count and the data ports' peak bandwidth scale with it.
    public var clockMHz: Double

    /// A core from its geometry; ``DPUConfiguration/core`` gives the one of a design.
    public init(architecture: DPUArchitecture, ramUsage: DPURAMUsage, clockMHz: Double) {
        self.architecture = architecture
        self.ramUsage = ramUsage
        self.clockMHz = clockMHz
    }

    /// Depth of one image bank (UG1414 "Currently Supported Operators", DPUCZDX8G_ISA1_B4096:
    /// bank_depth 2048; the Vitis AI target description uses the same depth for every size).
    public static let bankDepth = 2048
    /// Data ports per core: two 128-bit AXI masters, DATA0 and DATA1 (PG338 port descriptions),
    /// clocked by `m_axi_dpu_aclk` (PG338 "Data Controller Clock").
    public static let dataPorts = 2
    /// Bytes per beat of one data port.
    public static let portBytes = 16

    var pp: Int { architecture.pixelParallelism }
    var icp: Int { architecture.inputChannelParallelism }
    var ocp: Int { architecture.outputChannelParallelism }
    var aluPP: Int { architecture.aluPixelParallelism }

    /// Feature-map capacity in bank addresses: bank groups x 2,048.
    public var capacityAddresses: Int { ramUsage.imageBankGroups * Self.bankDepth }

    /// Bank addresses a C x H x W map occupies: ceil(C / ICP) x ceil(W / PP) x H.
    public func mapAddresses(channels: Int, height: Int, width: Int) -> Int {
        ceilDiv(channels, icp) * ceilDiv(width, pp) * height
    }

    /// The data ports' peak bandwidth in GB/s (10^9 B/s): 2 x 16 B x clock.
    public var peakBandwidthGBps: Double { Double(Self.dataPorts * Self.portBytes) * clockMHz / 1000 }
}
