import HAOEvolution
import HAOPredictor

extension CoDesignProblem {
    /// The memo key of a canonical point: the index of every gene in its choice list, packed into
    /// 128 bits (the default space needs 113: 5 depths and 20 kernels and expand ratios at 2 bits,
    /// 20 widths at 1 bit, the resolution at 3). Lossless, so two points share a key only when
    /// they are equal. A space too rich for 128 bits, or a gene outside its list, falls back to
    /// the JSON digest (see ``GenomeKey``).
    public func memoKey(_ canonical: ArchitecturePoint) -> GenomeKey {
        var packer = BitPacker()
        func pack(_ values: [Int], _ choices: [Int]) -> Bool {
            let width = BitPacker.width(choices.count)
            for value in values {
                guard let i = choices.firstIndex(of: value), packer.append(UInt64(i), bits: width) else { return false }
            }
            return true
        }
        let packed =
            pack(canonical.depths, space.depthChoices) && pack(canonical.kernels, space.kernelChoices)
            && pack(canonical.expandRatios, space.expandChoices) && pack(canonical.bits, space.bitChoices)
            && pack([canonical.resolution], space.resolutionChoices)
            && canonical.depths.count == ArchitecturePoint.stageCount && canonical.kernels.count == ArchitecturePoint.slotCount
            && canonical.expandRatios.count == ArchitecturePoint.slotCount && canonical.bits.count == ArchitecturePoint.slotCount
        guard packed else { return digestKey(canonical) }
        return GenomeKey(high: packer.high, low: packer.low)
    }

    private func digestKey(_ point: ArchitecturePoint) -> GenomeKey {
        var bytes: [UInt8] = []
        for list in [point.depths, point.kernels, point.expandRatios, point.bits, [point.resolution]] {
            bytes.append(UInt8(truncatingIfNeeded: list.count))
            for value in list { withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 } }
        }
        return GenomeKey.digest(bytes)
    }
}

/// Appends small unsigned fields to a 128-bit word pair.
struct BitPacker {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var used = 0

    /// Bits needed for indices 0..<count.
    static func width(_ count: Int) -> Int {
        var bits = 0
        while (1 << bits) < count { bits += 1 }
        return bits
    }

    /// Appends `value` in `bits` bits; false when the 128 bits are full.
    mutating func append(_ value: UInt64, bits: Int) -> Bool {
        guard bits > 0 else { return true }
        guard used + bits <= 128, value < (UInt64(1) << UInt64(bits)) else { return false }
        // Shift the pair left by `bits` and put `value` in the low end.
        high = (high << UInt64(bits)) | (low >> UInt64(64 - bits))
        low = (low << UInt64(bits)) | value
        used += bits
        return true
    }
}
