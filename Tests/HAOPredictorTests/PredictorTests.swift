import Foundation
import HAOSupport
import Testing

@testable import HAOPredictor

/// Parses ofa_specialized.csv's MobileNetV3 rows into (name, point) without the trainer.
func specializedPoints() throws -> [String: ArchitecturePoint] {
    let text = try String(contentsOf: Paths.dataFile("ofa_specialized.csv"), encoding: .utf8)
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    func col(_ n: String) -> Int { header.firstIndex(of: n)! }
    var out: [String: ArchitecturePoint] = [:]
    for line in lines.dropFirst() {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f[col("space")] == "MobileNetV3" else { continue }
        func list(_ n: String) -> [Int] { f[col(n)].split(separator: "-").map { Int($0)! } }
        out[f[col("name")]] = pointFromLists(
            depths: list("stage_depths"), kernels: list("ks"), expands: list("expand"),
            resolution: Int(f[col("resolution")])!)
    }
    return out
}

@Suite struct PredictorTests {
    @Test(.enabled(if: Paths.haveData, Paths.skipComment))
    func mlpReproducesTeacherOutputs() throws {
        let mlp = try DenseMLP(contentsOf: Paths.dataFile("ofa_predictor/acc_predictor_mlp.json"))
        let points = try specializedPoints()
        let text = try String(contentsOf: Paths.dataFile("ofa_specialized_vs_predictor.csv"), encoding: .utf8)
        var checked = 0
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            let p = try #require(points[f[0]], "no architecture for \(f[0])")
            let expected = try #require(Double(f[4]))
            // The reference column is rounded to 2 decimals.
            #expect(abs(mlp.ofaTop1(p) - expected) < 0.0051, "\(f[0]): \(mlp.ofaTop1(p)) vs \(expected)")
            checked += 1
        }
        #expect(checked == 34)
        // The facade gives the same number, full precision (no quantization model for an MLP).
        let predictor = try AccuracyPredictor(contentsOf: Paths.dataFile("ofa_predictor/acc_predictor_mlp.json"))
        let any = points.values.sorted { $0.resolution < $1.resolution }[0]
        #expect(predictor.predict(any).top1 == mlp.ofaTop1(any))
        #expect(predictor.predict(any).stddev == nil)
    }

    static func smallOptions(seed: UInt64) -> TrainingOptions {
        var o = TrainingOptions()
        o.seed = seed
        o.teacherSamples = 600
        o.supportPoints = 150
        o.holdoutSamples = 150
        o.surrogateLengthScales = [32, 64]
        o.surrogateRidges = [0.01]
        return o
    }

    @Test(.enabled(if: Paths.haveData, Paths.skipComment))
    func trainingIsDeterministic() throws {
        let space = try loadSpace()
        let files = Paths.trainingFiles
        let a = try PredictorTrainer(space: space, options: Self.smallOptions(seed: 9)).train(files: files).0
        let b = try PredictorTrainer(space: space, options: Self.smallOptions(seed: 9)).train(files: files).0
        let c = try PredictorTrainer(space: space, options: Self.smallOptions(seed: 10)).train(files: files).0
        let ea = try KernelModelFile.encoder().encode(a)
        let eb = try KernelModelFile.encoder().encode(b)
        let ec = try KernelModelFile.encoder().encode(c)
        #expect(ea == eb)
        #expect(ea != ec)
    }

    /// docs/predictor.md promises leave-one-out MAE below 0.7 points and max error below 2.0
    /// on the 24 width-1.0 fine-tuned nets (the shipped model measures 0.48 / 1.31). This
    /// retrains with a smaller surrogate, so it checks the method, not a stored number.
    @Test(.enabled(if: Paths.haveData, Paths.skipComment))
    func leaveOneOutErrorBelowDocumentedFigure() throws {
        let (model, report) = try PredictorTrainer(space: try loadSpace(), options: Self.smallOptions(seed: 2021))
            .train(files: Paths.trainingFiles)
        #expect(report.realNetworks.count == 24)
        let errors = zip(report.leaveOneOut, report.realNetworks.map(\.top1)).map { abs($0 - $1) }
        let mae = errors.reduce(0, +) / Double(errors.count)
        #expect(mae < 0.7, "LOO MAE \(mae)")
        #expect(errors.max()! < 2.0, "LOO max \(errors.max()!)")
        let tau = try #require(PredictorTrainer.kendallTau(report.leaveOneOut, report.realNetworks.map(\.top1)))
        #expect(tau > 0.7, "Kendall tau \(tau)")
        // The raw teacher is far worse: bias correction matters.
        let raw = try #require(model.validation.first { $0.name.hasPrefix("teacher MLP") })
        #expect(raw.mae > 3)
    }

    @Test func shippedModelPredicts() throws {
        // The model ships with the package: missing is a broken checkout, a failure, not a skip.
        try #require(FileManager.default.fileExists(atPath: Paths.shippedModel.path), "shipped model missing at \(Paths.shippedModel.path)")
        let predictor = try AccuracyPredictor(contentsOf: Paths.shippedModel)
        let space = try loadSpace()
        var rng = SplitMix64(seed: 99)
        for _ in 0..<50 {
            var p = space.sample(using: &rng)
            p.bits = .init(repeating: 8, count: 20)
            let p8 = predictor.predict(p)
            p.bits = .init(repeating: 4, count: 20)
            let p4 = predictor.predict(p)
            #expect((60...85).contains(p8.fullPrecisionTop1))
            #expect(p8.stddev.map { $0 > 0 && $0 < 5 } == true)
            #expect(abs(p8.fullPrecisionTop1 - p4.fullPrecisionTop1) < 1e-12)
            let q = predictor.quantization
            #expect(abs(p8.quantizationPenalty - q.int8Penalty) < 1e-9)
            // All searchable blocks at 4 bits: the fitted 4-bit part, a little less for the fixed 8-bit
            // first block, up to ln 7 / ln 3 = 1.77x with 7x7 depthwise kernels (docs/predictor.md).
            let extra = (p4.quantizationPenalty - q.int8Penalty) / q.int4Penalty
            #expect(extra > 0.9 && extra < 1.3, "4-bit part \(extra) x int4Penalty")
        }
        // Bigger nets at higher resolution are predicted more accurate.
        let small = ArchitecturePoint(
            depths: [2, 2, 2, 2, 2], kernels: .init(repeating: 3, count: 20),
            expandRatios: .init(repeating: 3, count: 20), bits: .init(repeating: 8, count: 20), resolution: 128)
        let big = ArchitecturePoint(
            depths: [4, 4, 4, 4, 4], kernels: .init(repeating: 7, count: 20),
            expandRatios: .init(repeating: 6, count: 20), bits: .init(repeating: 8, count: 20), resolution: 224)
        #expect(predictor.predict(big).top1 > predictor.predict(small).top1 + 3)
    }

    @Test func badModelFiles() throws {
        let unknown = try tempFile("unknown.json", "{\"format\": \"hao-accuracy-kernel-v9\"}")
        #expect(throws: PredictorError.unknownFormat(path: unknown.path, format: "hao-accuracy-kernel-v9")) {
            _ = try AccuracyPredictor(contentsOf: unknown)
        }
        let truncated = try tempFile("truncated.json", "{\"format\": \"hao-accuracy-kernel-v1\", \"name\": ")
        #expect { _ = try AccuracyPredictor(contentsOf: truncated) } throws: { e in
            if case .corruptedModel = e as? PredictorError { return true } else { return false }
        }
        #expect { _ = try AccuracyPredictor(contentsOf: URL(fileURLWithPath: "/nonexistent/model.json")) } throws: { e in
            if case .unreadable = e as? PredictorError { return true } else { return false }
        }
        let badMLP = try tempFile(
            "bad-mlp.json",
            "{\"format\":\"dense-mlp-v1\",\"input_dim\":2,\"layers\":[{\"weight\":[[1,2,3]],\"bias\":[0],\"activation\":\"relu\"}]}")
        #expect { _ = try AccuracyPredictor(contentsOf: badMLP) } throws: { e in
            if case .corruptedModel = e as? PredictorError { return true } else { return false }
        }
        // A shipped model with a damaged support code is refused, not mis-predicted.
        try #require(FileManager.default.fileExists(atPath: Paths.shippedModel.path), "shipped model missing at \(Paths.shippedModel.path)")
        var text = try String(contentsOf: Paths.shippedModel, encoding: .utf8)
        let range = try #require(text.range(of: "\"support_codes\":[\""))
        text.replaceSubrange(range.upperBound..<text.index(range.upperBound, offsetBy: 1), with: "9")
        let damaged = try tempFile("damaged.json", text)
        #expect { _ = try AccuracyPredictor(contentsOf: damaged) } throws: { e in
            if case .corruptedModel = e as? PredictorError { return true } else { return false }
        }
    }

    @Test func badTrainingData() throws {
        let space = try loadSpace()
        let trainer = PredictorTrainer(space: space, options: Self.smallOptions(seed: 1))
        func failure(_ csv: String) -> String? {
            do {
                let url = try tempFile("user.csv", csv)
                _ = try trainer.train(files: [url])
                return nil
            } catch { return "\(error)" }
        }
        let header = "name,resolution,depths,kernels,expand_ratios,bits,top1\n"
        #expect(
            failure(header + "a,160,2-2-2-2-2,3-3-3-3-3-3-3-3-3-3,3-3-3-3-3-3-3-3-3-3,8-8-8-8-8-8-8-8-8-8,nan\n")?.contains(
                "not a finite number") == true)
        #expect(
            failure(header + "a,160,2-2-2-2-2,3-3-3-3-3-3-3-3-3-3,3-3-3-3-3-3-3-3-3-3,8-8-8-8-8-8-8-8-8-8,\n")?.contains("empty value")
                == true)
        #expect(failure(header)?.contains("no data rows") == true)
        #expect(failure("")?.contains("empty file") == true)
        #expect(
            failure(header + "a,160,2-2-2-2-2,9-3-3-3-3-3-3-3-3-3,3-3-3-3-3-3-3-3-3-3,8-8-8-8-8-8-8-8-8-8,70\n")?.contains("kernel 9")
                == true)
        #expect(failure(header + "a,160,2-2-2-2,3-3-3-3-3-3-3-3,3-3-3-3-3-3-3-3,8-8-8-8-8-8-8-8,70\n")?.contains("stage depths") == true)
        #expect(failure("foo,bar\n1,2\n")?.contains("unrecognised") == true)
    }

    @Test func trainsOnUserCSVAlone() throws {
        let space = try loadSpace()
        var rng = SplitMix64(seed: 77)
        var csv = "name,resolution,depths,kernels,expand_ratios,bits,top1\n"
        // Synthetic labels with a known trend in resolution and depth: the GP must recover the ordering.
        var truth: [(ArchitecturePoint, Double)] = []
        for i in 0..<30 {
            let p = space.sample(using: &rng)
            let active = (0..<20).filter(p.isActive)
            let top1 = 60 + Double(p.resolution - 128) / 16 + Double(p.depths.reduce(0, +)) * 0.5
            func l(_ a: [Int]) -> String { active.map { String(a[$0]) }.joined(separator: "-") }
            csv +=
                "n\(i),\(p.resolution),\(p.depths.map(String.init).joined(separator: "-")),\(l(p.kernels)),\(l(p.expandRatios)),\(l(p.bits)),\(top1)\n"
            truth.append((p, top1))
        }
        let url = try tempFile("user-ok.csv", csv)
        let (model, _) = try PredictorTrainer(space: space, options: Self.smallOptions(seed: 1)).train(files: [url])
        #expect(model.surrogate == nil)
        let predictor = try AccuracyPredictor(file: model)
        // No quantization data given: no penalty, labels taken as measured.
        let preds = truth.map { predictor.predict($0.0).top1 }
        let tau = try #require(PredictorTrainer.kendallTau(preds, truth.map(\.1)))
        #expect(tau > 0.8)
    }

    @Test func userSensitivityOverrides() throws {
        let base = QuantizationModel(int8Penalty: 1, int8PenaltyStd: 0.1, int4Penalty: 3, int4PenaltyStd: 0.5, source: "test")
        let penalties = (0..<20).map { Double($0) / 10 }
        let json = try tempFile("sens.json", "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":\(penalties)}")
        let q = try QuantizationModel.userSensitivity(contentsOf: json, base: base)
        var p = ArchitecturePoint(
            depths: [2, 2, 2, 2, 2], kernels: .init(repeating: 3, count: 20),
            expandRatios: .init(repeating: 3, count: 20), bits: .init(repeating: 8, count: 20), resolution: 160)
        #expect(q.penalty(p).points == 1)
        p.bits[4] = 4
        p.bits[6] = 4  // slot 6 is inactive (stage 2 depth 2): no penalty
        #expect(abs(q.penalty(p).points - 1.4) < 1e-12)
        let csvText = "slot,penalty_4bit\n" + (0..<20).map { "\($0),0.5" }.joined(separator: "\n")
        let csv = try tempFile("sens.csv", csvText)
        #expect(abs(try QuantizationModel.userSensitivity(contentsOf: csv, base: base).penalty(p).points - 1.5) < 1e-12)
        let short = try tempFile("short.csv", "slot,penalty_4bit\n0,0.5\n")
        #expect(throws: PredictorError.self) { _ = try QuantizationModel.userSensitivity(contentsOf: short, base: base) }
        let nan = try tempFile("nan.json", "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":[1]}")
        #expect(throws: PredictorError.self) { _ = try QuantizationModel.userSensitivity(contentsOf: nan, base: base) }
    }
}
