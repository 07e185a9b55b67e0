import Foundation

extension PredictorTrainer {
    struct QuantNotes {
        var lines: [String] = []
        var metrics: [KernelModelFile.Metric] = []
    }

    /// Fits the quantization penalty (see ``QuantizationModel``):
    /// - `int8Penalty`: mean float-minus-int8 top-1 over the TF-slim MobileNetV1 pairs (the only
    ///   depthwise-separable float/int8 pairs in the data), its sample std as uncertainty;
    /// - `int4Penalty`: least-squares slope through the origin of HAWQ-V3's drop from W8A8
    ///   against the fraction of BOPS moved from 8 to 4 bits, `(BOPS_W8 - BOPS) / (BOPS_W8 - BOPS_W4)`,
    ///   over the W4A4 and mixed-precision rows of ResNet18 and ResNet50;
    /// - stage multipliers stay 1: MP-NAS-Bench201 varies bit widths only on cell edges that repeat
    ///   in every stage, so it measures edge-type, not depth, sensitivity (reported, not applied).
    /// Missing files leave the corresponding part at 0 with a note.
    func calibrateQuantization(_ loaded: Loaded) throws -> (QuantizationModel, QuantNotes) {
        var notes = QuantNotes()
        var int8 = 0.0, int8Std = 0.0, int4 = 0.0, int4Std = 0.0
        var sources: [String] = []
        if let t = loaded.tfslim {
            let cModel = try t.column("model"), cW = try t.column("width"), cR = try t.column("resolution")
            let cB = try t.column("bits"), cT = try t.column("top1")
            var float: [String: Double] = [:], int8Rows: [String: Double] = [:]
            for row in t.rows {
                let key = "\(try row.string(cModel)) w\(try row.string(cW)) r\(try row.int(cR))"
                switch try row.int(cB) {
                case 32: float[key] = try row.double(cT)
                case 8: int8Rows[key] = try row.double(cT)
                default: continue
                }
            }
            let keys = int8Rows.keys.filter { float[$0] != nil }.sorted()
            guard keys.count >= 2 else { throw PredictorError.training("\(t.file): fewer than 2 float/int8 pairs") }
            let drops = keys.map { float[$0]! - int8Rows[$0]! }
            int8 = drops.reduce(0, +) / Double(drops.count)
            int8Std = (drops.map { ($0 - int8) * ($0 - int8) }.reduce(0, +) / Double(drops.count - 1)).squareRoot()
            notes.lines.append("8-bit: \(keys.count) TF-slim float/int8 pairs, mean drop \(f2(int8)), std \(f2(int8Std)), range \(f2(drops.min()!))..\(f2(drops.max()!))")
            for (k, d) in zip(keys, drops) { notes.lines.append("  \(k): drop \(f2(d)), residual \(f2(d - int8))") }
            notes.metrics.append(.init(name: "8-bit penalty fit residuals (TF-slim MobileNetV1 pairs)", count: keys.count,
                                       mae: drops.map { abs($0 - int8) }.reduce(0, +) / Double(keys.count),
                                       maxError: drops.map { abs($0 - int8) }.max()!, kendallTau: nil,
                                       note: "constant model: mean drop \(f2(int8)) points"))
            sources.append("8-bit: mean of \(keys.count) TF-slim MobileNetV1 float-int8 pairs")
        } else {
            notes.lines.append("8-bit: no TF-slim file given, penalty 0")
        }
        if let t = loaded.hawq {
            let cM = try t.column("model"), cS = try t.column("scheme"), cB = try t.column("bops_g"), cT = try t.column("top1")
            var byModel: [String: [(scheme: String, bops: Double, top1: Double, line: Int)]] = [:]
            for row in t.rows {
                byModel[try row.string(cM), default: []].append((try row.string(cS), try row.double(cB), try row.double(cT), row.line))
            }
            var xs: [Double] = [], ys: [Double] = [], labels: [String] = []
            for model in byModel.keys.sorted() {
                let rows = byModel[model]!
                guard let w8 = rows.first(where: { $0.scheme == "W8A8" }), let w4 = rows.first(where: { $0.scheme == "W4A4" }),
                      w8.bops > w4.bops else {
                    notes.lines.append("4-bit: \(model) lacks W8A8/W4A4 rows, skipped"); continue
                }
                for r in rows where r.scheme != "FP32" && r.scheme != "W8A8" {
                    xs.append((w8.bops - r.bops) / (w8.bops - w4.bops))
                    ys.append(w8.top1 - r.top1)
                    labels.append("\(model) \(r.scheme)")
                }
            }
            guard xs.count >= 2 else { throw PredictorError.training("\(t.file): no usable W8A8/W4A4/mixed rows") }
            int4 = zip(xs, ys).reduce(0) { $0 + $1.0 * $1.1 } / xs.reduce(0) { $0 + $1 * $1 }
            let res = zip(xs, ys).map { $0.1 - int4 * $0.0 }
            int4Std = (res.map { $0 * $0 }.reduce(0, +) / Double(res.count - 1)).squareRoot()
            notes.lines.append("4-bit: slope \(f2(int4)) points per unit BOPS fraction over \(xs.count) HAWQ-V3 rows, residual std \(f2(int4Std))")
            for i in 0..<xs.count { notes.lines.append("  \(labels[i]): fraction \(f2(xs[i])), drop \(f2(ys[i])), residual \(f2(res[i]))") }
            notes.metrics.append(.init(name: "4-bit penalty fit residuals (HAWQ-V3 ResNet18/50 W4A4 and mixed)", count: xs.count,
                                       mae: res.map(abs).reduce(0, +) / Double(res.count), maxError: res.map(abs).max()!,
                                       kendallTau: PredictorTrainer.kendallTau(xs.map { int4 * $0 }, ys),
                                       note: "drop = \(f2(int4)) x fraction of BOPS at 4 bits; ResNets, transferred to MobileNetV3"))
            sources.append("4-bit: HAWQ-V3 slope over \(xs.count) rows")
        } else {
            notes.lines.append("4-bit: no HAWQ-V3 file given, penalty 0")
        }
        if let t = loaded.mpnas {
            let (line, metric) = try positionSensitivity(t)
            notes.lines.append(line)
            notes.metrics.append(metric)
        }
        // The loader refuses negative penalties; say so here, where the data that produced one is known.
        guard int8 >= 0, int4 >= 0 else {
            throw PredictorError.training("quantization calibration gave a negative penalty (8-bit \(f2(int8)), 4-bit \(f2(int4))): the calibration files say quantized nets beat full precision; check them")
        }
        let model = QuantizationModel(int8Penalty: int8, int8PenaltyStd: int8Std, int4Penalty: int4, int4PenaltyStd: int4Std,
                                      source: sources.isEmpty ? "no calibration data: no penalty" : sources.joined(separator: "; ") + "; stage multipliers 1 (see docs/predictor.md)")
        return (model, notes)
    }

