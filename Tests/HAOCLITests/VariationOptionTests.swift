import Foundation
import Testing

/// `--variation` on `hao search` and `hao search benchmark`: bad values are one clear error, the
/// choice is kept by the checkpoint, and a checkpoint from before the option resumes exactly.
@Suite("hao search --variation")
struct VariationOptionTests {
    @Test func badVariationOptionsAreReportedClearly() throws {
        let dir = SearchCommandTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [([String], String)] = [
            (["search", "--variation", "gaussian", "--out", dir], "--variation"),
            (["search", "benchmark", "--data", "/nonexistent.csv", "--variation", "gaussian"], "--variation"),
            (["search", "benchmark", "--data", "/nonexistent.csv", "--variation", "categorical", "--crossover-eta", "3"], "ordinal"),
            (["search", "benchmark", "--data", "/nonexistent.csv", "--variation", "ordinal", "--mutation-eta=-2"], "distribution index"),
        ]
        for (arguments, expected) in cases {
            let output = try HAOBinary.run(arguments)
            #expect(output.status != 0 && output.status < 128, "accepted: \(arguments)")
            #expect(output.stderr.contains("Error") && output.stderr.contains(expected), "\(arguments): \(output.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/checkpoint.json"))
    }

    /// A checkpoint written before `--variation` existed (no "variation" in its meta) resumes
    /// with the categorical operators it was made with: the same frontier as a straight
    /// categorical run. Switching operators on resume is a conflict.
    @Test func oldCheckpointsResumeCategoricallyAndTheChoiceIsKept() throws {
        let straight = SearchCommandTests.folder()
        let old = SearchCommandTests.folder()
        defer { for dir in [straight, old] { try? FileManager.default.removeItem(atPath: dir) } }
        let common = ["search", "--population", "8", "--seed", "4", "--no-baselines", "--solver", "native", "--variation", "categorical"]
        #expect(try HAOBinary.run(common + ["--generations", "3", "--out", straight]).status == 0)
        #expect(try HAOBinary.run(common + ["--generations", "1", "--out", old]).status == 0)

        let switched = try HAOBinary.run(["search", "--resume", old, "--variation", "ordinal", "--generations", "3", "--no-baselines"])
        #expect(switched.status != 0 && switched.stderr.contains("--variation ordinal (checkpoint: categorical)"), "\(switched.stderr)")

        try SearchCommandTests.editCheckpoint(old) { o in
            var meta = try #require(o["meta"] as? [String: Any])
            let variation = try #require(meta.removeValue(forKey: "variation") as? [String: Any])
            #expect(variation["kind"] as? String == "categorical")
            o["meta"] = meta
        }
        let resumed = try HAOBinary.run(["search", "--resume", old, "--generations", "3", "--no-baselines", "--solver", "native"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try SearchCommandTests.frontier(straight)
        let b = try SearchCommandTests.frontier(old)
        #expect(!a.isEmpty)
        #expect(try a.map { try #require($0["latency_ms"] as? Double) } == b.map { try #require($0["latency_ms"] as? Double) })
        #expect(try a.map { try #require($0["top1"] as? Double) } == b.map { try #require($0["top1"] as? Double) })
    }

    @Test func theDefaultRunRecordsTheOrdinalOperators() throws {
        let dir = SearchCommandTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try HAOBinary.run([
            "search", "--population", "6", "--generations", "1", "--no-baselines", "--solver", "native", "--out", dir,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("variation ordinal"), "\(run.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("checkpoint.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let meta = try #require(object["meta"] as? [String: Any])
        let variation = try #require(meta["variation"] as? [String: Any])
        #expect(variation["kind"] as? String == "ordinal")
        #expect(variation["crossover_eta"] is Double && variation["mutation_eta"] is Double)
    }
}
