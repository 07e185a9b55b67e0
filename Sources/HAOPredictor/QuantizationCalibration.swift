import Foundation

extension PredictorTrainer {
    struct QuantNotes {
        var lines: [String] = []
        var metrics: [KernelModelFile.Metric] = []
        var warnings: [String] = []
    }

    /// Fits the layer-kind quantization penalty (``QuantizationModel``, docs/predictor.md):
    /// - observations: the trusted (grade A/B) MobileNet-family rows of `mobilenet_quant_acc.csv`,
    ///   each reduced to its exposure (which layers run below 8 bits, ``PublishedMobileNetLayouts``),
    ///   and the TF-slim MobileNetV1 float/int8 pairs (16 variants of one network and one 2018 flow:
    ///   they share the weight of one row);
    /// - per regime, least absolute deviations over the rows of fixed widths (``QuantizationPenaltyFit``);
    ///   mixed-precision rows (known only by their share of 4-bit layers) and naive PTQ below 8 bits
    ///   are predicted and reported, not fitted;
    /// - leave-one-network-out errors per row shape, next to the previous MAC-share rule (TF-slim mean,
    ///   HAWQ-V3 BOPS slope), which HAWQ-V3's ResNet rows still give; they also check how far
    ///   mixed-precision ResNets fall from linear interpolation between W8A8 and W4A4;
    /// - MP-NAS-Bench201's per-edge effects are reported, not applied.
    /// Without 4-bit rows the 4-bit part is 0 (with a warning); without any file the model is empty.
    func calibrateQuantization(_ loaded: Loaded) throws -> (QuantizationModel, QuantNotes) {
        var notes = QuantNotes()
        var reader = PublishedQuantizationReader(weights: .equal)
        var obs = try loaded.tfslim.map(tfslimObservations) ?? []
        if let t = loaded.published { obs += try reader.observations(t) }
        notes.lines += reader.excluded.map { "not used: \($0)" }
        let qatFit = QuantizationPenaltyFit(regime: .qat)
        let ptqFit = QuantizationPenaltyFit(regime: .ptq)
        let qatObs = obs.filter { $0.regime == .qat }
        let ptqObs = obs.filter { $0.regime == .ptq }
        // The loader refuses negative penalties; say so here, where the data that produced one is known.
        for (fit, rows) in [(qatFit, qatObs), (ptqFit, ptqObs)] where rows.contains(where: { $0.checkOnly == nil }) {
            let free8 = fit.coefficients(rows, allowNegative8: true)[0]
            guard free8 >= 0 else {
                throw PredictorError.training(
                    "quantization calibration gave a negative penalty for \(fit.regime.rawValue) (8-bit \(f2(free8))): the calibration files say quantized nets beat full precision; check them"
                )
            }
        }
        let qatSource =
            "least absolute deviations over \(qatObs.filter { $0.checkOnly == nil && !$0.fromTFSlim }.count) trusted MobileNet-family QAT rows"
            + (qatObs.contains { $0.fromTFSlim } ? " and the TF-slim MobileNetV1 int8 pairs (one observation)" : "")
            + "; weights and activations share the 4-bit part equally"
        let qat = qatObs.isEmpty ? QuantizationPenaltyParameters.zero : qatFit.parameters(qatObs, source: qatSource)
        let ptq =
            ptqObs.contains { $0.checkOnly == nil }
            ? ptqFit.parameters(
                ptqObs,
                source:
                    "least absolute deviations over \(ptqObs.filter { $0.checkOnly == nil }.count) trusted MobileNet-family PTQ rows (naive PTQ below 8 bits excluded)"
            ) : nil
        if !obs.contains(where: { $0.shape != .w8a8 && $0.checkOnly == nil }) {
            notes.warnings.append(
                "no quantization rows below 8 bits (give mobilenet_quant_acc.csv): 4-bit blocks cost nothing in this model")
        }
        for (name, c) in [("qat", Optional(qat)), ("ptq", ptq)] {
            guard let c else { continue }
            notes.lines.append(
                "\(name): 8-bit \(f2(c.int8Penalty)) (std \(f2(c.int8PenaltyStd))), all blocks W4A4 +\(f2(c.int4Penalty)) (weights \(f2(c.int4WeightPenalty)), activations \(f2(c.int4ActivationPenalty)); std \(f2(c.int4PenaltyStd)))"
            )
        }
        let previous = try loaded.hawq.map { try hawqCheck($0, notes: &notes) }
        for (fit, rows) in [(qatFit, qatObs), (ptqFit, ptqObs)] where !rows.isEmpty {
            reportLeaveOneOut(fit, rows, previous: fit.regime == .qat ? previous.map { (previousInt8(obs), $0) } : nil, notes: &notes)
        }
        if !qatObs.isEmpty { try depthwiseWeightStudy(loaded, notes: &notes) }
        if let t = loaded.mpnas {
            let (line, metric) = try positionSensitivity(t)
            notes.lines.append(line)
            notes.metrics.append(metric)
        }
        let model = QuantizationModel(
            regime: .qat, qat: qat, ptq: ptq, layerWeights: .equal, layout: PointLayout(space: space),
            source: obs.isEmpty
                ? "no calibration data: no penalty"
                : "layer-kind rule (equal weight per layer, depthwise x ln k / ln 3, noise 4^-b) fitted by hao predictor train; see docs/predictor.md"
        )
        return (model, notes)
    }

