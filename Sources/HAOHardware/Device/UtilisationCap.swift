/// Fractions of each resource the accelerator may use (1 = all of it).
public struct UtilisationCap: Sendable, Hashable, Codable {
    /// Fraction of the DSP slices.
    public var dsp: Double
    /// Fraction of the BRAM18 blocks.
    public var bram18: Double
    /// Fraction of the LUTs.
    public var lut: Double
    /// Fraction of the flip-flops.
    public var ff: Double

    /// A cap; the defaults are ``standard``.
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
        Resources(
            dsp: Int((Double(device.resources.dsp) * dsp).rounded(.down)),
            bram18: Int((Double(device.resources.bram18) * bram18).rounded(.down)),
            uram: device.resources.uram,
            lut: Int((Double(device.resources.lut) * lut).rounded(.down)),
            ff: Int((Double(device.resources.ff) * ff).rounded(.down)))
    }
}
