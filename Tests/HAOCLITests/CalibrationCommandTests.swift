import Foundation
import HAOHardware
import HAOTestSupport
import Testing

/// `hao calibrate`, `hao latency` and `--calibration` through the binary.
@Suite(.serialized) struct CalibrationCommandTests {
    static func folder() throws -> URL { try TestPaths.temporaryDirectory("hao-cli-calibration") }

    /// Twelve distinct MBConv blocks with latencies that grow with their work.
    static func blockFile(in dir: URL) throws -> URL {
        var lines = ["op,cin,hw,cout,k,e,stride,act,se,avg_ms"]
        var i = 0
        for (cin, hw) in [(16, 56), (24, 28), (40, 14)] {
            for k in [3, 5] {
                for e in [3, 6] {
                    i += 1
                    let ms = 0.2 + Double(cin * hw * hw * e * (k + 8)) * 2e-7
                    lines.append("MBConv,\(cin),\(hw),\(cin),\(k),\(e),1,relu,\(i % 2),\(ms)")
                }
            }
        }
        let url = dir.appendingPathComponent("blocks.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func calibrate(_ dir: URL) throws -> (HAOBinary.Output, URL) {
        let profile = dir.appendingPathComponent("test-profile.json")
        let run = try HAOBinary.run([
            "calibrate", "--measurements", try blockFile(in: dir).path, "--device", "zu3eg", "--folds", "3",
            "--configuration-of", "mobilenet_v3_large_1.0", "--out", profile.path, "--json",
        ])
        return (run, profile)
    }

    @Test func calibrateWritesAProfileAPlotAndItsFigures() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (run, url) = try Self.calibrate(dir)
        #expect(run.status == 0, "\(run.stderr)")
        let profile = try CalibrationProfile.load(contentsOf: url)
        #expect(profile.target == TargetID("subgraph") && profile.device == "XCZU3EG" && profile.name == "test-profile")
        #expect(profile.crossValidation?.folds == 3 && profile.crossValidation?.count == 12 && profile.macsBaseline != nil)
        #expect(profile.measurementFingerprint.count == 64 && profile.fixedConfiguration != nil)
        #expect(profile.command?.contains("calibrate --measurements") == true)
        let svg = try String(contentsOf: dir.appendingPathComponent("test-profile.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("MACs only"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["cross_validation"] != nil && (document["rows"] as? [Any])?.count == 12)
    }

    @Test func badMeasurementFilesGetOneClearLine() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.csv")
        try "op,cin,hw,cout,k,e,stride,act,se,avg_ms\nMBConv,16,56,16,3,6,1,relu,0,0.5\nMBConv,16,56,16,3,6,1,relu,0,soon\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let run = try HAOBinary.run([
            "calibrate", "--measurements", bad.path, "--device", "zu3eg", "--out", dir.appendingPathComponent("p.json").path,
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.csv, line 3, field 'avg_ms': 'soon' is not a positive latency"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        let missing = try HAOBinary.run([
            "calibrate", "--measurements", dir.appendingPathComponent("none.csv").path, "--device", "zu3eg",
            "--out", dir.appendingPathComponent("p.json").path,
        ])
        #expect(missing.status == 1 && missing.stderr.contains("none.csv") && missing.stderr.contains("cannot read"), "\(missing.stderr)")
    }

    @Test func latencyTablesSkipBadRowsByLineAndSayWhichModel() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("space.csv")
        try """
        id,arch_def,resolution
        a,"[[""ds_r1_k3_s1_c16""],[""ir_r2_k3_s2_e6_c24""],[""ir_r2_k5_s2_e3_c40_se0.25""]]",224
        b,"[[""ds_r1_k3_s1_c16""],[""ir_r2_k4_s2_e6_c24""]]",224
        c,"[[""ds_r1_k3_s1_c16""],[""ir_r3_k3_s2_e4_c32""]]",192
        """.write(to: csv, atomically: true, encoding: .utf8)
        let run = try HAOBinary.run(["latency", csv.path, "--device", "zu3eg"])
        #expect(run.status == 1, "a skipped row is reported with a failing status")
        #expect(run.stderr.contains("skipped space.csv, line 3: field 'arch_def'"), "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n")
        #expect(rows.count == 3 && rows[0].hasPrefix("file,line,name,status,latency_ms,fps"), "\(run.stdout)")
        #expect(rows[1].contains(",2,a,ok,") && rows[2].contains(",4,c,ok,"), "\(run.stdout)")
        #expect(run.stderr.contains("latency model: uncalibrated: ideal pipeline"))

        let (calibration, profile) = try Self.calibrate(dir)
        #expect(calibration.status == 0, "\(calibration.stderr)")
        let table = try HAOBinary.run(["latency", "mnasnet_a1", "fbnet_b", "--device", "zu3eg", "--calibration", profile.path, "--json"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr.contains("was fitted on one configuration"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [String: Any])
        let model = try #require(document["latency_model"] as? [String: Any])
        #expect(model["calibrated"] as? Bool == true && model["profile"] as? String == "test-profile")
        #expect((document["rows"] as? [[String: Any]])?.allSatisfy { $0["latency_ms"] as? Double != nil } == true)
    }

    @Test func reportsNameTheLatencyModel() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try HAOBinary.run(["solve", "mnasnet_a1", "--solver", "native"])
        #expect(plain.status == 0 && plain.stdout.contains("Latency model: uncalibrated: ideal pipeline"), "\(plain.stdout)")
        let (calibration, profile) = try Self.calibrate(dir)
        #expect(calibration.status == 0, "\(calibration.stderr)")
        let solved = try HAOBinary.run(["solve", "mnasnet_a1", "--solver", "native", "--calibration", profile.path, "--json"])
        #expect(solved.status == 0, "\(solved.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(solved.stdout.utf8)) as? [String: Any])
        #expect((document["latency_model"] as? [String: Any])?["profile"] as? String == "test-profile")
        let baselines = try HAOBinary.run(["baselines", "--solver", "native", "--calibration", profile.path])
        #expect(
            baselines.status == 0 && baselines.stdout.contains("Latency model: calibrated: profile test-profile"), "\(baselines.stderr)")
        let unknown = try HAOBinary.run(["solve", "mnasnet_a1", "--calibration", "no-such-profile"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no such file or shipped profile"), "\(unknown.stderr)")

        // The search keeps the profile in its checkpoint and says so in frontier.json; a resume
        // with another profile is refused.
        let out = dir.appendingPathComponent("search").path
        let search = try HAOBinary.run([
            "search", "--population", "8", "--generations", "0", "--no-baselines", "--solver", "native",
            "--calibration", profile.path, "--out", out,
        ])
        #expect(search.status == 0, "\(search.stderr)")
        let frontier = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/frontier.json"))) as? [String: Any])
        #expect((frontier["latency_model"] as? [String: Any])?["profile"] as? String == "test-profile")
        let checkpoint = try String(contentsOfFile: out + "/checkpoint.json", encoding: .utf8)
        #expect(checkpoint.contains("\"calibration\"") && checkpoint.contains("test-profile"))
        var other = try CalibrationProfile.load(contentsOf: profile)
        other.name = "other"
        let otherURL = dir.appendingPathComponent("other.json")
        try JSONEncoder().encode(other).write(to: otherURL)
        let resumed = try HAOBinary.run(["search", "--resume", out, "--generations", "1", "--calibration", otherURL.path])
        #expect(resumed.status != 0 && resumed.stderr.contains("--calibration other"), "\(resumed.stderr)")
    }

    /// A calibrated search under the default solver: GLPK certifies its frontier, and each point's
    /// latency is what `hao solve` gives its network under the same profile (the shipped Ultra96
    /// profile has a 253 us launch, which the search's fast path once left out).
    @Test func aCalibratedSearchRecordsTheCalibratedLatencies() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("search").path
        let search = try HAOBinary.run([
            "search", "--population", "8", "--generations", "1", "--no-baselines", "--calibration", "ultra96-b2304-blocks",
            "--out", out,
        ])
        #expect(search.status == 0, "\(search.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/frontier.json"))) as? [String: Any])
        let points = try #require(report["frontier"] as? [[String: Any]])
        #expect(!points.isEmpty)
        for (i, point) in points.prefix(3).enumerated() {
            let file = dir.appendingPathComponent("point\(i).json")
            try JSONSerialization.data(withJSONObject: try #require(point["network"])).write(to: file)
            let solved = try HAOBinary.run(["solve", file.path, "--calibration", "ultra96-b2304-blocks", "--json"])
            #expect(solved.status == 0, "\(solved.stderr)")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(solved.stdout.utf8)) as? [String: Any])
            #expect(answer["latency_ms"] as? Double == point["latency_ms"] as? Double, "point \(i)")
        }
    }
}
