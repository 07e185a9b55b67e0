import Foundation
import HAOSupport
import Testing

/// `hao predict` (issue 15): the penalty by layer kind, the regime choice, sensitivity files,
/// resolutions between the grid's values, and refusals that name the real reason.
@Suite("hao predict: quantization penalty, regimes, resolution and width")
struct PredictQuantizationTests {
    static func point(bits: Int = 4, kernel: Int = 7, resolution: Int = 224) -> String {
        PredictAndDevicesCommandTests.point(resolution: resolution, bits: bits, kernel: kernel)
    }

    static func predict(_ point: String, _ extra: [String] = []) throws -> (object: [String: Any], output: HAOBinary.Output) {
        let path = HAOBinary.temporaryFile("point15.json", contents: Data(point.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try HAOBinary.run(["predict", path, "--json"] + extra)
        #expect(output.status == 0, "\(output.stderr)")
        return (try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]), output)
    }

    static func terms(_ object: [String: Any]) throws -> [(name: String, points: Double)] {
        let list = try #require(object["penalty_breakdown"] as? [[String: Any]])
        return try list.map { (try #require($0["name"] as? String), try #require($0["points"] as? Double)) }
    }

    @Test func penaltyIsBrokenDownByLayerKind() throws {
        let object = try Self.predict(Self.point()).object
        let total = try #require(object["quantization_penalty"] as? Double)
        let full = try #require(object["full_precision_top1"] as? Double)
        let top1 = try #require(object["top1"] as? Double)
        #expect(abs(full - total - top1) < 1e-9)
        let terms = try Self.terms(object)
        #expect(terms.map(\.name) == ["int8_base", "expand", "depthwise_k7", "squeeze_excite", "project"])
        #expect(abs(terms.map(\.points).reduce(0, +) - total) < 1e-9)
        #expect(object["quantization_regime"] as? String == "qat")
        // All at 8 bits: only the 8-bit base.
        let eight = try Self.predict(Self.point(bits: 8)).object
        #expect(try Self.terms(eight).map(\.name) == ["int8_base"])
        // The text form says the same.
        let path = HAOBinary.temporaryFile("point15t.json", contents: Data(Self.point().utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = try HAOBinary.run(["predict", path])
        #expect(text.stdout.contains("penalty by layer kind: 8-bit base"), "\(text.stdout)")
        #expect(text.stdout.contains("depthwise k7") && text.stdout.contains("squeeze-excite"), "\(text.stdout)")
    }

    @Test func regimeChoiceChangesTheFourBitPenalty() throws {
        let qat = try #require(try Self.predict(Self.point()).object["quantization_penalty"] as? Double)
        let ptq = try Self.predict(Self.point(), ["--regime", "ptq"]).object
        #expect(ptq["quantization_regime"] as? String == "ptq")
        #expect(try #require(ptq["quantization_penalty"] as? Double) > qat + 2)
        let path = HAOBinary.temporaryFile("point15r.json", contents: Data(Self.point().utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bad = try HAOBinary.run(["predict", path, "--regime", "int4"])
        #expect(bad.status != 0 && bad.status < 128)
        #expect(bad.stderr.contains("qat") && bad.stderr.contains("ptq"), "\(bad.stderr)")
    }

    @Test func sensitivityFileStillOverrides() throws {
        let sensitivity = HAOBinary.temporaryFile(
            "sens15.json",
            contents: Data(
                "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":[\(Array(repeating: "0.1", count: 20).joined(separator: ","))],\"int8_penalty\":0.25}"
                    .utf8))
        defer { try? FileManager.default.removeItem(atPath: sensitivity) }
        let object = try Self.predict(Self.point(), ["--sensitivity", sensitivity]).object
        // depths 3-3-3-3-3: 15 active slots at 4 bits, 0.1 each, plus the file's 8-bit part.
        #expect(abs(try #require(object["quantization_penalty"] as? Double) - (0.25 + 1.5)) < 1e-9)
        #expect(try Self.terms(object).map(\.name) == ["int8_base", "sensitivity_file"])
    }

    /// `hao quantize` outside the space charges each block its layers' share of the same model:
    /// MobileNetV2's first block (no expand conv) costs 2/3 of the others; PTQ costs more.
    @Test func quantizeUsesTheLayerKindRuleAndTheRegime() throws {
        func run(_ extra: [String]) throws -> [String: Any] {
            let output = try HAOBinary.run(
                ["quantize", "mobilenet_v2_1.0", "--max-size-mb", "2.65", "--json", "--solver", "native"] + extra)
            #expect(output.status == 0, "\(output.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        }
        let qat = try run([])
        let ptq = try run(["--regime", "ptq"])
        #expect((qat["penalty_source"] as? String)?.contains("qat regime") == true, "\(qat["penalty_source"] ?? "")")
        let blocks = try #require(qat["blocks"] as? [[String: Any]])
        let fourBit = blocks.filter { $0["bits"] as? Int == 4 }.compactMap { $0["penalty"] as? Double }
        let first = try #require(blocks.first?["penalty"] as? Double)
        let second = try #require(blocks.dropFirst().first?["penalty"] as? Double)
        if blocks.first?["bits"] as? Int == 4 && blocks.dropFirst().first?["bits"] as? Int == 4 {
            #expect(abs(first / second - 2.0 / 3.0) < 1e-6)
        }
        #expect(!fourBit.isEmpty)
        #expect(try #require(ptq["penalty"] as? Double) > 2 * (try #require(qat["penalty"] as? Double)))
    }

    @Test func offGridResolutionIsPredictedWithAWarning() throws {
        let (object, output) = try Self.predict(Self.point(bits: 8, resolution: 156))
        #expect(object["resolution_on_grid"] as? Bool == false)
        #expect(
            output.stderr.contains("warning") && output.stderr.contains("156") && output.stderr.contains("not on the search grid"),
            "\(output.stderr)")
        let top1 = try #require(object["top1"] as? Double)
        let at144 = try #require(try Self.predict(Self.point(bits: 8, resolution: 144)).object["top1"] as? Double)
        let at160 = try #require(try Self.predict(Self.point(bits: 8, resolution: 160)).object["top1"] as? Double)
        #expect(top1 > min(at144, at160) - 0.5 && top1 < max(at144, at160) + 0.5, "\(at144) \(top1) \(at160)")
        let onGrid = try Self.predict(Self.point(bits: 8, resolution: 160))
        #expect(onGrid.object["resolution_on_grid"] as? Bool == true)
        #expect(!onGrid.output.stderr.contains("warning"))
        for outside in [112, 240] {
            let path = HAOBinary.temporaryFile("point15o.json", contents: Data(Self.point(resolution: outside).utf8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let refused = try HAOBinary.run(["predict", path])
            #expect(refused.status != 0 && refused.status < 128)
            #expect(
                refused.stderr.contains("resolution \(outside) is outside the predictor's trained range 128...224"), "\(refused.stderr)")
        }
    }

    /// A width-0.75 MobileNetV3-Large (torchvision's channel rule) is refused for its width, not
    /// for the first structural difference the channel check meets.
    @Test func widthMultiplierIsNamedAsTheReason() throws {
        let url = HAOBinary.packageRoot.appendingPathComponent("Models/networks/mobilenet_v3_large_1.0.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        func scaled(_ c: Any?) -> Int {
            let v = Double(c as? Int ?? 0) * 0.75
            var r = max(8, Int((v + 4) / 8) * 8)
            if Double(r) < 0.9 * v { r += 8 }
            return r
        }
        object.removeValue(forKey: "reference")
        object["name"] = "MobileNetV3-Large 0.75"
        var stem = try #require(object["stem"] as? [String: Any])
        stem["out_channels"] = scaled(stem["out_channels"])
        object["stem"] = stem
        var blocks = try #require(object["blocks"] as? [[String: Any]])
        for i in blocks.indices {
            for key in ["in_channels", "out_channels", "expanded_channels", "se_channels"] where blocks[i][key] != nil {
                blocks[i][key] = scaled(blocks[i][key])
            }
        }
        object["blocks"] = blocks
        let path = HAOBinary.temporaryFile("mbv3-075.json", contents: try JSONSerialization.data(withJSONObject: object))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try HAOBinary.run(["predict", path])
        #expect(output.status != 0 && output.status < 128)
        #expect(output.stderr.contains("width multiplier 0.75"), "\(output.stderr)")
        #expect(!output.stderr.contains("0 blocks"), "\(output.stderr)")
    }
}
