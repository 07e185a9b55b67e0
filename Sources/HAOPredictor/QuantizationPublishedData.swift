import Foundation

/// One published quantized network, reduced to what the penalty model sees: its exposure to
/// low bit widths (``QuantizationExposure``) and the top-1 it lost.
struct QuantizationObservation: Sendable {
    enum Shape: String, Sendable {
        case w8a8 = "W8A8"
        case w4a4 = "W4A4"
        case w4a8 = "W4A8"
        case other, mixed
    }

    /// For notes: network, bits, method, file line.
    var label: String
    /// The leave-one-network-out group (the network without its source, e.g. `MobileNetV2`).
    var network: String
    var regime: QuantizationRegime
    var shape: Shape
    /// Full-precision minus quantized top-1, points.
    var drop: Double
    var int8Share: Double
    var weightExposure: Double
    var activationExposure: Double
    /// Weight in the fit (the 16 TF-slim variants of one network share a weight of 1).
    var weight: Double
    /// Why the row is only checked, not fitted (nil: fitted).
    var checkOnly: String?
    var fromTFSlim = false
}

/// Block structure of the published MobileNet-family networks of `mobilenet_quant_acc.csv`:
/// enough for the layer census (kinds, depthwise kernels, squeeze-excite), which does not depend
/// on the width multiplier. Transcribed from the papers' architecture tables.
enum PublishedMobileNetLayouts {
    struct Layout {
        /// Per block: depthwise kernel, whether it has a 1x1 expand conv, whether it has squeeze-excite.
        var blocks: [(kernel: Int, expand: Bool, se: Bool)]
        /// Head layers after the last block (conv, hidden, classifier).
        var headLayers: Int
    }

    static func plain(_ kernels: [Int], firstHasExpand: Bool = false) -> [(kernel: Int, expand: Bool, se: Bool)] {
        kernels.enumerated().map { (kernel: $0.element, expand: $0.offset > 0 || firstHasExpand, se: false) }
    }

    /// Known networks; `nil` for a network whose rows can be used at 8 bits only (no per-layer structure needed).
    static let table: [String: Layout?] = {
        // Howard et al. 2017, Table 1: 13 depthwise-separable layers (3x3 depthwise + 1x1 pointwise), FC head.
        let v1 = Layout(blocks: Array(repeating: (kernel: 3, expand: false, se: false), count: 13), headLayers: 1)
        // Sandler et al. 2018, Table 2: 17 bottlenecks, the first without expansion; 1x1 conv 1280 + FC.
        let v2 = Layout(blocks: plain(Array(repeating: 3, count: 17)), headLayers: 2)
        // Howard et al. 2019, Table 1 (Large) and Table 2 (Small); head conv, 1x1 hidden, classifier.
        let v3Large = Layout(
            blocks: zip([3, 3, 3, 5, 5, 5, 3, 3, 3, 3, 3, 3, 5, 5, 5], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1])
                .enumerated().map { (kernel: $0.element.0, expand: $0.offset > 0, se: $0.element.1 == 1) }, headLayers: 3)
        let v3Small = Layout(
            blocks: zip([3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5], [1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
                .enumerated().map { (kernel: $0.element.0, expand: $0.offset > 0, se: $0.element.1 == 1) }, headLayers: 3)
        // EfficientNet-B0 stages (Tan & Le 2019, Table 1) without squeeze-excite, as the lite variants are.
        let lite0 = Layout(blocks: plain([3, 3, 3, 5, 5, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 3]), headLayers: 2)
        // ProxylessNAS-Mobile (Cai et al. 2019, Fig. 4; Models/networks/proxylessnas_mobile.json); width 1.4 has the same blocks.
        let proxyless = Layout(blocks: plain([3, 5, 3, 7, 3, 5, 5, 7, 5, 5, 5, 5, 5, 5, 5, 7, 7, 7, 7, 7]), headLayers: 2)
        return [
            "MobileNetV1": v1, "MobileNetV2": v2, "MobileNetV2-1.4": v2, "MobileNetV3-Large": v3Large,
            "MobileNetV3-Small": v3Small, "EfficientNet-lite0": lite0, "ProxylessNAS-Mobile-1.4": proxyless,
            "MobileNetV3.5-MultiAVG": nil,
        ]
    }()

    /// The layers of `layout` with the given widths: stem, blocks (depthwise at `depthwise`), head.
    static func layers(_ layout: Layout, body: (Int, Int), depthwise: (Int, Int), stem: (Int, Int), head: (Int, Int)) -> [QuantizedLayer] {
        var out = [QuantizedLayer(kind: .stem, kernel: 3, weightBits: stem.0, activationBits: stem.1)]
        for b in layout.blocks {
            if b.expand { out.append(QuantizedLayer(kind: .expand, weightBits: body.0, activationBits: body.1)) }
            out.append(QuantizedLayer(kind: .depthwise, kernel: b.kernel, weightBits: depthwise.0, activationBits: depthwise.1))
            if b.se { out += Array(repeating: QuantizedLayer(kind: .squeezeExcite, weightBits: body.0, activationBits: body.1), count: 2) }
            out.append(QuantizedLayer(kind: .project, weightBits: body.0, activationBits: body.1))
        }
        out += Array(repeating: QuantizedLayer(kind: .head, weightBits: head.0, activationBits: head.1), count: layout.headLayers)
        return out
    }
}

/// Reads `mobilenet_quant_acc.csv` (published top-1 of quantized MobileNet-family networks).
struct PublishedQuantizationReader {
    var weights: LayerKindWeights
    var excluded: [String] = []

