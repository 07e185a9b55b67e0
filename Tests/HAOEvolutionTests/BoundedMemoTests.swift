import Foundation
import HAOSupport
import Testing

@testable import HAOEvolution

@Suite("Fast constrained fronts and the bounded memo")
struct BoundedMemoTests {
    /// The O(n log n) sweep gives exactly the fronts of the pairwise algorithm under
    /// constraint-domination, with many ties (small integer objectives, repeated points, equal
    /// violations), feasible and infeasible mixed.
    @Test func sweepFrontsEqualPairwiseFronts() {
        var rng = SplitMix64(seed: 99)
        for round in 0..<300 {
            let n = 1 + rng.nextIndex(80)
            let outcomes: [Outcome<Int>] = (0..<n).map { _ in
                if rng.nextUnit() < 0.2 { return .infeasible(reason: "x", violation: Double(rng.nextIndex(4))) }
                return .feasible(objectives: [Double(rng.nextIndex(8)), Double(rng.nextIndex(8))], payload: 0)
            }
            let pairwise = Pareto.nonDominatedFronts(count: n) { Pareto.constrainedDominates(outcomes[$0], outcomes[$1]) }
            #expect(Pareto.constrainedFronts(outcomes) == pairwise, "round \(round)")
        }
    }

    @Test func theMemoWindowEvictsTheOldestKeys() {
        var window = MemoWindow(capacity: 3)
        let keys = (0..<5).map { GenomeKey(high: 0, low: UInt64($0)) }
        for key in keys.prefix(3) {
            let inserted = window.insert(key)
            #expect(inserted)
        }
        let again = window.insert(keys[1])
        #expect(!again)
        window.insert(keys[3])
        #expect(!window.contains(keys[0]) && window.contains(keys[3]) && window.count == 3)
        window.insert(keys[4])
        #expect(window.keysInOrder == [keys[2], keys[3], keys[4]])
    }

    /// A memo far smaller than the run: candidates bred again after eviction are evaluated again
    /// (and counted again), to the same scores; resuming a small-memo run from its checkpoint
    /// matches the uninterrupted one.
    @Test func aSmallMemoChangesCostNotScoresAndResumesExactly() throws {
        let small = NSGA2Settings(populationSize: 10, seed: 4, keepsHistory: false, memoCapacity: 20)
        let problem = try syntheticProblem(genes: 4, arity: 3)  // 81 candidates
        let search = try NSGA2(problem: problem, settings: small)
        var straight = try search.initialState()
        try search.run(&straight, generations: 12)
        #expect(straight.memo.count <= 20)
        #expect(straight.evaluated.isEmpty)
        // Only 81 candidates exist: more evaluations than that means evicted ones were evaluated again.
        #expect(straight.stats.evaluations > 81, "\(straight.stats)")
        for member in straight.archive.members {
            #expect(member.outcome.objectives! == (try problem.evaluate(member.genome)).outcome.objectives!)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hao-memo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("checkpoint.json")
        var first = try search.initialState()
        try search.run(
            &first, generations: 5,
            afterGeneration: { state in
                try Checkpoint(meta: "m", settings: small, state: state).write(to: file)
            })
        var resumed = try Checkpoint<String, [Int], Int>.read(from: file).state
        try search.run(&resumed, generations: 12)
        #expect(frontierSignature(resumed) == frontierSignature(straight))
        #expect(resumed.population.map(\.genome) == straight.population.map(\.genome))
        #expect(resumed.stats.evaluations == straight.stats.evaluations)
        #expect(resumed.stats.reEvaluations == straight.stats.reEvaluations)
    }
}
