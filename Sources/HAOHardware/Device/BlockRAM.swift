/// The block RAM of the catalogued families (UltraScale+, UG573; 7 series, UG473), as the cost
/// models size memories with it.
public enum BlockRAM {
    /// Bits in one BRAM18 (18 Kb including parity).
    public static let bram18Bits = 18_432
    /// The widest port of a BRAM18 in simple dual-port mode: 512 x 36 (UG573 table 1-5).
    public static let bram18MaxWidth = 36

    /// The depth of one BRAM18 at a port `width` bits wide, from its aspect ratios
    /// 16K x 1, 8K x 2, 4K x 4, 2K x 9, 1K x 18, 512 x 36.
    public static func bram18Depth(width: Int) -> Int {
        switch width {
        case ...1: return 16_384
        case ...2: return 8_192
        case ...4: return 4_096
        case ...9: return 2_048
        case ...18: return 1_024
        default: return 512
        }
    }

    /// BRAM18s for a memory read `widthBits` per cycle, `words` deep: split into banks of at most
    /// `maxWidth` bits, each bank using the aspect ratio that fits its width.
    public static func bram18Count(widthBits: Int, words: Int, maxWidth: Int = bram18MaxWidth) -> Int {
        guard widthBits > 0, words > 0 else { return 0 }
        let banks = (widthBits + maxWidth - 1) / maxWidth
        let bankWidth = (widthBits + banks - 1) / banks
        let depth = bram18Depth(width: bankWidth)
        return banks * ((words + depth - 1) / depth)
    }

    /// BRAM18s for a buffer of `sizeBits` bits read `readBits` per cycle (nothing if either is 0).
    public static func bram18Count(readBits: Int, sizeBits: Int, maxWidth: Int = bram18MaxWidth) -> Int {
        guard sizeBits > 0, readBits > 0 else { return 0 }
        return bram18Count(widthBits: readBits, words: (sizeBits + readBits - 1) / readBits, maxWidth: maxWidth)
    }
}