    static let columns = ["network", "fp_top1", "weight_bits", "act_bits", "first_last_bits", "quant_top1", "training", "method", "source"]

    /// The trusted (grade A/B) MobileNet-family rows as observations. ResNet `[reference]` rows,
    /// grades C/D and networks without a known layout are skipped with a note; a trusted row whose
    /// bit description cannot be read is an error naming its line.
    mutating func observations(_ t: CSVTable) throws -> [QuantizationObservation] {
        let c = try Dictionary(uniqueKeysWithValues: Self.columns.map { ($0, try t.column($0)) })
        var out: [QuantizationObservation] = []
        for row in t.rows {
            let name = try row.string(c["network"]!)
            let source = try row.string(c["source"]!)
            let location = "\(URL(fileURLWithPath: t.file).lastPathComponent):\(row.line)"
            guard let grade = source.firstMatch(of: /trust=([A-D])\s*$/)?.output.1 else {
                throw PredictorError.badData(file: t.file, line: row.line, reason: "source does not end with a trust grade 'trust=A'..'D'")
            }
            guard grade == "A" || grade == "B" else {
                excluded.append("\(location) \(name): trust grade \(grade)")
                continue
            }
            guard !name.contains("[reference]") else {
                excluded.append("\(location) \(name): not MobileNet family")
                continue
            }
            let key = Self.networkKey(name)
            guard let entry = PublishedMobileNetLayouts.table[key] else {
                excluded.append("\(location) \(name): no block layout known for '\(key)'")
                continue
            }
            let training = try row.string(c["training"]!)
            guard let regime = QuantizationRegime(rawValue: training.lowercased()) else {
                throw PredictorError.badData(file: t.file, line: row.line, reason: "training '\(training)' is neither QAT nor PTQ")
            }
            func bad(_ s: String) -> PredictorError { .badData(file: t.file, line: row.line, reason: s) }
            let wText = try row.string(c["weight_bits"]!)
            let aText = try row.string(c["act_bits"]!)
            let bits = try Self.bits(weights: wText, activations: aText, firstLast: try row.string(c["first_last_bits"]!), fail: bad)
            let method = try row.string(c["method"]!)
            let drop = try row.double(c["fp_top1"]!) - row.double(c["quant_top1"]!)
            let shape = Self.shape(bits)
            let widths =
                shape == .mixed
                ? "mixed precision"
                : "W\(bits.body.0)A\(bits.body.1)"
                    + (bits.depthwise == bits.body ? "" : " (depthwise W\(bits.depthwise.0)A\(bits.depthwise.1))")
            let label = "\(location) \(name) \(widths) \(training) \(method.prefix(40))"
            guard let layout = entry else {
                guard shape == .w8a8 else {
                    excluded.append("\(location) \(name): below 8 bits but no block layout known")
                    continue
                }
                out.append(
                    QuantizationObservation(
                        label: label, network: key, regime: regime, shape: shape, drop: drop, int8Share: 1,
                        weightExposure: 0, activationExposure: 0, weight: 1, checkOnly: nil))
                continue
            }
            let lowBody = bits.mixed == nil ? bits.body : (4, 4)
            let lowDW = bits.mixed == nil ? bits.depthwise : (4, 4)
            let layers = PublishedMobileNetLayouts.layers(layout, body: lowBody, depthwise: lowDW, stem: bits.stem, head: bits.head)
            let e = QuantizationExposure(layers: layers, weights: weights, termsWanted: false)
            var obs = QuantizationObservation(
                label: label, network: key, regime: regime, shape: shape, drop: drop, int8Share: e.int8Share,
                weightExposure: e.weight, activationExposure: e.activation, weight: 1, checkOnly: nil)
            if let (w, a) = bits.mixed {
                obs.weightExposure *= w
                obs.activationExposure *= a
                obs.checkOnly = "mixed precision known only by its share of 4-bit layers"
            } else if regime == .ptq && shape != .w8a8 && method.lowercased().contains("naive") {
                obs.checkOnly = "naive PTQ below 8 bits (collapses; not modelled)"
            }
            out.append(obs)
        }
        return out
    }

