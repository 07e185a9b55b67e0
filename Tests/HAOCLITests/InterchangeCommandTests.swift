import Foundation
import Testing

/// `hao import` and `hao export` end to end, including the points of a real search's frontier.
@Suite("hao import / hao export")
struct InterchangeCommandTests {
    static let fixtures = HAOBinary.packageRoot.appendingPathComponent("Tests/HAOInterchangeTests/Fixtures")

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hao-interchange-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The network JSON objects of two files, compared as JSON values.
    static func sameJSON(_ a: Data, _ b: Data) throws -> Bool {
        let x = try JSONSerialization.jsonObject(with: a) as? NSDictionary
        let y = try JSONSerialization.jsonObject(with: b) as? NSDictionary
        return x != nil && x == y
    }

    @Test func importWritesTheNetworkAndASummary() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Self.fixtures.appendingPathComponent("mobilenet_v2.torchvision.ts11.onnx").path
        let out = dir.appendingPathComponent("net.json").path
        let result = try HAOBinary.run(["import", model, "--out", out, "--name", "MobileNetV2 (torchvision)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("17 blocks, head conv 1280, 300.77M MACs, 3.471M parameters"))
        let solved = try HAOBinary.run(["solve", out, "--device", "zu3eg", "--json"])
        #expect(solved.status == 0, "\(solved.stderr)")
        // Without --out the JSON goes to standard output and the summary to standard error.
        let piped = try HAOBinary.run(["import", model])
        #expect(piped.status == 0 && piped.stdout.hasPrefix("{") && piped.stderr.hasPrefix("Imported 'mobilenet_v2.torchvision.ts11'"))
    }

    @Test func importRefusalsAndBadInputAreOneLine() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let resnet = try HAOBinary.run(["import", Self.fixtures.appendingPathComponent("resnet18.torchvision.ts13.onnx").path])
        #expect(resnet.status != 0 && resnet.stdout.isEmpty)
        #expect(resnet.stderr.hasPrefix("Error: node /maxpool/MaxPool (MaxPool): "))
        let garbage = dir.appendingPathComponent("garbage.onnx")
        try Data("not a model at all".utf8).write(to: garbage)
        for arguments in [
            ["import", garbage.path], ["import", dir.appendingPathComponent("missing.onnx").path],
            ["import", Self.fixtures.appendingPathComponent("mnasnet_a1.timm.ts13.onnx").path, "--out", "/nonexistent/dir/x.json"],
            ["import", garbage.path, "--resolution", "5"],
        ] {
            let result = try HAOBinary.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.hasPrefix("Error: "), "\(arguments): \(result.stderr)")
            // One line of error; a bad option value also gets ArgumentParser's usage hint.
            let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.contains("--help") }
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        }
    }

    @Test func everyFormatOfAShippedNetwork() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let archDef = try HAOBinary.run(["export", "mobilenet_v3_large_1.0", "--format", "arch_def"])
        #expect(archDef.status == 0 && archDef.stdout.contains("\"cn_r1_k1_s1_c960\""), "\(archDef.stderr)")
        let ofa = try HAOBinary.run(["export", "mobilenet_v3_large_1.0", "--format", "ofa"])
        #expect(ofa.status != 0 && ofa.stderr.contains("not a once-for-all MobileNetV3 subnet: block 7"))
        let json = try HAOBinary.run(["export", "fbnet_b", "--format", "json"])
        let file = try Data(contentsOf: HAOBinary.packageRoot.appendingPathComponent("Models/networks/fbnet_b.json"))
        #expect(try Self.sameJSON(Data(json.stdout.utf8), file))
        let noOut = try HAOBinary.run(["export", "fbnet_b", "--format", "onnx"])
        #expect(noOut.status != 0 && noOut.stderr.contains("give --out FILE"))
        let unwritable = try HAOBinary.run(["export", "fbnet_b", "--format", "json", "--out", "/nonexistent/dir/x.json"])
        #expect(
            unwritable.status != 0
                && unwritable.stderr.hasPrefix("Error: cannot write to /nonexistent/dir/x.json: its folder /nonexistent/dir does not exist")
        )
    }

    @Test func frontierPointsRoundTripThroughONNXAndAreOFASubnets() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let search = try HAOBinary.run([
            "search", "--population", "8", "--generations", "2", "--seed", "5", "--no-baselines",
            "--solver", "native", "--out", dir.path,
        ])
        #expect(search.status == 0, "\(search.stderr)")
        let frontierFile = dir.appendingPathComponent("frontier.json")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: frontierFile)) as? [String: Any])
        let points = try #require(report["frontier"] as? [[String: Any]])
        #expect(!points.isEmpty)
        for (index, point) in points.enumerated() {
            let reference = "\(frontierFile.path)#\(index)"
            let onnx = dir.appendingPathComponent("p\(index).onnx").path
            #expect(try HAOBinary.run(["export", reference, "--format", "onnx", "--out", onnx]).status == 0)
            let imported = try HAOBinary.run(["import", onnx])
            #expect(imported.status == 0, "\(imported.stderr)")
            let original = try JSONSerialization.data(withJSONObject: try #require(point["network"]))
            #expect(try Self.sameJSON(Data(imported.stdout.utf8), original), "point \(index)")
            let ofa = try HAOBinary.run(["export", reference, "--format", "ofa"])
            #expect(ofa.status == 0 && ofa.stdout.contains("\"ks\""), "\(ofa.stderr)")
            #expect(try HAOBinary.run(["export", reference, "--format", "arch_def"]).status == 0)
        }
        let missing = try HAOBinary.run(["export", "\(frontierFile.path)#\(points.count)", "--format", "json"])
        #expect(missing.status != 0 && missing.stderr.contains("point \(points.count) does not exist"))
    }

    @Test func helpFitsEightyColumns() throws {
        for command in ["import", "export"] {
            let help = try HAOBinary.run([command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("docs/interchange.md"))
            // ArgumentParser never wraps the USAGE line; every other line must fit.
            for line in help.stdout.split(separator: "\n") where !line.hasPrefix("USAGE:") {
                #expect(line.count <= 80, "\(command): \(line)")
            }
        }
    }
}
