import Foundation

/// Accuracy lost to quantization, in top-1 points, for a point of the default space.
///
/// `penalty = int8Penalty + int4Penalty * S4 / Sall`, where `Sall` sums
/// `share(b) * stageMultipliers[stage(b)]` over active searchable blocks and `S4` over those
/// at 4 bits; `share(b)` is the block's fraction of the searchable blocks' MACs (BOPS-like,
/// as HAWQ-V3 measures cost). An all-8-bit net pays `int8Penalty` (the stem, first block and
/// head are always 8-bit); an all-4-bit net pays `int8Penalty + int4Penalty`.
///
/// A user sensitivity (`lowBitSlotPenalties`) replaces the MAC-share rule: then the 4-bit
/// part is the sum of the listed per-slot penalties of the active 4-bit slots.
///
/// The default constants are fitted by `hao predictor train` (see `QuantizationCalibration`
/// and docs/predictor.md) and stored in the model file.
public struct QuantizationModel: Sendable, Hashable, Codable {
    /// Top-1 points lost by 8-bit quantization of the whole network.
    public var int8Penalty: Double
    /// Standard deviation of `int8Penalty` across the calibration data.
    public var int8PenaltyStd: Double
    /// Additional top-1 points lost when every searchable block goes from 8 to 4 bits.
    public var int4Penalty: Double
    /// Residual standard deviation of the 4-bit fit.
    public var int4PenaltyStd: Double
    /// Relative sensitivity of the five stages (mean 1 means uniform).
    public var stageMultipliers: [Double]
    /// A user's per-slot 4-bit penalties in points (20 values), overriding the share rule.
    public var lowBitSlotPenalties: [Double]?
    /// Where the constants come from.
    public var source: String


    public init(int8Penalty: Double, int8PenaltyStd: Double, int4Penalty: Double, int4PenaltyStd: Double,
                stageMultipliers: [Double] = Array(repeating: 1, count: ArchitecturePoint.stageCount),
                lowBitSlotPenalties: [Double]? = nil, source: String) {
        self.int8Penalty = int8Penalty
        self.int8PenaltyStd = int8PenaltyStd
        self.int4Penalty = int4Penalty
        self.int4PenaltyStd = int4PenaltyStd
        self.stageMultipliers = stageMultipliers
        self.lowBitSlotPenalties = lowBitSlotPenalties
        self.source = source
    }

    /// No penalty: a full-precision prediction.
    public static let none = QuantizationModel(int8Penalty: 0, int8PenaltyStd: 0, int4Penalty: 0, int4PenaltyStd: 0,
                                               source: "none (full precision)")

    /// Whether sizes are right and every value is finite and non-negative (see ``problem``).
    public var isValid: Bool { problem == nil }

