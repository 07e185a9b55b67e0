import Foundation

extension PredictorTrainer {
    /// Row groups whose leave-one-network-out errors are reported separately.
    static let quantizationCategories: [(name: String, test: @Sendable (QuantizationObservation) -> Bool)] = [
        ("W8A8", { $0.shape == .w8a8 && !$0.fromTFSlim }),
        ("W4A4", { $0.shape == .w4a4 && $0.checkOnly == nil }),
        ("W4A8", { $0.shape == .w4a8 && $0.checkOnly == nil }),
        ("other fixed widths (W6A8, 5-bit depthwise)", { $0.shape == .other && $0.checkOnly == nil }),
        ("mixed precision (predicted, not fitted)", { $0.shape == .mixed }),
        ("naive PTQ below 8 bits (not modelled)", { $0.shape != .w8a8 && $0.shape != .mixed && $0.checkOnly != nil }),
        ("TF-slim MobileNetV1 int8 pairs", { $0.fromTFSlim }),
    ]

    /// Leave-one-network-out errors of one regime by row group, per fold and per row, next to the
    /// previous MAC-share rule (QAT) and to the same fit without layer kinds (any 4-bit network loses the same).
    func reportLeaveOneOut(
        _ fit: QuantizationPenaltyFit, _ rows: [QuantizationObservation], previous: (int8: Double, int4: Double)?,
        notes: inout QuantNotes
    ) {
        let regime = fit.regime.rawValue
        let loo = fit.leaveOneNetworkOut(rows)
        // Without layer kinds: every row below 8 bits has exposure 1 in each operand it lowers.
        let flatRows = rows.map { o -> QuantizationObservation in
            var f = o
            if o.shape != .mixed {
                f.weightExposure = o.weightExposure > 0 ? 1 : 0
                f.activationExposure = o.activationExposure > 0 ? 1 : 0
            }
            return f
        }
        let flat = fit.leaveOneNetworkOut(flatRows)
        for (name, test) in Self.quantizationCategories {
            let idx = rows.indices.filter { test(rows[$0]) }
            guard !idx.isEmpty else { continue }
            notes.metrics.append(
                Self.errorMetric(
                    name: "quantization \(regime) leave-one-network-out: \(name)",
                    predicted: idx.map { loo[$0] }, actual: idx.map { rows[$0].drop },
                    note: "points lost, predicted by constants fitted without the row's network"))
            guard name == "W8A8" || name == "W4A4" else { continue }
            notes.metrics.append(
                Self.errorMetric(
                    name: "quantization \(regime) leave-one-network-out: \(name), without layer kinds",
                    predicted: idx.map { flat[$0] }, actual: idx.map { rows[$0].drop },
                    note: "baseline: any network below 8 bits loses the same"))
            if let previous {
                let old = idx.map { rows[$0].shape == .w8a8 ? previous.int8 : previous.int8 + previous.int4 }
                notes.metrics.append(
                    Self.errorMetric(
                        name: "quantization \(regime) previous MAC-share rule: \(name)", predicted: old,
                        actual: idx.map { rows[$0].drop },
                        note:
                            "8-bit \(f2(previous.int8)) (TF-slim mean), 4-bit +\(f2(previous.int4)) x MAC share (HAWQ-V3 slope); not refitted"
                    ))
            }
        }
        var folds: [String] = []
        for o in rows where !folds.contains(o.network) { folds.append(o.network) }
        for network in folds {
            let idx = rows.indices.filter { rows[$0].network == network }
            let mae = idx.map { abs(loo[$0] - rows[$0].drop) }.reduce(0, +) / Double(idx.count)
            notes.lines.append("\(regime) fold \(network): \(idx.count) rows, leave-one-network-out MAE \(f2(mae))")
        }
        for (i, o) in rows.enumerated() {
            notes.lines.append(
                "  \(regime) \(o.label): drop \(f2(o.drop)), held out \(f2(loo[i]))\(o.checkOnly.map { " (not fitted: \($0))" } ?? "")")
        }
    }

    /// MAE and max error without a rank correlation: the rows of one group share most predictions
    /// (every W8A8 row gets the 8-bit constant), so Kendall's tau would say nothing.
    static func errorMetric(name: String, predicted: [Double], actual: [Double], note: String) -> KernelModelFile.Metric {
        var m = metric(name: name, predicted: predicted, actual: actual, note: note)
        m.kendallTau = nil
        return m
    }

