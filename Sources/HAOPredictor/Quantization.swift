import Foundation
import HAONetwork
import HAOSupport

/// Accuracy lost to quantization, in top-1 points, by layer kind (docs/predictor.md).
///
/// For the active ``regime`` with constants `P8`, `Sw`, `Sa` (``QuantizationPenaltyParameters``):
///
///     penalty = P8 * q8 + Sw * Ew + Sa * Ea
///     Ew = sum over layers of  w(kind) * m(layer) * g(weight bits)     / B
///     Ea = sum over layers of  w(kind) * m(layer) * g(activation bits) / B
///
/// - `q8`: the share of operands (weights and activations of every layer) at 8 bits or fewer;
/// - `w(kind)`: ``layerWeights``, a layer's relative sensitivity (all 1 in the shipped model);
/// - `m`: ``kernelMultiplier(_:)`` for depthwise layers (1, 1.46, 1.77 for k = 3, 5, 7), else 1;
/// - `g(b) = (4^(8-b) - 1) / 255` below 8 bits, 0 from 8 up: quantization noise power grows 4x per
///   bit removed, and the 8-bit loss is `P8`'s, so `g(8) = 0` and `g(4) = 1`;
/// - `B`: the summed `w(kind)` of the MBConv blocks' layers, so a network whose blocks are all at
///   W4A4 loses `P8 + Sw + Sa` (more with larger depthwise kernels) whatever its depth, and a block
///   at 4 bits costs its share of the layers, not of the MACs.
///
/// A user sensitivity (`lowBitSlotPenalties`) replaces the layer-kind rule for points: then the
/// 4-bit part is the sum of the listed per-slot penalties of the active slots below 8 bits.
///
/// The constants are fitted by `hao predictor train` (see `QuantizationCalibration`) and stored in
/// the model file.
public struct QuantizationModel: Sendable, Hashable, Codable {
    /// The regime whose constants ``penalty(_:)`` uses (default `qat`).
    public var regime: QuantizationRegime
    /// Quantization-aware training constants.
    public var qat: QuantizationPenaltyParameters
    /// Post-training (reconstruction) constants, when the training data had PTQ rows.
    public var ptq: QuantizationPenaltyParameters?
    /// Relative sensitivity per layer of each kind.
    public var layerWeights: LayerKindWeights
    /// Where a point's fixed layers sit.
    public var layout: PointLayout
    /// A user's per-slot 4-bit penalties in points (20 values), overriding the layer-kind rule.
    public var lowBitSlotPenalties: [Double]?
    /// Where the constants come from.
    public var source: String

    /// Creates a model from its fields. Defaults: the QAT regime, equal layer-kind weights, the shipped once-for-all
    /// layout, no user sensitivity.
    public init(
        regime: QuantizationRegime = .qat, qat: QuantizationPenaltyParameters, ptq: QuantizationPenaltyParameters? = nil,
        layerWeights: LayerKindWeights = .equal, layout: PointLayout = .onceForAllMobileNetV3,
        lowBitSlotPenalties: [Double]? = nil, source: String
    ) {
        self.regime = regime
        self.qat = qat
        self.ptq = ptq
        self.layerWeights = layerWeights
        self.layout = layout
        self.lowBitSlotPenalties = lowBitSlotPenalties
        self.source = source
    }

    /// A QAT-only model with weights and activations sharing the 4-bit part equally.
    public init(
        int8Penalty: Double, int8PenaltyStd: Double, int4Penalty: Double, int4PenaltyStd: Double,
        lowBitSlotPenalties: [Double]? = nil, source: String
    ) {
        self.init(
            qat: QuantizationPenaltyParameters(
                int8Penalty: int8Penalty, int8PenaltyStd: int8PenaltyStd,
                int4WeightPenalty: int4Penalty / 2, int4ActivationPenalty: int4Penalty / 2,
                int4PenaltyStd: int4PenaltyStd, source: source),
            lowBitSlotPenalties: lowBitSlotPenalties, source: source)
    }

    /// No penalty: a full-precision prediction.
    public static let none = QuantizationModel(qat: .zero, ptq: .zero, source: "none (full precision)")

