/// Feature encodings of an ``ArchitecturePoint``.
///
/// **OFA inputs (128)**, in the released once-for-all predictor's order (HAO.md section 5):
/// - `0..<60`: for slot 0..19, a one-hot of the kernel over {3, 5, 7} (3 values per slot);
/// - `60..<120`: for slot 0..19, a one-hot of the expand ratio over {3, 4, 6};
/// - `120..<128`: a one-hot of the resolution bucket `(r - 112) / 16` (integer division), clamped to 0...7.
/// Slots beyond a stage's depth are all zero.
///
/// **Bit-width features (20)**, appended by ``full(_:)``: for slot 0..19, `(8 - bits) / 4`
/// for an active slot (1 for a 4-bit block, 0 for an 8-bit block) and 0 for an inactive
/// slot. The stem, first block and head are fixed at 8 bits and get no feature.
public enum Encoding {
    /// Kernel sizes the OFA one-hot distinguishes, in feature order; other kernels encode as all zero.
    public static let ofaKernelChoices = [3, 5, 7]
    /// Expand ratios the OFA one-hot distinguishes, in feature order; other ratios encode as all zero.
    public static let ofaExpandChoices = [3, 4, 6]
    /// Number of OFA inputs: 60 kernel, 60 expand and 8 resolution-bucket features.
    public static let ofaFeatureCount = 128
    /// Number of bit-width features: one per block slot (20).
    public static let bitFeatureCount = ArchitecturePoint.slotCount
    /// Length of ``full(_:)``: the OFA inputs followed by the bit-width features (148).
    public static let featureCount = ofaFeatureCount + bitFeatureCount

    /// Length of ``codes(_:)``: 20 kernel codes, 20 expand codes, 1 resolution bucket.
    static let codeCount = 2 * ArchitecturePoint.slotCount + 1

    /// The resolution bucket the OFA predictor uses, clamped to 0...7.
    public static func resolutionBucket(_ resolution: Int) -> Int {
        min(7, max(0, (resolution - 112) / 16))
    }

    /// Whether slot `slot` of `p` is active, tolerating malformed points (false when out of range).
    @inline(__always)
    static func active(_ p: ArchitecturePoint, _ slot: Int) -> Bool {
        let stage = slot / ArchitecturePoint.slotsPerStage
        return stage < p.depths.count && slot % ArchitecturePoint.slotsPerStage < p.depths[stage]
    }

    /// The 128 OFA inputs. Values outside the OFA choices leave their one-hot all zero.
    public static func ofa(_ p: ArchitecturePoint) -> [Double] {
        var f = [Double](repeating: 0, count: ofaFeatureCount)
        let c = codes(p)
        for slot in 0..<ArchitecturePoint.slotCount {
            if c[slot] > 0 { f[slot * 3 + Int(c[slot]) - 1] = 1 }
            let e = c[ArchitecturePoint.slotCount + slot]
            if e > 0 { f[60 + slot * 3 + Int(e) - 1] = 1 }
        }
        f[120 + Int(c[codeCount - 1])] = 1
        return f
    }

    /// The 20 bit-width features.
    public static func bitFeatures(_ p: ArchitecturePoint) -> [Double] {
        (0..<ArchitecturePoint.slotCount).map { slot in
            guard active(p, slot), slot < p.bits.count else { return 0 }
            return Double(8 - p.bits[slot]) / 4
        }
    }

    /// OFA inputs followed by the bit-width features (148 values).
    public static func full(_ p: ArchitecturePoint) -> [Double] { ofa(p) + bitFeatures(p) }

    /// Compact form of the OFA inputs: per slot a kernel code and an expand code
    /// (0 = inactive or not an OFA choice, 1...3 = index + 1), then the resolution bucket.
    /// The squared Euclidean distance of two OFA one-hot vectors is computed from these
    /// codes without building the vectors (see `KernelMath.squaredDistance`).
    static func codes(_ p: ArchitecturePoint) -> [UInt8] {
        var c = [UInt8](repeating: 0, count: codeCount)
        for slot in 0..<ArchitecturePoint.slotCount where active(p, slot) {
            if slot < p.kernels.count, let k = ofaKernelChoices.firstIndex(of: p.kernels[slot]) { c[slot] = UInt8(k + 1) }
            if slot < p.expandRatios.count, let e = ofaExpandChoices.firstIndex(of: p.expandRatios[slot]) {
                c[ArchitecturePoint.slotCount + slot] = UInt8(e + 1)
            }
        }
        c[codeCount - 1] = UInt8(resolutionBucket(p.resolution))
        return c
    }
}