    /// What is wrong with the values, named by their model-file keys, or nil. A penalty is
    /// top-1 lost, so a negative one (quantized nets predicted above full precision) is refused
    /// like a non-finite one; standard deviations and stage multipliers cannot be negative either.
    public var problem: String? {
        let scalars: [(String, Double)] = [("int8_penalty", int8Penalty), ("int8_penalty_std", int8PenaltyStd),
                                           ("int4_penalty", int4Penalty), ("int4_penalty_std", int4PenaltyStd)]
        for (key, v) in scalars {
            guard v.isFinite else { return "\(key) is not finite" }
            guard v >= 0 else { return "\(key) \(v) is negative (a quantization penalty is top-1 lost)" }
        }
        guard stageMultipliers.count == ArchitecturePoint.stageCount else {
            return "\(stageMultipliers.count) stage_multipliers, expected \(ArchitecturePoint.stageCount)"
        }
        if let i = stageMultipliers.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            return "stage_multipliers[\(i)] \(stageMultipliers[i]) is not a finite non-negative number"
        }
        if let s = lowBitSlotPenalties {
            guard s.count == ArchitecturePoint.slotCount else {
                return "\(s.count) low_bit_slot_penalties, expected \(ArchitecturePoint.slotCount)"
            }
            if let i = s.firstIndex(where: { !$0.isFinite }) { return "slot \(i) penalty is not finite" }
            if let i = s.firstIndex(where: { $0 < 0 }) {
                return "slot \(i) penalty \(s[i]) is negative (a quantization penalty is top-1 lost)"
            }
        }
        return nil
    }

    /// Penalty in points and its standard deviation.
    public func penalty(_ p: ArchitecturePoint) -> (points: Double, std: Double) {
        if let slots = lowBitSlotPenalties {
            var sum = 0.0
            for slot in 0..<ArchitecturePoint.slotCount where Encoding.active(p, slot) && slot < p.bits.count && p.bits[slot] < 8 {
                sum += slots[slot]
            }
            return (int8Penalty + sum, int8PenaltyStd)
        }
        let macs = BlockMACs.perSlot(p)
        var all = 0.0, low = 0.0
        for slot in 0..<ArchitecturePoint.slotCount where macs[slot] > 0 {
            let w = macs[slot] * stageMultipliers[slot / ArchitecturePoint.slotsPerStage]
            all += w
            if slot < p.bits.count && p.bits[slot] < 8 { low += w }
        }
        let fraction = all > 0 ? low / all : 0
        let std = (int8PenaltyStd * int8PenaltyStd + fraction * fraction * int4PenaltyStd * int4PenaltyStd).squareRoot()
        return (int8Penalty + int4Penalty * fraction, std)
    }

    /// Reads a user sensitivity file: JSON `{"format": "hao-sensitivity-v1",
    /// "slot_penalties_4bit": [20 numbers], "int8_penalty": optional number}` or CSV with a
    /// header `slot,penalty_4bit` and 20 rows (slot 0..19). Values are top-1 points lost when
    /// that slot runs at 4 instead of 8 bits (e.g. HAWQ's Hessian trace x quantization
    /// error, scaled to points). The result keeps `base`'s 8-bit penalty unless the file sets one.
    public static func userSensitivity(contentsOf url: URL, base: QuantizationModel) throws -> QuantizationModel {
        let path = url.path
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw PredictorError.badSensitivity(path: path, reason: error.localizedDescription)
        }
        var slots: [Double]
        var int8 = base.int8Penalty
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            struct File: Decodable {
                var format: String
                var slot_penalties_4bit: [Double]
                var int8_penalty: Double?
            }
            let file: File
            do { file = try JSONDecoder().decode(File.self, from: Data(text.utf8)) } catch {
                throw PredictorError.badSensitivity(path: path, reason: "not a hao-sensitivity-v1 JSON file: \(error)")
            }
            guard file.format == "hao-sensitivity-v1" else {
                throw PredictorError.badSensitivity(path: path, reason: "unknown format '\(file.format)', expected hao-sensitivity-v1")
            }
            slots = file.slot_penalties_4bit
            if let v = file.int8_penalty { int8 = v }
        } else {
            let table = try CSVTable(text: text, file: path)
            let slotCol = try table.column("slot"), penCol = try table.column("penalty_4bit")
            slots = [Double](repeating: .nan, count: ArchitecturePoint.slotCount)
            for row in table.rows {
                let s = try row.int(slotCol)
                guard (0..<ArchitecturePoint.slotCount).contains(s) else {
                    throw PredictorError.badData(file: path, line: row.line, reason: "slot \(s) not in 0..<\(ArchitecturePoint.slotCount)")
                }
                slots[s] = try row.double(penCol)
            }
        }
        guard slots.count == ArchitecturePoint.slotCount else {
            throw PredictorError.badSensitivity(path: path, reason: "\(slots.count) slot penalties, expected \(ArchitecturePoint.slotCount)")
        }
        if let missing = slots.firstIndex(where: { !$0.isFinite }) {
            throw PredictorError.badSensitivity(path: path, reason: "slot \(missing) has no finite penalty")
        }
        // Negative values would predict quantized nets above full precision (e.g. 90% for a MobileNet).
        if let negative = slots.firstIndex(where: { $0 < 0 }) {
            throw PredictorError.badSensitivity(path: path, reason: "slot \(negative) penalty \(slots[negative]) is negative; penalties are top-1 points lost at 4 bits (0 or more)")
        }
        guard int8.isFinite else { throw PredictorError.badSensitivity(path: path, reason: "int8_penalty is not finite") }
        guard int8 >= 0 else {
            throw PredictorError.badSensitivity(path: path, reason: "int8_penalty \(int8) is negative; it is top-1 points lost at 8 bits (0 or more)")
        }
        var m = base
        m.lowBitSlotPenalties = slots
        m.int8Penalty = int8
        m.source = "user sensitivity file \(url.lastPathComponent); 8-bit part: \(int8 == base.int8Penalty ? base.source : "from the file")"
        return m
    }
}

/// MACs of each searchable block of a default-space point, without building a `Network`
/// (the quantization share needs it per candidate). Channel rules are the default space's
/// (width 1.0 once-for-all MobileNetV3); inactive slots get 0.
enum BlockMACs {
    static let stageChannels = [24, 40, 80, 112, 160]
    static let stageStrides = [2, 2, 2, 1, 2]
    static let stageSE = [false, true, false, true, true]

    static func perSlot(_ p: ArchitecturePoint) -> [Double] {
        var out = [Double](repeating: 0, count: ArchitecturePoint.slotCount)
        // Stem stride 2; the first block keeps the size.
        var size = (max(p.resolution, 1) + 1) / 2
        var channels = 16
        for s in 0..<ArchitecturePoint.stageCount {
            let depth = s < p.depths.count ? p.depths[s] : 0
            for j in 0..<min(depth, ArchitecturePoint.slotsPerStage) {
                let slot = s * ArchitecturePoint.slotsPerStage + j
                let e = slot < p.expandRatios.count ? p.expandRatios[slot] : 1
                let k = slot < p.kernels.count ? p.kernels[slot] : 3
                let stride = j == 0 ? stageStrides[s] : 1
                let outSize = (size + stride - 1) / stride
                let expanded = SearchSpace.makeDivisible(Double(channels * e), divisor: 8)
                var macs = Double(size * size * channels * expanded)
                macs += Double(outSize * outSize * expanded * k * k)
                if stageSE[s] {
                    let se = SearchSpace.makeDivisible(Double(expanded / 4), divisor: 8)
                    macs += Double(2 * expanded * se)
                }
                macs += Double(outSize * outSize * expanded * stageChannels[s])
                out[slot] = macs
                size = outSize
                channels = stageChannels[s]
            }
        }
        return out
    }
}
