import Foundation
import Testing

@Suite("hao predict, hao predictor train and hao devices")
struct PredictAndDevicesCommandTests {
    static func point(resolution: Int = 224, bits: Int = 8, kernel: Int = 5, expand: Int = 4) -> String {
        let slots = 20
        let list = { (value: Int) in "[" + Array(repeating: String(value), count: slots).joined(separator: ", ") + "]" }
        return """
            {"depths": [3, 3, 3, 3, 3], "kernels": \(list(kernel)), "expand_ratios": \(list(expand)), \
            "bits": \(list(bits)), "resolution": \(resolution)}
            """
    }

    static func predict(_ pointJSON: String) throws -> [String: Any] {
        let path = HAOBinary.temporaryFile("point.json", contents: Data(pointJSON.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try HAOBinary.run(["predict", path, "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    @Test func predictsAPointWithTheShippedModel() throws {
        let object = try Self.predict(Self.point())
        let top1 = try #require(object["top1"] as? Double)
        // A plausible ImageNet top-1 for a mid-sized once-for-all MobileNetV3 at 224.
        #expect(top1 > 65 && top1 < 82, "top1 \(top1)")
        #expect((object["model"] as? String)?.isEmpty == false)
    }

    @Test func fourBitsAndLowerResolutionPredictLower() throws {
        let full = try #require(Self.predict(Self.point())["top1"] as? Double)
        let quantized = try #require(Self.predict(Self.point(bits: 4))["top1"] as? Double)
        let small = try #require(Self.predict(Self.point(resolution: 128))["top1"] as? Double)
        #expect(quantized < full)
        #expect(small < full)
    }

    @Test func networksOutsideTheSpaceAreRefusedWithTheReason() throws {
        let output = try HAOBinary.run(["predict", "mnasnet_a1"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("outside the search space"), "\(output.stderr)")
        let bad = try HAOBinary.run(["predict", "/nonexistent/net.json"])
        #expect(bad.status != 0)
        #expect(bad.stdout.isEmpty)
    }

    @Test func corruptedModelFilesAreReported() throws {
        let point = HAOBinary.temporaryFile("point.json", contents: Data(Self.point().utf8))
        let model = HAOBinary.temporaryFile("model.json", contents: Data("{\"format\": \"kernel-ridge-v99\"}".utf8))
        let truncated = HAOBinary.temporaryFile("truncated.json", contents: Data("{\"format\": ".utf8))
        defer { for path in [point, model, truncated] { try? FileManager.default.removeItem(atPath: path) } }
        for file in [model, truncated] {
            let output = try HAOBinary.run(["predict", point, "--model", file])
            #expect(output.status != 0)
            #expect(output.status < 128)
            #expect(!output.stderr.isEmpty)
        }
    }

    @Test func trainingRejectsBadUserCSVs() throws {
        let header = "name,resolution,depths,kernels,expand_ratios,bits,top1\n"
        let cases = [
            "empty": "",
            "nan": header + "a,224,2-2-2-2-2,3-3-3-3-3-3-3-3-3-3,3-3-3-3-3-3-3-3-3-3,,nan\n",
            "short": header + "a,224,2-2-2\n",
        ]
        for (name, text) in cases {
            let csv = HAOBinary.temporaryFile("\(name).csv", contents: Data(text.utf8))
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("hao-never-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: csv) }
            let output = try HAOBinary.run(["predictor", "train", "--data", csv, "--out", out])
            #expect(output.status != 0, "\(name) was accepted")
            #expect(output.status < 128)
            #expect(!FileManager.default.fileExists(atPath: out), "\(name) wrote a model")
        }
    }

    @Test func devicesListsTheCatalogueWithTheDefaultMarked() throws {
        let output = try HAOBinary.run(["devices", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let text = try HAOBinary.run(["devices"]).stdout
        for part in ["XCZU3EG", "XCZU9EG", "XCZU7EV", "XC7Z020", "XC7Z045", "XCK26"] { #expect(text.contains(part)) }
        #expect(text.contains("XCZU3EG *"))
        #expect(output.stdout.contains("360"))
    }
}
