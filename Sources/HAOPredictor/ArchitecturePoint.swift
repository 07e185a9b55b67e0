/// One point of the default search space: the once-for-all MobileNetV3 space with a
/// per-block bit width (see `Models/spaces/`).
///
/// Five searchable stages with 2 to 4 blocks each; every block slot (5 stages x 4 slots)
/// carries a kernel, an expand ratio and a bit width. Slots beyond a stage's depth are
/// kept (so crossover and mutation can grow a stage) but do not exist in the network.
public struct ArchitecturePoint: Sendable, Hashable, Codable {
    /// Searchable stages of the layout (5); ``depths`` has one entry per stage.
    public static let stageCount = 5
    /// Block slots per stage (4): the largest depth a stage can have.
    public static let slotsPerStage = 4
    /// Block slots in all (20); ``kernels``, ``expandRatios`` and ``bits`` have one entry per slot, stage-major.
    public static let slotCount = stageCount * slotsPerStage

    /// Blocks per stage, each in the space's depth choices.
    public var depths: [Int]
    /// Depthwise kernel per slot (20 entries).
    public var kernels: [Int]
    /// Expand ratio per slot (20 entries).
    public var expandRatios: [Int]
    /// Weight and activation bit width per slot (20 entries).
    public var bits: [Int]
    /// Input resolution.
    public var resolution: Int

    /// Creates a point from its fields. Nothing is checked here: use ``SearchSpace/check(_:)`` to validate it against a space.
    public init(depths: [Int], kernels: [Int], expandRatios: [Int], bits: [Int], resolution: Int) {
        self.depths = depths
        self.kernels = kernels
        self.expandRatios = expandRatios
        self.bits = bits
        self.resolution = resolution
    }

    enum CodingKeys: String, CodingKey {
        case depths, kernels
        case expandRatios = "expand_ratios"
        case bits, resolution
    }

    /// Whether slot `slot` (0..<20) is an active block.
    public func isActive(slot: Int) -> Bool {
        slot % Self.slotsPerStage < depths[slot / Self.slotsPerStage]
    }
}
