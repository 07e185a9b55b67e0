import Foundation
import HAOTestSupport
import Testing

@testable import HAOSupport

@Suite("Shared utilities")
struct SupportTests {
    private struct Sample: Decodable, Equatable {
        var name: String
        var count: Int
        var items: [Item]
        struct Item: Decodable, Equatable { var size: Int }
    }

    private func decode(_ text: String) throws(JSONFileError) -> Sample {
        try JSONFile.decode(Sample.self, from: Data(text.utf8), source: "'x.json'", integerFields: [["count"], ["items", "[]", "size"]])
    }

    @Test func jsonErrorsNameTheLineOrTheKeyPath() throws {
        #expect(try decode(#"{"name": "a", "count": 2, "items": [{"size": 1}]}"#) == Sample(name: "a", count: 2, items: [.init(size: 1)]))
        let cases: [(String, String)] = [
            ("{\n  \"name\": \"a\",\n  \"count\": ,\n}", "'x.json' is not valid JSON at line 3"),
            (#"{"name": "a", "items": []}"#, "'x.json': missing key 'count' in the top level"),
            (#"{"name": "a", "count": 2, "items": [{"size": 1}, {}]}"#, "'x.json': missing key 'size' in 'items[1]'"),
            (#"{"name": "a", "count": 2.5, "items": []}"#, "'x.json': bad value at 'count': expected an integer"),
            (#"{"name": "a", "count": 2, "items": [{"size": 1e308}]}"#, "'x.json': bad value at 'items[0].size': expected an integer"),
            (#"{"name": 3, "count": 2, "items": []}"#, "'x.json': bad value at 'name': expected a string"),
        ]
        for (text, message) in cases {
            do {
                _ = try decode(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.hasPrefix(message), "\(error.description)")
            }
        }
    }

    @Test func filesThatCannotBeReadSaySo() throws {
        let folder = try TestPaths.temporaryDirectory("hao-support")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: JSONFileError.fileNotFound(path: folder.appendingPathComponent("none.json").path)) {
            try JSONFile.data(at: folder.appendingPathComponent("none.json"))
        }
        #expect(throws: JSONFileError.unreadable(path: folder.path, reason: "it is a directory, not a file")) {
            try JSONFile.data(at: folder)
        }
    }

    @Test func randomStateSurvivesItsTextForm() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<10 { _ = rng.next() }
        var restored = SplitMix64(stateHex: rng.stateHex)
        #expect(restored != nil)
        #expect((0..<100).map { _ in rng.next() } == (0..<100).map { _ in restored!.next() })
        #expect(SplitMix64(stateHex: "xyz") == nil)
        // Published SplitMix64 output for seed 0 (the first value of the reference implementation).
        var zero = SplitMix64(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func atomicWritesReplaceWholeFiles() throws {
        let folder = try TestPaths.temporaryDirectory("hao-atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("out.txt")
        try AtomicFile.write(Data("first".utf8), to: file)
        try AtomicFile.write(Data("second".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.txt"], "no temporary file is left")
        #expect(throws: OutputError.self) { try AtomicFile.write(Data(), to: folder.appendingPathComponent("missing/out.txt")) }
    }

    @Test func textHelpers() {
        #expect(textTable(["a", "bb"], [["1", "2"], ["333", "4"]], rightAligned: [1]) == "a    bb\n---  --\n1     2\n333   4")
        #expect(fixedPoint(3.14159, 2) == "3.14")
        #expect(targetText(200) == "200.0")
        #expect(targetText(1e-300) == "1e-300")
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.seconds(2).milliseconds == 2000)
    }
}
