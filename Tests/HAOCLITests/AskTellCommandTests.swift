import Foundation
import Testing

/// `hao search --state DIR --ask N | --tell FILE`: the search driven by external evaluators.
@Suite("hao search ask/tell")
struct AskTellCommandTests {
    private static let small = ["--population", "8", "--generations", "2", "--no-baselines", "--threads", "2"]

    private func folder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hao-asktell-\(name)-\(UUID().uuidString)").path
    }

    /// (point, top1, latency) of every frontier point, in order.
    private func frontier(_ dir: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("frontier.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let points = try #require(object["frontier"] as? [[String: Any]])
        return try points.map { p in
            let point = try JSONSerialization.data(withJSONObject: try #require(p["point"]), options: .sortedKeys)
            return "\(String(decoding: point, as: UTF8.self)) \(p["top1"]!) \(p["latency_ms"]!)"
        }
    }

    @Test("an evaluator returning the built-in figures reproduces the in-process frontier", arguments: ["both", "accuracy"])
    func tellingThePredictionsBackIsTheInProcessSearch(external: String) throws {
        let inProcess = folder("in-process")
        let askTell = folder("state")
        defer { for f in [inProcess, askTell] { try? FileManager.default.removeItem(atPath: f) } }
        let reference = try HAOBinary.run(["search", "--out", inProcess] + Self.small)
        #expect(reference.status == 0, "\(reference.stderr)")
        let driven = try HAOBinary.shell(
            """
            examples/asktell/driver.sh '\(askTell)' 5 -- --external \(external) \(Self.small.joined(separator: " "))
            """)
        #expect(driven.status == 0, "\(driven.stderr)")
        #expect(driven.stdout.contains("\"finished\":true"), "\(driven.stdout)")
        let expected = try frontier(inProcess)
        #expect(!expected.isEmpty)
        #expect(try frontier(askTell) == expected)
    }

    /// An ask line carries the search's cap and calibration profile, and `hao solve` with them
    /// gives the latency the line predicts (what examples/ray/evaluators.py's `models` runs).
    @Test func askLinesCarryTheCapAndCalibrationTheirLatencyNeeds() throws {
        let dir = folder("calibrated")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ask = try HAOBinary.run(
            ["search", "--state", dir, "--external", "latency", "--ask", "2", "--cap", "0.8", "--calibration", "ultra96-b2304-blocks"]
                + Self.small)
        #expect(ask.status == 0, "\(ask.stderr)")
        let lines = ask.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        for (i, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let cap = try #require(object["cap"] as? String)
            #expect(cap == "dsp=0.8,bram18=0.8,lut=0.8,ff=0.8")
            let network = URL(fileURLWithPath: dir + "-network\(i).json")
            let profile = URL(fileURLWithPath: dir + "-profile\(i).json")
            defer { for file in [network, profile] { try? FileManager.default.removeItem(at: file) } }
            try JSONSerialization.data(withJSONObject: try #require(object["network"])).write(to: network)
            try JSONSerialization.data(withJSONObject: try #require(object["calibration"])).write(to: profile)
            let solved = try HAOBinary.run([
                "solve", network.path, "--target", try #require(object["target"] as? String),
                "--device", try #require(object["device"] as? String), "--cap", cap, "--calibration", profile.path, "--json",
            ])
            #expect(solved.status == 0, "\(solved.stderr)")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(solved.stdout.utf8)) as? [String: Any])
            let predicted = try #require(object["predicted"] as? [String: Any])
            #expect(answer["latency_ms"] as? Double == predicted["latency_ms"] as? Double, "line \(i)")
        }
    }

    @Test func tellsAreCheckedAllOrNothingAndRepeatsAreHarmless() throws {
        let dir = folder("errors")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ask = try HAOBinary.run(["search", "--state", dir, "--external", "accuracy", "--ask", "3"] + Self.small)
        #expect(ask.status == 0, "\(ask.stderr)")
        let lines = ask.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let ids = try lines.map { line -> String in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["generation"] as? Int == 0 && object["external"] as? String == "accuracy")
            #expect(object["arch_def"] != nil && object["network"] != nil && object["predicted"] != nil)
            return try #require(object["id"] as? String)
        }
        func tell(_ text: String) throws -> HAOBinary.Output { try HAOBinary.run(["search", "--state", dir, "--tell", "-"], stdin: text) }
        func expectRefused(_ text: String, _ fragment: String) throws {
            let result = try tell(text)
            #expect(result.status != 0 && result.stderr.contains(fragment), "\(text) -> \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        try expectRefused("{\"id\":\"\(ids[0])\",\"top1\":70}\n{\"id\":\"r999-nope\",\"top1\":70}", "was never asked")
        try expectRefused("{\"id\":\"\(ids[0])\"}", "needs top1")
        try expectRefused("{\"id\":\"\(ids[0])\",\"top1\":170}", "is not in 0.0...100.0")
        try expectRefused("{\"id\":\"\(ids[0])\",\"top1\":\"high\"}", "wrong type")
        try expectRefused("not json", "tell line 1")
        try expectRefused("{\"id\":\"\(ids[0])\",\"top1\":70}\n{\"id\":\"\(ids[0])\",\"top1\":71}", "already told")
        // Nothing of the refused files was recorded: the first id is still outstanding.
        let first = try tell("{\"id\":\"\(ids[0])\",\"top1\":70.5,\"latency_ms\":3}")
        #expect(first.status == 0 && first.stderr.contains("Recorded 1 measurement"), "\(first.stderr)")
        let again = try tell("{\"id\":\"\(ids[0])\",\"top1\":70.5}")
        #expect(again.status == 0 && again.stderr.contains("Recorded 0 measurement(s) (1 repeat(s) ignored)"), "\(again.stderr)")
        try expectRefused("{\"id\":\"\(ids[0])\",\"top1\":70.6}", "already told")
        // The other two are out; a plain ask hands out only new ones, --reask the lost ones too.
        let more = try HAOBinary.run(["search", "--state", dir, "--ask", "100"])
        #expect(more.status == 0 && more.stdout.split(separator: "\n").count == 5, "\(more.stdout)\n\(more.stderr)")
        let reask = try HAOBinary.run(["search", "--state", dir, "--ask", "100", "--reask"])
        let reasked = reask.stdout.split(separator: "\n").map(String.init)
        #expect(reasked.count == 7 && reasked.allSatisfy { $0.contains("\"asks\":2") }, "\(reask.stdout)")
        // The search's settings are fixed once created.
        let changed = try HAOBinary.run(["search", "--state", dir, "--ask", "1", "--seed", "9"])
        #expect(changed.status != 0 && changed.stderr.contains("drop --seed"), "\(changed.stderr)")
        let otherMetrics = try HAOBinary.run(["search", "--state", dir, "--ask", "1", "--external", "latency"])
        #expect(otherMetrics.status != 0 && otherMetrics.stderr.contains("not latency"), "\(otherMetrics.stderr)")
        // A plain search refuses the folder rather than mixing the two.
        let plain = try HAOBinary.run(["search", "--out", dir] + Self.small)
        #expect(plain.status != 0 && plain.stderr.contains("asktell.json"), "\(plain.stderr)")
    }

    @Test func optionCombinationsAreRefusedWithOneLine() throws {
        for arguments in [
            ["--ask", "2"], ["--state", "x"], ["--state", "x", "--ask", "2", "--tell", "f"], ["--state", "x", "--ask", "0"],
            ["--state", "x", "--tell", "f", "--reask"], ["--state", "x", "--ask", "1", "--out", "y"],
        ] {
            let result = try HAOBinary.run(["search"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains("Error:") || result.stderr.contains("error"), "\(arguments): \(result.stderr)")
        }
        let missing = try HAOBinary.run(["search", "--state", folder("none"), "--tell", "-"], stdin: "{\"id\":\"a\",\"top1\":1}")
        #expect(missing.status != 0 && missing.stderr.contains("holds no ask/tell search"), "\(missing.stderr)")
    }
}
