import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The search folder is one run's: locked, cleaned, replaced as a unit; a resumed checkpoint
/// must still describe the search it claims to be.
@Suite("Search folder safety and checkpoint fingerprints")
struct SearchFolderSafetyTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hao-folder-\(UUID().uuidString)").path
    }

    static let common = ["--no-baselines", "--solver", "native", "--seed", "5"]

    /// Starts `hao search` in the background and returns its process.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(HAOBinary.executable))
        process.arguments = ["search"] + arguments
        process.currentDirectoryURL = HAOBinary.packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until `condition` holds (checked every 50 ms) or `seconds` pass.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    static func checkpointGeneration(_ dir: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: "\(dir)/checkpoint.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let state = object["state"] as? [String: Any]
        else { return nil }
        return state["generation"] as? Int
    }

    static func population(_ dir: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: "\(dir)/checkpoint.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let settings = object["settings"] as? [String: Any]
        else { return nil }
        return (settings["population_size"] ?? settings["populationSize"]) as? Int
    }

    /// Two searches on one folder: the second is refused naming the first's process, and the
    /// first's checkpoint and frontier belong together.
    @Test func aSecondSearchOnTheSameFolderIsRefused() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Self.start(["--population", "8", "--generations", "6", "--out", dir] + Self.common)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        #expect(
            Self.wait(seconds: 60) {
                FileManager.default.fileExists(atPath: "\(dir)/.hao-search.lock") && Self.checkpointGeneration(dir) != nil
            })
        for second in [["--out", dir, "--overwrite"], ["--resume", dir], ["--out", dir]] {
            let result = try HAOBinary.run(["search", "--population", "4", "--generations", "1"] + second + Self.common)
            guard first.isRunning else { break }
            #expect(result.status == 1, "\(second): \(result.stderr)")
            #expect(
                result.stderr.contains("is in use by another hao search (process \(first.processIdentifier))"),
                "\(second): \(result.stderr)")
        }
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/frontier.json"))) as? [String: Any])
        #expect(report["generations"] as? Int == 6 && Self.checkpointGeneration(dir) == 6, "\(String(describing: report["generations"]))")
    }

    /// Temp files that killed runs leave are removed by the next run on the folder.
    @Test func staleTempFilesAreRemovedAtStart() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try HAOBinary.run(["search", "--population", "4", "--generations", "1", "--out", dir] + Self.common).status == 0)
        for name in [".checkpoint.json.tmp-999999", ".frontier.csv.tmp-12", ".write-probe"] {
            FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data("stale".utf8))
        }
        FileManager.default.createFile(atPath: "\(dir)/notes.txt", contents: Data("mine".utf8))
        let resumed = try HAOBinary.run(["search", "--resume", dir, "--generations", "2"] + Self.common)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(
            left == [".hao-search.lock", "checkpoint.json", "frontier.csv", "frontier.json", "frontier.svg", "memo.journal", "notes.txt"],
            "\(left)")
    }

    /// `--overwrite` killed part-way never leaves the old frontier beside the new checkpoint.
    @Test func overwriteKilledMidRunLeavesNoOldFrontier() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try HAOBinary.run(["search", "--population", "4", "--generations", "1", "--out", dir] + Self.common).status == 0)
        let run = try Self.start(["--population", "8", "--generations", "30", "--out", dir, "--overwrite"] + Self.common)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        // The new run's checkpoint (population 8; the old one's is 4), before its last generation.
        let started = Self.wait(seconds: 60) { Self.population(dir) == 8 && (Self.checkpointGeneration(dir) ?? 30) < 30 }
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        #expect(started)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(left.contains("checkpoint.json"))
        #expect(!left.contains { $0.hasPrefix("frontier.") }, "the old frontier sits beside the new checkpoint: \(left)")
    }

    /// kill -9 at a random moment, then --resume: the same frontier as an uninterrupted run.
    @Test func killNineThenResumeGivesTheUninterruptedFrontier() throws {
        let straight = Self.folder()
        let killed = Self.folder()
        defer { for dir in [straight, killed] { try? FileManager.default.removeItem(atPath: dir) } }
        let arguments = ["--population", "8", "--generations", "6"] + Self.common
        #expect(try HAOBinary.run(["search", "--out", straight] + arguments).status == 0)
        let run = try Self.start(["--out", killed] + arguments)
        #expect(Self.wait(seconds: 60) { (Self.checkpointGeneration(killed) ?? 0) >= 2 })
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        let resumed = try HAOBinary.run(["search", "--resume", killed] + Self.common.filter { $0 != "--seed" && $0 != "5" })
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: "\(straight)/frontier.csv"))
        let b = try Data(contentsOf: URL(fileURLWithPath: "\(killed)/frontier.csv"))
        #expect(a == b, "the resumed frontier differs from the uninterrupted one")
    }

    /// A predictor file changed after the search started is refused on resume (the new
    /// candidates would be scored by another model than the archive's).
    @Test func aChangedPredictorIsRefusedOnResume() throws {
        let dir = Self.folder()
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("hao-pred-\(UUID().uuidString).json")
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(at: model)
        }
        try FileManager.default.copyItem(
            at: HAOBinary.packageRoot.appendingPathComponent("Models/predictors/ofa-mbv3-w4w8-kernel.json"), to: model)
        #expect(
            try HAOBinary.run(["search", "--population", "4", "--generations", "1", "--predictor", model.path, "--out", dir] + Self.common)
                .status == 0)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        object["name"] = "retrained"
        try JSONSerialization.data(withJSONObject: object).write(to: model)
        let resumed = try HAOBinary.run(["search", "--resume", dir, "--generations", "2"] + Self.common)
        #expect(resumed.status == 1)
        #expect(resumed.stderr.contains("changed since the search started") && resumed.stderr.contains("--overwrite"), "\(resumed.stderr)")
    }

    /// A checkpoint whose space was edited (a stage's channels) is refused: by its fingerprint,
    /// and, with the fingerprint removed too, by re-evaluating archive members.
    @Test(arguments: [true, false])
    func anEditedCheckpointSpaceIsRefused(keepFingerprint: Bool) throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try HAOBinary.run(["search", "--population", "8", "--generations", "1", "--out", dir] + Self.common).status == 0)
        let url = URL(fileURLWithPath: "\(dir)/checkpoint.json")
        var checkpoint = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var meta = try #require(checkpoint["meta"] as? [String: Any])
        var space = try #require(meta["space"] as? [String: Any])
        var stages = try #require(space["stages"] as? [[String: Any]])
        stages[2]["out_channels"] = (stages[2]["out_channels"] as? Int ?? 40) + 16
        space["stages"] = stages
        meta["space"] = space
        if !keepFingerprint { meta.removeValue(forKey: "fingerprint") }
        checkpoint["meta"] = meta
        try JSONSerialization.data(withJSONObject: checkpoint).write(to: url)
        let resumed = try HAOBinary.run(["search", "--resume", dir, "--generations", "2"] + Self.common)
        #expect(resumed.status == 1)
        let expected = keepFingerprint ? "search space was edited" : "when evaluated again"
        #expect(resumed.stderr.contains(expected) && resumed.stderr.contains("start afresh"), "\(resumed.stderr)")
    }

    /// A hard MIP stops at Ctrl-C with its best solution so far and status 130.
    @Test func lpReportsTheBestSolutionOnInterrupt() throws {
        var lines = ["Minimize", " obj: " + (0..<5).map { "sp\($0) + sm\($0)" }.joined(separator: " + "), "Subject To"]
        var rng = UInt64(7)
        func next() -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(rng >> 33) % 100
        }
        for i in 0..<5 {
            let coefficients = (0..<40).map { _ in next() }
            lines.append(
                " c\(i): " + coefficients.enumerated().map { "\($0.element) x\($0.offset)" }.joined(separator: " + ")
                    + " + sp\(i) - sm\(i) = \(coefficients.reduce(0, +) / 2)")
        }
        lines += ["Binary", " " + (0..<40).map { "x\($0)" }.joined(separator: " "), "End"]
        let file = HAOBinary.temporaryFile("split.lp", contents: Data(lines.joined(separator: "\n").utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try HAOBinary.shell(
            "\"$HAO\" lp \(file) & pid=$!; sleep 4; kill -INT $pid; wait $pid; echo \"status=$?\"", timeout: 120)
        #expect(result.stdout.contains("status=130"), "\(result.stdout.suffix(300)) \(result.stderr)")
        #expect(result.stdout.contains("Status:     interrupted"), "\(result.stdout.prefix(400))")
        #expect(result.stderr.contains("Interrupted: stopping the solve"), "\(result.stderr)")
    }
}
