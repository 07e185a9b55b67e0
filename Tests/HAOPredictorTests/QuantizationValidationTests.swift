import Foundation
import Testing

@testable import HAOPredictor

/// A quantization penalty is top-1 lost; a negative one would make quantized nets predict
/// better than full precision (e.g. 90% for a MobileNet), so it is refused wherever it enters.
@Suite struct QuantizationValidationTests {
    static let base = QuantizationModel(int8Penalty: 1, int8PenaltyStd: 0.1, int4Penalty: 3, int4PenaltyStd: 0.5, source: "test")

    static func sensitivityFailure(_ name: String, _ text: String) throws -> String? {
        let url = try tempFile(name, text)
        do {
            _ = try QuantizationModel.userSensitivity(contentsOf: url, base: base)
            return nil
        } catch { return "\(error)" }
    }

    @Test func negativeSensitivityPenaltiesAreRefused() throws {
        var slots = [Double](repeating: 0.5, count: 20)
        slots[3] = -5
        let json = try #require(
            try Self.sensitivityFailure("neg.json", "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":\(slots)}"))
        #expect(json.contains("slot 3") && json.contains("negative"), "\(json)")
        let csv = "slot,penalty_4bit\n" + (0..<20).map { "\($0),\($0 == 7 ? "-0.1" : "0.5")" }.joined(separator: "\n")
        let fromCSV = try #require(try Self.sensitivityFailure("neg.csv", csv))
        #expect(fromCSV.contains("slot 7") && fromCSV.contains("negative"), "\(fromCSV)")
        let int8 = try #require(
            try Self.sensitivityFailure(
                "neg8.json",
                "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":\([Double](repeating: 0.5, count: 20)),\"int8_penalty\":-2}"))
        #expect(int8.contains("int8_penalty") && int8.contains("negative"), "\(int8)")
        // Zero is allowed (a slot that loses nothing measurable).
        #expect(
            try Self.sensitivityFailure(
                "zero.json", "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":\([Double](repeating: 0, count: 20))}") == nil)
    }

    @Test func modelFilesWithNegativeOrNonFinitePenaltiesAreRefused() throws {
        let text = try String(contentsOf: Paths.shippedModel, encoding: .utf8)
        for (key, bad) in [
            ("int4_activation_penalty", "-50"), ("int4_weight_penalty", "-3"), ("int8_penalty", "-1"),
            ("int4_penalty_std", "-0.5"),
        ] {
            let pattern = try Regex("\"\(key)\":[-0-9.e]+")
            let range = try #require(text.firstRange(of: pattern), "no \(key) in the shipped model")
            var damaged = text
            damaged.replaceSubrange(range, with: "\"\(key)\":\(bad)")
            let url = try tempFile("neg-\(key).json", damaged)
            do {
                let p = try AccuracyPredictor(contentsOf: url)
                Issue.record("\(key) \(bad) accepted: int4 penalty \(p.quantization.int4Penalty)")
            } catch let e as PredictorError {
                guard case .corruptedModel = e else {
                    Issue.record("wrong error \(e)")
                    continue
                }
                #expect("\(e)".contains(key) && "\(e)".contains("negative"), "\(e)")
            }
        }
        // Non-finite values are not JSON; a huge exponent decodes to infinity and is refused too.
        let range = try #require(text.firstRange(of: try Regex("\"int4_weight_penalty\":[-0-9.e]+")))
        var inf = text
        inf.replaceSubrange(range, with: "\"int4_weight_penalty\":1e999")
        let url = try tempFile("inf-int4.json", inf)
        #expect(throws: PredictorError.self) { _ = try AccuracyPredictor(contentsOf: url) }
    }

    /// A model trained before the layer-kind penalty (MAC-share section) is refused with what to do.
    @Test func modelsWithTheOldMACShareSectionSayToRetrain() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Paths.shippedModel)) as? [String: Any])
        object["quantization"] = [
            "int8_penalty": 1.35, "int8_penalty_std": 0.47, "int4_penalty": 3.82, "int4_penalty_std": 0.49,
            "stage_multipliers": [1, 1, 1, 1, 1], "source": "old",
        ]
        let url = try tempFile("old-quantization.json", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect { _ = try AccuracyPredictor(contentsOf: url) } throws: { e in
            "\(e)".contains("MAC-share form") && "\(e)".contains("hao predictor train")
        }
    }

    @Test func inMemoryModelsAreCheckedToo() {
        var q = Self.base
        q.qat.int4WeightPenalty = -50
        #expect(!q.isValid)
        q = Self.base
        q.qat.int8PenaltyStd = -0.1
        #expect(!q.isValid)
        #expect(Self.base.isValid)
    }

    /// Calibration data in which int8 beats float would train a model the loader refuses: training says so.
    @Test func trainingRefusesANegativeFittedPenalty() throws {
        let tfslim = try tempFile(
            "tfslim-neg.csv",
            """
            model,width,resolution,bits,top1
            MobileNetV1,1.0,224,32,70.0
            MobileNetV1,1.0,224,8,71.0
            MobileNetV1,0.5,160,32,60.0
            MobileNetV1,0.5,160,8,60.5
            """)
        let user = try tempFile(
            "user-neg.csv",
            UserCSVTests.header + UserCSVTests.row("a", top1: "77")
                + UserCSVTests.row("b", resolution: 160, top1: "74"))
        #expect { _ = try UserCSVTests.trainer().train(files: [tfslim, user]) } throws: { e in
            "\(e)".contains("negative penalty")
        }
    }
}