    /// TF-slim float/int8 pairs as QAT W8A8 observations of one network (MobileNetV1), sharing one row's weight.
    func tfslimObservations(_ t: CSVTable) throws -> [QuantizationObservation] {
        let cModel = try t.column("model")
        let cW = try t.column("width")
        let cR = try t.column("resolution")
        let cB = try t.column("bits")
        let cT = try t.column("top1")
        var float: [String: Double] = [:]
        var int8Rows: [String: (model: String, top1: Double)] = [:]
        for row in t.rows {
            let model = try row.string(cModel)
            let key = "\(model) w\(try row.string(cW)) r\(try row.int(cR))"
            switch try row.int(cB) {
            case 32: float[key] = try row.double(cT)
            case 8: int8Rows[key] = (model, try row.double(cT))
            default: continue
            }
        }
        let keys = int8Rows.keys.filter { float[$0] != nil }.sorted()
        guard keys.count >= 2 else { throw PredictorError.training("\(t.file): fewer than 2 float/int8 pairs") }
        let names = ["mobilenet_v1": "MobileNetV1", "mobilenet_v2": "MobileNetV2"]
        return keys.map { key in
            let model = int8Rows[key]!.model
            return QuantizationObservation(
                label: "TF-slim \(key)", network: names[model] ?? model, regime: .qat, shape: .w8a8,
                drop: float[key]! - int8Rows[key]!.top1, int8Share: 1, weightExposure: 0,
                activationExposure: 0, weight: 1 / Double(keys.count), checkOnly: nil, fromTFSlim: true)
        }
    }

    /// Within-architecture (fixed-effects) least squares of CIFAR-10 accuracy on indicators
    /// "edge position p has 4-bit weights" and "... 2-bit weights"; runs at chance (< 20%) are
    /// dropped as failed. Returns a summary line and a metric holding the spread of the 4-bit effects.
    func positionSensitivity(_ t: CSVTable) throws -> (String, KernelModelFile.Metric) {
        let cIdx = try t.column("nb201_index")
        let cAcc = try t.column("cifar10_acc")
        let cBits = try t.column("cell_op_bits(pos:w/a)")
        var groups: [Int: [(x: [Double], y: Double)]] = [:]
        var dropped = 0
        for row in t.rows {
            let acc = try row.double(cAcc) * 100
            if acc < 20 {
                dropped += 1
                continue
            }
            var x = [Double](repeating: 0, count: 12)
            let spec = row.fields.count > cBits ? row.fields[cBits] : ""
            for item in spec.split(separator: ";") {
                let parts = item.split(separator: ":")
                guard parts.count == 2, let pos = Int(parts[0]), (0..<6).contains(pos),
                    let w = Int(parts[1].split(separator: "/").first ?? "")
                else {
                    throw PredictorError.badData(file: t.file, line: row.line, reason: "bad cell_op_bits entry '\(item)'")
                }
                if w == 4 { x[pos] = 1 } else if w == 2 { x[6 + pos] = 1 }
            }
            groups[try row.int(cIdx), default: []].append((x, acc))
        }
        // Demean within architecture (Frisch-Waugh-Lovell), then ordinary least squares.
        var xtx = [Double](repeating: 0, count: 144)
        var xty = [Double](repeating: 0, count: 12)
        var used = 0
        for (_, g) in groups.sorted(by: { $0.key < $1.key }) where g.count > 1 {
            let my = g.map(\.y).reduce(0, +) / Double(g.count)
            let mx = (0..<12).map { c in g.map { $0.x[c] }.reduce(0, +) / Double(g.count) }
            for r in g {
                let dx = (0..<12).map { r.x[$0] - mx[$0] }
                for a in 0..<12 {
                    xty[a] += dx[a] * (r.y - my)
                    for b in 0..<12 { xtx[a * 12 + b] += dx[a] * dx[b] }
                }
                used += 1
            }
        }
        for i in 0..<12 { xtx[i * 12 + i] += 1e-6 }
        guard Linalg.cholesky(&xtx, n: 12) else { throw PredictorError.training("\(t.file): position regression is singular") }
        let beta = Linalg.choleskySolve(xtx, n: 12, xty)
        let b4 = Array(beta[0..<6])
        let b2 = Array(beta[6..<12])
        let line =
            "position sensitivity (MP-NAS-Bench201, \(used) runs, \(dropped) at chance dropped): 4-bit weight effect per cell edge 0..5 = \(b4.map(f2)) points; 2-bit = \(b2.map(f2)) points"
        let mean4 = b4.reduce(0, +) / 6
        let metric = KernelModelFile.Metric(
            name: "MP-NAS-Bench201 4-bit weight effect by cell edge (not applied)", count: used,
            mae: abs(mean4), maxError: b4.map(abs).max() ?? 0, kendallTau: nil,
            note:
                "mae = |mean 4-bit effect|, max_error = largest |edge effect|, in CIFAR-10 points; effects per edge: \(b4.map(f2)), 2-bit: \(b2.map(f2))"
        )
        return (line, metric)
    }
}

func f2(_ x: Double) -> String { String(format: "%.2f", x) }