    /// `MobileNetV2 (torchvision)` -> `MobileNetV2`; `ProxylessNAS-Mobile-1.4 (MBv2-style)` -> `ProxylessNAS-Mobile-1.4`.
    static func networkKey(_ name: String) -> String {
        var key = name.replacingOccurrences(of: "[reference]", with: "")
        if let paren = key.firstIndex(of: "(") { key = String(key[..<paren]) }
        return key.trimmingCharacters(in: .whitespaces)
    }

    struct Bits {
        var body: (Int, Int)
        var depthwise: (Int, Int)
        var stem: (Int, Int)
        var head: (Int, Int)
        /// Shares of weights and activations at 4 bits, for a mixed-precision row.
        var mixed: (Double, Double)?
    }

    static func shape(_ b: Bits) -> QuantizationObservation.Shape {
        if b.mixed != nil { return .mixed }
        guard b.body == b.depthwise else { return .other }
        switch b.body {
        case (8, 8): return .w8a8
        case (4, 4): return .w4a4
        case (4, 8): return .w4a8
        default: return .other
        }
    }

    /// Reads the three bit columns. Forms: `8`; `4 (pointwise) / 5 (depthwise)` and `4 / 5 (depthwise)`;
    /// `mixed ... 34% of MACs at W<=4`, `mixed: 41.12% INT4 ...`, `mixed 3-8 (... 4% of MACs at A<=4)` and
    /// `mixed 4/8` (the weights' share); first/last `8/8 ...`, `4/4 ...`, `... FC 8/8`, `W8 first conv`
    /// (the rest at the body's widths) and `W8 first conv / FC 4-bit`.
    static func bits(weights w: String, activations a: String, firstLast fl: String, fail: (String) -> PredictorError) throws -> Bits {
        func split(_ s: String) -> (Int, Int)? {
            if let v = Int(s) { return (v, v) }
            if let m = s.firstMatch(of: /^(\d+)\s*(?:\(pointwise\))?\s*\/\s*(\d+)\s*\(depthwise\)$/), let b = Int(m.output.1),
                let d = Int(m.output.2)
            {
                return (b, d)
            }
            return nil
        }
        var mixed: (Double, Double)? = nil
        var body = (8, 8)
        var dw = (8, 8)
        if w.hasPrefix("mixed") {
            guard let mw = w.firstMatch(of: /([0-9.]+)% (?:of MACs at W<=4|INT4)/), let sw = Double(mw.output.1) else {
                throw fail("cannot read the 4-bit share of mixed weight_bits '\(w)'")
            }
            var sa = sw
            if let ma = a.firstMatch(of: /([0-9.]+)% of MACs at A<=4/), let v = Double(ma.output.1) {
                sa = v
            } else if !a.hasPrefix("mixed") {
                throw fail("mixed weights but act_bits '\(a)'")
            }
            mixed = (sw / 100, sa / 100)
        } else {
            guard let ws = split(w), let activations = split(a) else { throw fail("cannot read weight_bits '\(w)' / act_bits '\(a)'") }
            body = (ws.0, activations.0)
            dw = (ws.1, activations.1)
        }
        let stem: (Int, Int)
        let head: (Int, Int)
        if fl.hasPrefix("8/8") || fl.contains("FC 8/8") {
            stem = (8, 8)
            head = (8, 8)
        } else if let m = fl.firstMatch(of: /^(\d+)\/(\d+)/), let x = Int(m.output.1), let y = Int(m.output.2) {
            stem = (x, y)
            head = (x, y)
        } else if fl.hasPrefix("W8 first conv") {
            stem = (8, 8)
            head = fl.contains("FC 4-bit") ? (4, 4) : body
        } else {
            throw fail("cannot read first_last_bits '\(fl)'")
        }
        return Bits(body: body, depthwise: dw, stem: stem, head: head, mixed: mixed)
    }
}

extension CSVTable {
    /// Reads comma-separated text whose fields may be double-quoted (RFC 4180: quotes doubled
    /// inside), as `mobilenet_quant_acc.csv` is. No field spans lines.
    init(quotedText text: String, file: String) throws {
        try self.init(text: text, file: file) { line, number in try Self.quotedFields(of: line, number: number, file: file) }
    }

    /// The fields of one line, quotes removed; an unterminated quote is an error.
    static func quotedFields(of line: String, number: Int, file: String) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var chars = line.makeIterator()
        while let ch = chars.next() {
            if quoted {
                if ch == "\"" {
                    // A doubled quote is a literal quote; a single one ends the quoted part.
                    var lookahead = chars
                    if lookahead.next() == "\"" {
                        field.append("\"")
                        chars = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(ch)
                }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(ch)
            }
        }
        guard !quoted else { throw PredictorError.badData(file: file, line: number, reason: "unterminated quoted field") }
        fields.append(field)
        return fields
    }
}
