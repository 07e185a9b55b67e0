import Foundation
import Testing

/// `hao predict` and `hao predictor train`: messages, help texts and JSON fields.
@Suite("hao predict and hao predictor train messages")
struct PredictorCLITests {
    static func point(bits: Int = 8, omitting key: String? = nil) -> String {
        let list = { (value: Int) in "[" + Array(repeating: String(value), count: 20).joined(separator: ", ") + "]" }
        var fields = [
            "\"depths\": [3, 3, 3, 3, 3]", "\"kernels\": \(list(5))", "\"expand_ratios\": \(list(4))",
            "\"bits\": \(list(bits))", "\"resolution\": 224",
        ]
        if let key { fields.removeAll { $0.hasPrefix("\"\(key)\"") } }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func file(_ name: String, _ text: String) -> String {
        HAOBinary.temporaryFile(name, contents: Data(text.utf8))
    }

    // MARK: - Fix: point JSON errors name the point format's key

    @Test(arguments: ["bits", "depths", "resolution", "expand_ratios"])
    func pointMissingAKeyNamesIt(key: String) throws {
        let path = Self.file("point.json", Self.point(omitting: key))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try HAOBinary.run(["predict", path])
        #expect(output.status != 0)
        #expect(output.stderr.contains("'\(key)'"), "\(output.stderr)")
        #expect(output.stderr.contains("point"), "\(output.stderr)")
        #expect(!output.stderr.contains("'name'"), "\(output.stderr)")
    }

    // MARK: - Fix: help texts name no ../shared path and keep their example lines whole

    @Test(arguments: [["predict", "--help"], ["predictor", "train", "--help"]])
    func helpExamplesUseADataPlaceholder(arguments: [String]) throws {
        let output = try HAOBinary.run(arguments)
        #expect(output.status == 0)
        #expect(!output.stdout.contains("../shared"), "\(output.stdout)")
        // The example line must survive whole: ArgumentParser breaks lines over 80 columns mid-phrase.
        let lines = output.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(
            lines.contains { line in
                let l = line.hasSuffix(" \\") ? String(line.dropLast(2)) : line
                return l.hasPrefix("--") && l.hasSuffix(" <data>/ofa_predictor/acc_predictor_mlp.json")
            }, "\(output.stdout)")
        #expect(output.stdout.contains("<data>"))
        #expect(output.stdout.contains("public data set"), "\(output.stdout)")
        // ArgumentParser never wraps the USAGE line; every other line must fit 80 columns.
        for line in output.stdout.split(separator: "\n") where !line.hasPrefix("USAGE:") {
            #expect(line.count <= 80, "\(line)")
        }
    }

    // MARK: - Fix: a model without a quantization part says bit widths are ignored

    /// A 128-input `dense-mlp-v1` that outputs 0.7 (70%) for every architecture.
    static func constantMLP() -> String {
        let zeros = "[" + Array(repeating: "0", count: 128).joined(separator: ",") + "]"
        return "{\"format\":\"dense-mlp-v1\",\"input_dim\":128,\"layers\":[{\"weight\":[\(zeros)],\"bias\":[0.7],\"activation\":\"none\"}]}"
    }

    @Test func mlpModelSaysBitWidthsAreIgnored() throws {
        let model = Self.file("mlp.json", Self.constantMLP())
        let point = Self.file("point4.json", Self.point(bits: 4))
        let sensitivity = Self.file(
            "sens.json",
            "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":[" + Array(repeating: "0.5", count: 20).joined(separator: ",")
                + "]}")
        defer { for p in [model, point, sensitivity] { try? FileManager.default.removeItem(atPath: p) } }
        let text = try HAOBinary.run(["predict", point, "--model", model])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("70.00%"), "\(text.stdout)")
        #expect(text.stderr.contains("no quantization part") && text.stderr.contains("bit widths are ignored"), "\(text.stderr)")
        let json = try HAOBinary.run(["predict", point, "--model", model, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["bit_widths_ignored"] as? Bool == true)
        // The shipped kernel model has a quantization part, and a sensitivity file gives the MLP one.
        let shipped = try HAOBinary.run(["predict", point, "--json"])
        let shippedObject = try #require(try JSONSerialization.jsonObject(with: Data(shipped.stdout.utf8)) as? [String: Any])
        #expect(shippedObject["bit_widths_ignored"] as? Bool == false)
        #expect(!shipped.stderr.contains("ignored"))
        let withSensitivity = try HAOBinary.run(["predict", point, "--model", model, "--sensitivity", sensitivity, "--json"])
        let sObject = try #require(try JSONSerialization.jsonObject(with: Data(withSensitivity.stdout.utf8)) as? [String: Any])
        #expect(sObject["bit_widths_ignored"] as? Bool == false)
        #expect((sObject["top1"] as? Double).map { $0 < 70 } == true)
    }

    // MARK: - Fix: training messages (coverage line, fraction-like labels)

    /// A user CSV of depth-2 nets (10 active blocks) with a smooth synthetic trend.
    static func userCSV(rows: Int, fractionAtRow: Int? = nil) -> String {
        var csv = "name,resolution,depths,kernels,expand_ratios,bits,top1\n"
        let resolutions = [128, 144, 160, 176, 192, 208, 224]
        for i in 0..<rows {
            let r = resolutions[i % resolutions.count]
            let k = [3, 5, 7][i % 3]
            let kernels = Array(repeating: String(k), count: 10).joined(separator: "-")
            let expands = Array(repeating: String([3, 4, 6][(i / 3) % 3]), count: 10).joined(separator: "-")
            let top1 = 60 + Double(r - 128) / 16 + Double(k) * 0.3
            let label = i == fractionAtRow ? String(format: "%.2f", top1 / 100) : String(format: "%.2f", top1)
            csv += "n\(i),\(r),2-2-2-2-2,\(kernels),\(expands),,\(label)\n"
        }
        return csv
    }

    @Test func coverageLineSaysWhatItMeasures() throws {
        let csv = Self.file("user.csv", Self.userCSV(rows: 8))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hao-cli-\(UUID().uuidString)-model.json").path
        defer { for p in [csv, out] { try? FileManager.default.removeItem(atPath: p) } }
        let output = try HAOBinary.run(["predictor", "train", "--data", csv, "--out", out])
        #expect(output.status == 0, "\(output.stderr)")
        let line = try #require(output.stdout.split(separator: "\n").first { $0.contains("coverage") }, "\(output.stdout)")
        #expect(!line.contains("max 0.000"), "\(line)")
        #expect(!line.contains("MAE"), "\(line)")
        #expect(line.contains("within one predicted stddev"), "\(line)")
    }

    @Test func aFractionLikeLabelAmongPercentsWarns() throws {
        let csv = Self.file("user.csv", Self.userCSV(rows: 6, fractionAtRow: 2))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hao-cli-\(UUID().uuidString)-model.json").path
        defer { for p in [csv, out] { try? FileManager.default.removeItem(atPath: p) } }
        let output = try HAOBinary.run(["predictor", "train", "--data", csv, "--out", out])
        #expect(output.status == 0, "\(output.stderr)")
        // Row 2 is line 4 of the file (header is line 1).
        #expect(
            output.stderr.contains("warning") && output.stderr.contains(":4") && output.stderr.contains("fraction"),
            "\(output.stderr)")
    }

    // MARK: - Fix: --help and docs/predictor.md quote the same training time

    @Test func helpAndDocsQuoteTheSameTrainingTime() throws {
        let help = try HAOBinary.run(["predictor", "train", "--help"]).stdout
        let docs = try String(contentsOf: HAOBinary.packageRoot.appendingPathComponent("docs/predictor.md"), encoding: .utf8)
        func seconds(_ text: String) -> [String] {
            text.matches(of: /about (\d+) s of CPU in a release/.ignoresCase()).map { String($0.output.1) }
        }
        let fromHelp = seconds(help.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " "))
        let fromDocs = seconds(docs.replacingOccurrences(of: "\n", with: " "))
        #expect(fromHelp.count == 1, "\(help)")
        #expect(fromDocs.count == 1)
        #expect(fromHelp == fromDocs, "help \(fromHelp), docs \(fromDocs)")
    }
}
