import Foundation
import Testing

@Suite("hao search end to end (small runs)")
struct SearchCommandTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hao-search-\(UUID().uuidString)").path
    }

    static func frontier(_ dir: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("frontier.json"))
        let object = try JSONSerialization.jsonObject(with: data)
        if let points = object as? [[String: Any]] { return points }
        let dictionary = try #require(object as? [String: Any])
        return try #require(dictionary["frontier"] as? [[String: Any]] ?? dictionary["points"] as? [[String: Any]])
    }

    @Test func smallSearchWritesEveryOutputAndIsReproducible() throws {
        let first = Self.folder()
        let second = Self.folder()
        defer { for dir in [first, second] { try? FileManager.default.removeItem(atPath: dir) } }
        let arguments = ["search", "--population", "8", "--generations", "2", "--seed", "7", "--no-baselines"]
        let a = try HAOBinary.run(arguments + ["--out", first])
        #expect(a.status == 0, "\(a.stderr)")
        for file in ["frontier.json", "frontier.csv", "frontier.svg", "checkpoint.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(first)/\(file)"), "\(file) missing")
        }
        let b = try HAOBinary.run(arguments + ["--out", second, "--threads", "1"])
        #expect(b.status == 0)
        let pointsA = try Self.frontier(first)
        let pointsB = try Self.frontier(second)
        #expect(!pointsA.isEmpty)
        #expect(pointsA.count == pointsB.count)
        let top1A = try pointsA.map { try #require($0["top1"] as? Double) }
        let top1B = try pointsB.map { try #require($0["top1"] as? Double) }
        #expect(top1A == top1B)
        for point in pointsA {
            #expect(point["latency_ms"] is Double)
            #expect(point["fps"] is Double)
        }
        let svg = try String(contentsOfFile: "\(first)/frontier.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
    }

    @Test func resumeContinuesToTheSameFrontier() throws {
        let straight = Self.folder()
        let resumed = Self.folder()
        defer { for dir in [straight, resumed] { try? FileManager.default.removeItem(atPath: dir) } }
        let common = ["search", "--population", "8", "--seed", "3", "--no-baselines", "--solver", "native"]
        #expect(try HAOBinary.run(common + ["--generations", "3", "--out", straight]).status == 0)
        #expect(try HAOBinary.run(common + ["--generations", "1", "--out", resumed]).status == 0)
        let continued = try HAOBinary.run(["search", "--resume", resumed, "--generations", "3", "--no-baselines", "--solver", "native"])
        #expect(continued.status == 0, "\(continued.stderr)")
        let a = try Self.frontier(straight)
        let b = try Self.frontier(resumed)
        #expect(a.count == b.count)
        #expect(!a.isEmpty)
        #expect(try a.map { try #require($0["latency_ms"] as? Double) } == b.map { try #require($0["latency_ms"] as? Double) })
    }

    @Test func anEarlierSearchIsKeptUnlessOverwriteIsGiven() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = ["search", "--population", "6", "--generations", "1", "--no-baselines", "--solver", "native", "--out", dir]
        #expect(try HAOBinary.run(run + ["--seed", "1"]).status == 0)
        let before = try Self.frontier(dir)
        let refused = try HAOBinary.run(run + ["--seed", "2"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--overwrite"), "\(refused.stderr)")
        #expect(try Self.frontier(dir).count == before.count)
        let replaced = try HAOBinary.run(run + ["--seed", "1", "--overwrite"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try Self.frontier(dir).map { $0["top1"] as? Double } == before.map { $0["top1"] as? Double })
        let both = try HAOBinary.run(["search", "--resume", dir, "--overwrite"])
        #expect(both.status != 0)
    }

    @Test func badInputIsReportedClearly() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [[String]] = [
            ["search", "--population", "0", "--out", dir],
            ["search", "--min-fps", "1000000", "--population", "4", "--generations", "1", "--out", dir, "--no-baselines"],
            ["search", "--device", "zu5eg", "--out", dir],
            ["search", "--out", "/proc/hao-cannot-write-here"],
            ["search", "--resume", "/nonexistent/run"],
        ]
        for arguments in cases {
            let output = try HAOBinary.run(arguments)
            #expect(output.status != 0, "accepted: \(arguments)")
            #expect(output.status < 128, "signal: \(arguments)")
            #expect(output.stderr.lowercased().contains("error"), "\(arguments): \(output.stderr)")
        }
        let corrupt = Self.folder()
        try FileManager.default.createDirectory(atPath: corrupt, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: corrupt) }
        FileManager.default.createFile(atPath: "\(corrupt)/checkpoint.json", contents: Data("{\"generation\": ".utf8))
        let output = try HAOBinary.run(["search", "--resume", corrupt])
        #expect(output.status != 0)
        #expect(output.stderr.lowercased().contains("checkpoint"), "\(output.stderr)")
    }

    /// Rewrites a checkpoint's JSON with `edit`.
    static func editCheckpoint(_ dir: String, _ edit: (inout [String: Any]) throws -> Void) throws {
        let url = URL(fileURLWithPath: dir).appendingPathComponent("checkpoint.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        try edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// A hand-edited checkpoint that still parses is checked against its own space and settings
    /// at load: a genome outside the space and a short population are reported as a corrupted
    /// checkpoint before any generation runs (they used to resume and fail later, or run).
    @Test func handEditedCheckpointsAreCheckedAtLoad() throws {
        let base = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let run = [
            "search", "--population", "8", "--generations", "1", "--seed", "5", "--no-baselines", "--solver", "native", "--out", base,
        ]
        let first = try HAOBinary.run(run)
        #expect(first.status == 0, "\(first.stderr)")
        let original = try Data(contentsOf: URL(fileURLWithPath: base).appendingPathComponent("checkpoint.json"))
        func state(_ o: inout [String: Any], _ body: (inout [String: Any]) throws -> Void) throws {
            var s = try #require(o["state"] as? [String: Any])
            try body(&s)
            o["state"] = s
        }
        func setKernel(_ list: String) -> (inout [String: Any]) throws -> Void {
            return { o in
                try state(&o) { s in
                    var members = try #require(s[list] as? [[String: Any]])
                    var genome = try #require(members[0]["genome"] as? [String: Any])
                    var kernels = try #require(genome["kernels"] as? [Int])
                    kernels[0] = 9  // slot 0 is always active (every stage has at least 2 blocks)
                    genome["kernels"] = kernels
                    members[0]["genome"] = genome
                    s[list] = members
                }
            }
        }
        let edits: [(String, String, (inout [String: Any]) throws -> Void)] = [
            ("kernel 9 in the population", "kernel 9", setKernel("population")),
            (
                "kernel 9 in the archive", "kernel 9",
                { o in
                    try state(&o) { s in
                        var archive = try #require(s["archive"] as? [String: Any])
                        var members = try #require(archive["members"] as? [[String: Any]])
                        var genome = try #require(members[0]["genome"] as? [String: Any])
                        var kernels = try #require(genome["kernels"] as? [Int])
                        kernels[0] = 9
                        genome["kernels"] = kernels
                        members[0]["genome"] = genome
                        archive["members"] = members
                        s["archive"] = archive
                    }
                }
            ),
            (
                "3 of 8 individuals", "populationSize 8",
                { o in
                    try state(&o) { s in s["population"] = Array(try #require(s["population"] as? [Any]).prefix(3)) }
                }
            ),
        ]
        for (label, expected, edit) in edits {
            try original.write(to: URL(fileURLWithPath: base).appendingPathComponent("checkpoint.json"))
            try Self.editCheckpoint(base, edit)
            let resumed = try HAOBinary.run(["search", "--resume", base, "--generations", "3", "--no-baselines", "--solver", "native"])
            #expect(resumed.status != 0 && resumed.status < 128, "\(label): accepted")
            #expect(resumed.stderr.contains("corrupted") && resumed.stderr.contains(expected), "\(label): \(resumed.stderr)")
            #expect(!resumed.stderr.contains("Resuming"), "\(label): resumed before failing: \(resumed.stderr)")
        }
    }

    /// A dense MLP has no quantization part: searching bit widths with it would make 4 bits free.
    /// It is refused unless accepted explicitly; accepted, it is warned about and recorded.
    @Test func aBitBlindPredictorIsRefusedUnlessAccepted() throws {
        let dir = Self.folder()
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-\(UUID().uuidString).json").path
        defer { for p in [dir, model] { try? FileManager.default.removeItem(atPath: p) } }
        let zeros = "[" + Array(repeating: "0", count: 128).joined(separator: ",") + "]"
        try Data(
            "{\"format\":\"dense-mlp-v1\",\"input_dim\":128,\"layers\":[{\"weight\":[\(zeros)],\"bias\":[0.7],\"activation\":\"none\"}]}"
                .utf8
        )
        .write(to: URL(fileURLWithPath: model))
        let run = [
            "search", "--predictor", model, "--population", "4", "--generations", "1", "--no-baselines", "--solver", "native", "--out", dir,
        ]
        let refused = try HAOBinary.run(run)
        #expect(refused.status != 0 && refused.status < 128, "a bit-blind predictor was accepted silently")
        #expect(
            refused.stderr.contains("no quantization part") && refused.stderr.contains("--allow-bit-blind-predictor"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/checkpoint.json"), "a refused run left a checkpoint")
        let accepted = try HAOBinary.run(run + ["--allow-bit-blind-predictor"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stderr.contains("Warning") && accepted.stderr.contains("full-precision"), "\(accepted.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("frontier.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(report["predictor_ignores_bit_widths"] as? Bool == true)
        // The acceptance is part of the search: a resume keeps it without the flag.
        let resumed = try HAOBinary.run(["search", "--resume", dir, "--generations", "2", "--no-baselines", "--solver", "native"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    /// Caps no network of the space can meet fail before the search, with the solver's diagnosis,
    /// and leave no checkpoint: the next run with the same --out needs no --overwrite.
    @Test func impossibleCapsFailUpFrontAndLeaveTheFolderReusable() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let common = ["search", "--population", "4", "--generations", "2", "--no-baselines", "--solver", "native", "--out", dir]
        let failed = try HAOBinary.run(common + ["--cap", "0.01"])
        #expect(failed.status != 0 && failed.status < 128)
        #expect(failed.stderr.contains("impossible constraints") && failed.stderr.contains("smallest network"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("gen "), "generations ran before the failure: \(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/checkpoint.json"))
        let next = try HAOBinary.run(common)
        #expect(next.status == 0, "\(next.stderr)")
    }

    /// A fresh search that ends with no feasible network keeps no checkpoint, so a looser retry
    /// with the same --out needs no --overwrite (it used to demand one). The limit is set just
    /// under the smallest network's own fps, read from the up-front check, so only it qualifies.
    @Test func aSearchThatFindsNothingLeavesTheFolderReusable() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let common = ["search", "--population", "4", "--generations", "1", "--no-baselines", "--solver", "native", "--out", dir]
        let probe = try HAOBinary.run(common + ["--min-fps", "1000000"])
        let match = try #require(
            probe.stderr.firstMatch(of: /\(([0-9.]+) fps\) misses the limit/),
            "\(probe.stderr)")
        let smallestFps = try #require(Double(match.1))
        let nothing = try HAOBinary.run(common + ["--min-fps", String(format: "%.1f", smallestFps * 0.998)])
        #expect(nothing.status != 0 && nothing.status < 128)
        #expect(
            nothing.stderr.contains("no feasible network found") && nothing.stderr.contains("the same --out works"), "\(nothing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/checkpoint.json"), "a search that found nothing left a checkpoint")
        let retry = try HAOBinary.run(common)
        #expect(retry.status == 0, "\(retry.stderr)")
    }

    /// Runs hao with extra environment variables (HAOBinary.run inherits the test's environment).
    static func run(_ arguments: [String], environment extra: [String: String]) throws -> (status: Int32, stdout: String) {
        let path = try #require(HAOBinary.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = HAOBinary.packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Every progress line fits an 80-column terminal (a longer one wraps, and the \r redraw then
    /// leaves a line per generation); generation and ETA stay.
    @Test func progressLinesFitEightyColumns() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = try HAOBinary.run([
            "search", "--population", "6", "--generations", "2", "--no-baselines", "--solver", "native", "--out", dir,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stderr.split(separator: "\n").filter { $0.contains("ETA") }
        #expect(lines.count == 3, "\(output.stderr)")
        for line in lines {
            #expect(line.count <= 79, "\(line.count) columns: \(line)")
            #expect(line.contains("gen "), "\(line)")
        }
    }

    /// The help's discussion is written in lines that fit 80 columns, so ArgumentParser (which
    /// keeps hard line breaks and wraps longer lines) never breaks a line mid-sentence: printed at
    /// an unlimited width, every discussion line must already fit.
    @Test func helpDiscussionLinesFitEightyColumns() throws {
        for command in [["search"], ["search", "benchmark"]] {
            let wide = try Self.run(command + ["--help"], environment: ["COLUMNS": "1000"])
            #expect(wide.status == 0)
            let lines = wide.stdout.components(separatedBy: "\n")
            let start = try #require(lines.firstIndex { $0.isEmpty })
            let end = try #require(lines.firstIndex { $0.hasPrefix("USAGE:") })
            #expect(end > start + 1, "no discussion found in \(command) --help")
            for line in lines[start..<end] {
                #expect(line.count <= 79, "\(command) --help, \(line.count) columns: \(line)")
            }
            let narrow = try Self.run(command + ["--help"], environment: ["COLUMNS": "80"])
            for line in narrow.stdout.components(separatedBy: "\n") {
                #expect(line.count <= 80, "\(command) --help at 80 columns: \(line)")
            }
        }
    }

    /// `--bits uniform8` searches at the baselines' policy: every searchable block of every
    /// frontier point is 8-bit, the headline names the policy of each ratio, and a resume cannot
    /// switch the policy.
    @Test func uniformEightBitSearchGivesALikeForLikeRatio() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = try HAOBinary.run([
            "search", "--bits", "uniform8", "--population", "16", "--generations", "4", "--seed", "1",
            "--solver", "native", "--out", dir,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let csv = try String(contentsOfFile: "\(dir)/frontier.csv", encoding: .utf8).split(separator: "\n")
        let header = csv[0].split(separator: ",", omittingEmptySubsequences: false)
        let column = try #require(header.firstIndex(of: "bits"))
        #expect(csv.count > 1)
        for row in csv.dropFirst() {
            let bits = row.split(separator: ",", omittingEmptySubsequences: false)[column]
            #expect(bits.split(separator: " ").allSatisfy { $0 == "8" }, "a 4-bit block in a uniform8 search: \(bits)")
        }
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/frontier.json"))) as? [String: Any])
        let headline = try #require(report["headline"] as? [String: Any])
        if headline["best"] != nil {
            #expect(headline["best_policy"] as? String == "uniform 8-bit")
            let ratios = try #require(headline["ratios"] as? [[String: Any]])
            #expect(ratios.contains { $0["bits"] as? Int == 8 && $0["same_policy"] as? Bool == true })
            #expect(output.stdout.contains("(same policy)"), "\(output.stdout)")
        }
        let switched = try HAOBinary.run(["search", "--resume", dir, "--bits", "uniform4", "--generations", "5"])
        #expect(switched.status != 0 && switched.stderr.contains("--bits"), "\(switched.stderr)")
    }

    /// The default run's size is the one docs/search.md states and benchmarks/search/results.md
    /// measured (it was changed on measurement; the figures must describe what runs).
    @Test func defaultSizeIsTheDocumentedOne() throws {
        let docs = try String(contentsOf: HAOBinary.packageRoot.appendingPathComponent("docs/search.md"), encoding: .utf8)
        let stated = try #require(
            docs.firstMatch(of: /Default: population ([0-9]+), ([0-9]+) generations/), "docs/search.md states no default")
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try HAOBinary.run(["search", "--generations", "0", "--no-baselines", "--solver", "native", "--out", dir])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("population \(stated.1), 0 generations"), "docs say population \(stated.1): \(run.stderr)")
        // Option help is wrapped to the terminal; compare with whitespace runs collapsed.
        let help = try HAOBinary.run(["search", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("(default: \(stated.1))") && help.contains("(default: \(stated.2))"), "\(help)")
    }
}
