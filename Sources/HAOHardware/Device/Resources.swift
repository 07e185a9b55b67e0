/// Counts of the FPGA resources the accelerator uses.
public struct Resources: Sendable, Hashable, Codable {
    /// DSP slices.
    public var dsp: Int
    /// 18 Kb block RAMs (a 36 Kb BRAM counts as two).
    public var bram18: Int
    /// UltraRAM blocks (288 Kb).
    public var uram: Int
    /// Look-up tables.
    public var lut: Int
    /// Flip-flops.
    public var ff: Int

    /// Resource counts; `uram` defaults to 0.
    public init(dsp: Int, bram18: Int, uram: Int = 0, lut: Int, ff: Int) {
        self.dsp = dsp
        self.bram18 = bram18
        self.uram = uram
        self.lut = lut
        self.ff = ff
    }

    enum CodingKeys: String, CodingKey {
        case dsp, bram18, uram, lut, ff
    }

    /// Reads resources; `uram` may be omitted (most parts have none).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dsp = try c.decode(Int.self, forKey: .dsp)
        bram18 = try c.decode(Int.self, forKey: .bram18)
        uram = try c.decodeIfPresent(Int.self, forKey: .uram) ?? 0
        lut = try c.decode(Int.self, forKey: .lut)
        ff = try c.decode(Int.self, forKey: .ff)
    }
}

extension Resources {
    /// The element-wise sum.
    public static func + (lhs: Resources, rhs: Resources) -> Resources {
        Resources(
            dsp: lhs.dsp + rhs.dsp, bram18: lhs.bram18 + rhs.bram18, uram: lhs.uram + rhs.uram,
            lut: lhs.lut + rhs.lut, ff: lhs.ff + rhs.ff)
    }

    /// Whether every counted resource (DSP, BRAM18, LUT, FF) is at most `budget`'s.
    public func fits(in budget: Resources) -> Bool {
        dsp <= budget.dsp && bram18 <= budget.bram18 && lut <= budget.lut && ff <= budget.ff
    }

    /// The element-wise minimum (the cheapest of two in every resource).
    public func elementwiseMin(_ other: Resources) -> Resources {
        Resources(
            dsp: min(dsp, other.dsp), bram18: min(bram18, other.bram18), uram: min(uram, other.uram),
            lut: min(lut, other.lut), ff: min(ff, other.ff))
    }

    /// No resources.
    public static let zero = Resources(dsp: 0, bram18: 0, uram: 0, lut: 0, ff: 0)
}
