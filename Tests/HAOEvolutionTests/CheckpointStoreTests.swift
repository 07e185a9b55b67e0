import Foundation
import HAOSupport
import Testing

@testable import HAOEvolution

private typealias Store = CheckpointStore<String, [Int], Int>

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hao-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Suite("Journaled checkpoints (snapshot + memo journal)")
struct CheckpointStoreTests {
    /// A run killed after generation 6 resumes from its last snapshot -- every generation's with a
    /// zero interval, only the first with an hour's -- and ends exactly as the uninterrupted run;
    /// the journal's records past the snapshot are dropped on load. A memo smaller than the run
    /// makes the journal compact itself on the way.
    @Test(arguments: [Duration.zero, .seconds(3600)], [NSGA2Settings.defaultMemoCapacity, 24])
    func resumeFromTheLastSnapshotMatchesTheUninterruptedRun(interval: Duration, memoCapacity: Int) throws {
        let settings = NSGA2Settings(populationSize: 12, seed: 21, keepsHistory: false, memoCapacity: memoCapacity)
        let search = try NSGA2(problem: syntheticProblem(constrained: true), settings: settings, threads: 2)
        var straight = try search.initialState()
        try search.run(&straight, generations: 14)

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.json")
        let store = Store(url: url, interval: interval)
        var first = try search.initialState()
        try store.save(Checkpoint(meta: "m", settings: settings, state: first), force: true)
        try search.run(
            &first, generations: 6,
            afterGeneration: { state in
                try store.save(Checkpoint(meta: "m", settings: settings, state: state), force: false)
            })
        #expect(store.savedGeneration == (interval == .zero ? 6 : 0))
        let (loaded, _) = try Store.load(from: url, memoKey: { _ in GenomeKey(high: 0, low: 0) })
        #expect(loaded.state.generation == store.savedGeneration)
        #expect(loaded.state.memo.count == min(memoCapacity, loaded.state.stats.evaluations))
        var resumed = loaded.state
        try search.run(&resumed, generations: 14)
        #expect(frontierSignature(resumed) == frontierSignature(straight))
        #expect(resumed.population.map(\.genome) == straight.population.map(\.genome))
        #expect(resumed.stats.evaluations == straight.stats.evaluations)
        #expect(resumed.memo.keysInOrder == straight.memo.keysInOrder)
        if memoCapacity == 24 && interval == .zero {
            let journal = try MemoJournal(opening: folder.appendingPathComponent(Store.journalName), checkedEnd: nil)
            #expect(journal.firstIndex > 0, "a memo of 24 keys makes the journal compact itself")
            #expect(journal.recordCount <= 2 * 24 + 12)
        }
    }

    /// The snapshot is small: no scores of past candidates, only the population and the archive.
    @Test func theSnapshotHoldsNoHistory() throws {
        let settings = NSGA2Settings(populationSize: 10, seed: 2, keepsHistory: false)
        let search = try NSGA2(problem: syntheticProblem(), settings: settings)
        var state = try search.initialState()
        try search.run(&state, generations: 20)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.json")
        try Store(url: url).save(Checkpoint(meta: "m", settings: settings, state: state), force: true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let saved = try #require(json["state"] as? [String: Any])
        #expect(saved["evaluated"] == nil && saved["memo"] == nil)
        #expect((json["journal"] as? [String: Any])?["records"] as? Int == state.stats.evaluations)
        let journalSize = try #require(
            try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(Store.journalName).path)[.size] as? Int)
        #expect(journalSize == 16 + 16 * state.stats.evaluations)
    }

    /// A journal shorter than its snapshot says, or a missing one, is a corrupted checkpoint.
    @Test func aDamagedJournalIsReported() throws {
        let settings = NSGA2Settings(populationSize: 8, seed: 3, keepsHistory: false)
        let search = try NSGA2(problem: syntheticProblem(), settings: settings)
        let state = try search.initialState()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.json")
        try Store(url: url).save(Checkpoint(meta: "m", settings: settings, state: state), force: true)
        let journal = folder.appendingPathComponent(Store.journalName)
        let bytes = try Data(contentsOf: journal)
        try bytes.prefix(bytes.count - 16).write(to: journal)
        #expect(throws: SearchError.self) { try Store.load(from: url, memoKey: { _ in GenomeKey(high: 0, low: 0) }) }
        try FileManager.default.removeItem(at: journal)
        #expect(throws: SearchError.self) { try Store.load(from: url, memoKey: { _ in GenomeKey(high: 0, low: 0) }) }
        try Data("XXXXXXXX\0\0\0\0\0\0\0\0".utf8).write(to: journal)
        #expect(throws: SearchError.self) { try Store.load(from: url, memoKey: { _ in GenomeKey(high: 0, low: 0) }) }
    }

    /// A single-file checkpoint of the earlier format still resumes: its memo is rebuilt from its history.
    @Test func aSingleFileCheckpointStillResumes() throws {
        let problem = try syntheticProblem()
        let settings = NSGA2Settings(populationSize: 10, seed: 8)
        let search = try NSGA2(problem: problem, settings: settings)
        var straight = try search.initialState()
        try search.run(&straight, generations: 8)
        var first = try search.initialState()
        try search.run(&first, generations: 3)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.json")
        // The v1 writer with the memo left out, as files written before the memo existed.
        let encoder = JSONEncoder()
        encoder.userInfo[SearchState<[Int], Int>.omitsMemoKey] = false
        var object = try #require(
            try JSONSerialization.jsonObject(with: encoder.encode(Checkpoint(meta: "m", settings: settings, state: first)))
                as? [String: Any])
        var saved = try #require(object["state"] as? [String: Any])
        saved["memo"] = nil
        object["state"] = saved
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        let (loaded, _) = try Store.load(from: url, memoKey: problem.memoKey)
        #expect(loaded.state.memo.count == loaded.state.stats.evaluations)
        var resumed = loaded.state
        try search.run(&resumed, generations: 8)
        #expect(frontierSignature(resumed) == frontierSignature(straight))
    }
}