    /// The 8-bit constant of the previous rule: the mean TF-slim float-minus-int8 drop.
    func previousInt8(_ obs: [QuantizationObservation]) -> Double {
        let tf = obs.filter(\.fromTFSlim)
        return tf.isEmpty ? 0 : tf.map(\.drop).reduce(0, +) / Double(tf.count)
    }

    /// HAWQ-V3 (ResNet18/50): the previous rule's 4-bit slope (drop from W8A8 against the BOPS fraction
    /// moved to 4 bits, least squares through the origin), and how far the mixed-precision rows fall
    /// from linear interpolation between each network's W8A8 and W4A4 (a check of the rule that a
    /// network partly at 4 bits pays that share of the 4-bit penalty). Returns the slope.
    func hawqCheck(_ t: CSVTable, notes: inout QuantNotes) throws -> Double {
        let cM = try t.column("model")
        let cS = try t.column("scheme")
        let cB = try t.column("bops_g")
        let cT = try t.column("top1")
        var byModel: [String: [(scheme: String, bops: Double, top1: Double)]] = [:]
        for row in t.rows { byModel[try row.string(cM), default: []].append((try row.string(cS), try row.double(cB), try row.double(cT))) }
        var xs: [Double] = []
        var ys: [Double] = []
        var linear: [Double] = []
        var actual: [Double] = []
        for model in byModel.keys.sorted() {
            let rows = byModel[model]!
            guard let w8 = rows.first(where: { $0.scheme == "W8A8" }), let w4 = rows.first(where: { $0.scheme == "W4A4" }),
                w8.bops > w4.bops
            else {
                notes.lines.append("HAWQ-V3: \(model) lacks W8A8/W4A4 rows, skipped")
                continue
            }
            for r in rows where r.scheme != "FP32" && r.scheme != "W8A8" {
                let fraction = (w8.bops - r.bops) / (w8.bops - w4.bops)
                xs.append(fraction)
                ys.append(w8.top1 - r.top1)
                if r.scheme != "W4A4" {
                    linear.append(fraction * (w8.top1 - w4.top1))
                    actual.append(w8.top1 - r.top1)
                }
            }
        }
        guard xs.count >= 2 else { throw PredictorError.training("\(t.file): no usable W8A8/W4A4/mixed rows") }
        let slope = zip(xs, ys).reduce(0) { $0 + $1.0 * $1.1 } / xs.reduce(0) { $0 + $1 * $1 }
        let bias = zip(linear, actual).map { $0 - $1 }.reduce(0, +) / Double(max(linear.count, 1))
        notes.metrics.append(
            Self.metric(
                name: "HAWQ-V3 mixed precision vs linear interpolation of W8A8..W4A4 (ResNet18/50, not fitted)",
                predicted: linear, actual: actual,
                note: "drop from W8A8 against the BOPS fraction at 4 bits; interpolation minus measured: \(f2(bias)) points on average"))
        notes.lines.append(
            "HAWQ-V3 (ResNets, not MobileNet family): previous rule's 4-bit slope \(f2(slope)) points per BOPS fraction over \(xs.count) rows"
        )
        return slope
    }

    /// Leave-one-network-out W4A4 error with the depthwise weight at 0.5 and 2 instead of the shipped 1,
    /// for the notes (docs/predictor.md quotes them): whether the data support a separate depthwise sensitivity.
    func depthwiseWeightStudy(_ loaded: Loaded, notes: inout QuantNotes) throws {
        guard let published = loaded.published else { return }
        var line = "depthwise weight study (QAT, leave-one-network-out W4A4 MAE):"
        for w in [0.5, 1, 2] {
            var reader = PublishedQuantizationReader(weights: LayerKindWeights(depthwise: w))
            let rows = (try loaded.tfslim.map(tfslimObservations) ?? []) + (try reader.observations(published)).filter { $0.regime == .qat }
            let fit = QuantizationPenaltyFit(regime: .qat)
            let loo = fit.leaveOneNetworkOut(rows)
            let idx = rows.indices.filter { rows[$0].shape == .w4a4 && rows[$0].checkOnly == nil }
            let mae = idx.map { abs(loo[$0] - rows[$0].drop) }.reduce(0, +) / Double(max(idx.count, 1))
            line += " weight \(w): \(f2(mae))"
        }
        notes.lines.append(line)
    }
}