    /// The constants of the active regime.
    public var parameters: QuantizationPenaltyParameters {
        get { regime == .ptq ? (ptq ?? qat) : qat }
        set { if regime == .ptq { ptq = newValue } else { qat = newValue } }
    }

    /// Top-1 points lost by 8-bit quantization of the whole network (active regime).
    public var int8Penalty: Double {
        get { parameters.int8Penalty }
        set { parameters.int8Penalty = newValue }
    }

    /// Points lost beyond the 8-bit part when every block runs at W4A4 (active regime).
    public var int4Penalty: Double { parameters.int4Penalty }

    /// A copy using `regime`'s constants; throws if the model has none for it.
    public func with(regime: QuantizationRegime) throws -> QuantizationModel {
        if regime == .ptq && ptq == nil {
            throw PredictorError.regimeUnavailable(
                regime: regime.rawValue,
                reason: "the model has no post-training (ptq) constants: it was trained without PTQ rows (mobilenet_quant_acc.csv)")
        }
        var copy = self
        copy.regime = regime
        return copy
    }

    /// Relative quantization noise of a k x k depthwise kernel against a 3 x 3 one: `ln k / ln 3`.
    /// A per-channel quantizer's step is set by the channel's largest weight, and the largest of
    /// n roughly Gaussian weights grows like sqrt(2 ln n), so the noise power relative to the
    /// weights' grows like ln(k^2).
    public static func kernelMultiplier(_ kernel: Int) -> Double {
        switch kernel {
        case ...3: return 1
        case 5: return multiplier5
        case 7: return multiplier7
        default: return log(Double(kernel)) / log(3)
        }
    }

    // Every prediction needs these: computed once (the same expression, so the same value).
    private static let multiplier5 = log(5.0) / log(3)
    private static let multiplier7 = log(7.0) / log(3)

    /// Noise power at `bits` relative to 4 bits, counted from 8: `(4^(8-b) - 1) / 255`, 0 from 8 up.
    public static func bitNoise(_ bits: Int) -> Double {
        switch bits {
        case 8...: return 0
        case 4: return 1
        default: return (pow(4, Double(8 - max(bits, 1))) - 1) / 255
        }
    }

    /// Whether sizes are right and every value is finite and non-negative (see ``problem``).
    public var isValid: Bool { problem == nil }