    /// Within-architecture (fixed-effects) least squares of CIFAR-10 accuracy on indicators
    /// "edge position p has 4-bit weights" and "... 2-bit weights"; runs at chance (< 20%) are
    /// dropped as failed. Returns a summary line and a metric holding the spread of the 4-bit effects.
    func positionSensitivity(_ t: CSVTable) throws -> (String, KernelModelFile.Metric) {
        let cIdx = try t.column("nb201_index"), cAcc = try t.column("cifar10_acc"), cBits = try t.column("cell_op_bits(pos:w/a)")
        var groups: [Int: [(x: [Double], y: Double)]] = [:]
        var dropped = 0
        for row in t.rows {
            let acc = try row.double(cAcc) * 100
            if acc < 20 { dropped += 1; continue }
            var x = [Double](repeating: 0, count: 12)
            let spec = row.fields.count > cBits ? row.fields[cBits] : ""
            for item in spec.split(separator: ";") {
                let parts = item.split(separator: ":")
                guard parts.count == 2, let pos = Int(parts[0]), (0..<6).contains(pos),
                      let w = Int(parts[1].split(separator: "/").first ?? "") else {
                    throw PredictorError.badData(file: t.file, line: row.line, reason: "bad cell_op_bits entry '\(item)'")
                }
                if w == 4 { x[pos] = 1 } else if w == 2 { x[6 + pos] = 1 }
            }
            groups[try row.int(cIdx), default: []].append((x, acc))
        }
        // Demean within architecture (Frisch-Waugh-Lovell), then ordinary least squares.
        var xtx = [Double](repeating: 0, count: 144), xty = [Double](repeating: 0, count: 12)
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
        let b4 = Array(beta[0..<6]), b2 = Array(beta[6..<12])
        let line = "position sensitivity (MP-NAS-Bench201, \(used) runs, \(dropped) at chance dropped): 4-bit weight effect per cell edge 0..5 = \(b4.map(f2)) points; 2-bit = \(b2.map(f2)) points"
        let mean4 = b4.reduce(0, +) / 6
        let metric = KernelModelFile.Metric(name: "MP-NAS-Bench201 4-bit weight effect by cell edge (not applied)", count: used,
                                            mae: abs(mean4), maxError: b4.map(abs).max() ?? 0, kendallTau: nil,
                                            note: "mae = |mean 4-bit effect|, max_error = largest |edge effect|, in CIFAR-10 points; effects per edge: \(b4.map(f2)), 2-bit: \(b2.map(f2))")
        return (line, metric)
    }
}

func f2(_ x: Double) -> String { String(format: "%.2f", x) }