    /// What is wrong with the values, named by their model-file keys, or nil. A penalty is
    /// top-1 lost, so a negative one (quantized nets predicted above full precision) is refused
    /// like a non-finite one; standard deviations and layer weights cannot be negative either.
    public var problem: String? {
        if let p = qat.problem(prefix: "qat") { return p }
        if let p = ptq?.problem(prefix: "ptq") { return p }
        for (kind, w) in layerWeights.all where !(w.isFinite && w >= 0) {
            return "layer_weights.\(kind.rawValue) \(w) is not a finite non-negative number"
        }
        guard layout.stageSqueezeExcite.count == ArchitecturePoint.stageCount else {
            return "layout has \(layout.stageSqueezeExcite.count) stage_squeeze_excite entries, expected \(ArchitecturePoint.stageCount)"
        }
        guard layout.headLayers >= 0, layout.headLayers <= 3 else { return "layout.head_layers \(layout.headLayers) not in 0...3" }
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

    /// Penalty in points and its standard deviation for a point of the space.
    public func penalty(_ p: ArchitecturePoint) -> (points: Double, std: Double) {
        let detail = penaltyDetail(p, breakdown: false)
        return (detail.points, detail.std)
    }

    /// Penalty of a point with its per-kind breakdown (or the user's slot penalties).
    public func penaltyDetail(_ p: ArchitecturePoint, breakdown: Bool = true) -> QuantizationPenalty {
        if let slots = lowBitSlotPenalties {
            var sum = 0.0
            var count = 0
            for slot in 0..<ArchitecturePoint.slotCount where Encoding.active(p, slot) && slot < p.bits.count && p.bits[slot] < 8 {
                sum += slots[slot]
                count += 1
            }
            let base = parameters.int8Penalty
            return QuantizationPenalty(
                points: base + sum, std: parameters.int8PenaltyStd,
                breakdown: [
                    PenaltyTerm(name: "int8_base", points: base, layers: 0),
                    PenaltyTerm(name: "sensitivity_file", points: sum, layers: count),
                ])
        }
        var exposure = QuantizationExposure(weights: layerWeights, termsWanted: breakdown)
        layout.forEachLayer(p) { exposure.add($0) }
        return penalty(exposure: exposure.finished(), breakdown: breakdown)
    }

    /// Penalty of any network by the layer-kind rule (a user's slot penalties do not apply: they
    /// describe points of the space). This is what baselines outside the space are charged.
    public func penalty(_ network: Network) -> QuantizationPenalty {
        penalty(layers: QuantizedLayer.census(network), breakdown: true)
    }

    /// Reads a user sensitivity file: JSON `{"format": "hao-sensitivity-v1",
    /// "slot_penalties_4bit": [20 numbers], "int8_penalty": optional number}` or CSV with a
    /// header `slot,penalty_4bit` and 20 rows (slot 0..19). Values are top-1 points lost when
    /// that slot runs at 4 instead of 8 bits (e.g. HAWQ's Hessian trace x quantization
    /// error, scaled to points). The result keeps `base`'s 8-bit penalty unless the file sets one.
    public static func userSensitivity(contentsOf url: URL, base: QuantizationModel) throws -> QuantizationModel {
        let path = url.path
        let text: String
        do { text = try InputFile.text(url) } catch {
            throw PredictorError.badSensitivity(path: path, reason: error.reason)
        }
        var slots: [Double]
        var int8 = base.int8Penalty
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            // swift-format-ignore: AlwaysUseLowerCamelCase
            // Property names are the file's keys as written, so decoding errors name the key the user sees.
            struct File: Decodable {
                var format: String
                var slot_penalties_4bit: [Double]
                var int8_penalty: Double?
            }
            let file: File
            do { file = try JSONFile.decode(File.self, from: Data(text.utf8), source: "'\(path)'") } catch {
                throw PredictorError.badSensitivity(path: path, reason: "not a hao-sensitivity-v1 JSON file: \(error.reason)")
            }
            guard file.format == "hao-sensitivity-v1" else {
                throw PredictorError.badSensitivity(path: path, reason: "unknown format '\(file.format)', expected hao-sensitivity-v1")
            }
            slots = file.slot_penalties_4bit
            if let v = file.int8_penalty { int8 = v }
        } else {
            let table = try CSVTable(text: text, file: path)
            let slotCol = try table.column("slot")
            let penCol = try table.column("penalty_4bit")
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
            throw PredictorError.badSensitivity(
                path: path, reason: "\(slots.count) slot penalties, expected \(ArchitecturePoint.slotCount)")
        }
        if let missing = slots.firstIndex(where: { !$0.isFinite }) {
            throw PredictorError.badSensitivity(path: path, reason: "slot \(missing) has no finite penalty")
        }
        // Negative values would predict quantized nets above full precision (e.g. 90% for a MobileNet).
        if let negative = slots.firstIndex(where: { $0 < 0 }) {
            throw PredictorError.badSensitivity(
                path: path,
                reason: "slot \(negative) penalty \(slots[negative]) is negative; penalties are top-1 points lost at 4 bits (0 or more)")
        }
        // A top-1 percentage cannot lose more than 100 points.
        if let huge = slots.firstIndex(where: { $0 > 100 }) {
            throw PredictorError.badSensitivity(
                path: path, reason: "slot \(huge) penalty \(slots[huge]) is above 100; penalties are top-1 points lost at 4 bits (0...100)")
        }
        guard int8.isFinite else { throw PredictorError.badSensitivity(path: path, reason: "int8_penalty is not finite") }
        guard int8 <= 100 else {
            throw PredictorError.badSensitivity(
                path: path, reason: "int8_penalty \(int8) is above 100; it is top-1 points lost at 8 bits (0...100)")
        }
        guard int8 >= 0 else {
            throw PredictorError.badSensitivity(
                path: path, reason: "int8_penalty \(int8) is negative; it is top-1 points lost at 8 bits (0 or more)")
        }
        var m = base
        m.lowBitSlotPenalties = slots
        m.int8Penalty = int8
        m.source = "user sensitivity file \(url.lastPathComponent); 8-bit part: \(int8 == base.int8Penalty ? base.source : "from the file")"
        return m
    }
}
