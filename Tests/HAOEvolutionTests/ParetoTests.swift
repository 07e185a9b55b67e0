import HAOSupport
import Testing

@testable import HAOEvolution

@Suite("Pareto sorting, crowding, hypervolume")
struct ParetoTests {
    @Test func nonDominatedSortOnHandMadeSet() {
        let points: [[Double]] = [
            [1, 5], [2, 3], [4, 1],  // first front
            [3, 4],  // dominated by [2, 3] only
            [5, 5],  // dominated by [3, 4] (and others)
            [2, 3],  // a duplicate: equal points do not dominate each other
        ]
        #expect(Pareto.nonDominatedFronts(points) == [[0, 1, 2, 5], [3], [4]])
        #expect(Pareto.nonDominatedIndices(points) == [0, 1, 2, 5])
    }

    @Test func dominanceIsStrict() {
        #expect(Pareto.dominates([1, 2], [1, 3]))
        #expect(!Pareto.dominates([1, 2], [1, 2]))
        #expect(!Pareto.dominates([1, 3], [2, 2]))
    }

    @Test func crowdingOnHandMadeFront() {
        // Spreads: first objective 1...4 (range 3), second 1...5 (range 4).
        let front: [[Double]] = [[1, 5], [2, 3], [3, 2], [4, 1]]
        let d = Pareto.crowdingDistances(front)
        #expect(d[0] == .infinity && d[3] == .infinity)
        #expect(abs(d[1] - (2.0 / 3 + 3.0 / 4)) < 1e-12)
        #expect(abs(d[2] - (2.0 / 3 + 2.0 / 4)) < 1e-12)
        #expect(Pareto.crowdingDistances([[1, 1], [2, 0]]) == [.infinity, .infinity])
    }

    @Test func constraintDomination() {
        let good = Outcome<Int>.feasible(objectives: [5, 5], payload: 0)
        let better = Outcome<Int>.feasible(objectives: [4, 5], payload: 0)
        let nearly = Outcome<Int>.infeasible(reason: "slow", violation: 0.1)
        let far = Outcome<Int>.infeasible(reason: "slower", violation: 2)
        #expect(Pareto.constrainedDominates(good, nearly))
        #expect(!Pareto.constrainedDominates(nearly, good))
        #expect(Pareto.constrainedDominates(nearly, far))
        #expect(!Pareto.constrainedDominates(far, nearly))
        #expect(Pareto.constrainedDominates(better, good))
        #expect(!Pareto.constrainedDominates(good, better))
    }

    @Test func hypervolumeOnHandMadeSet() {
        #expect(Pareto.hypervolume2D([[1, 2], [2, 1]], reference: [3, 3]) == 3)
        // A dominated point and one outside the reference box add nothing.
        #expect(Pareto.hypervolume2D([[1, 2], [2, 1], [2, 2], [0, 4]], reference: [3, 3]) == 3)
        #expect(Pareto.hypervolume2D([], reference: [3, 3]) == 0)
    }

    @Test func sweepMatchesQuadraticNonDominatedFilter() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<50 {
            let points = (0..<60).map { _ in [Double(rng.nextIndex(8)), Double(rng.nextIndex(8))] }
            let slow = points.indices.filter { i in !points.indices.contains { Pareto.dominates(points[$0], points[i]) } }
            #expect(Pareto.nonDominatedIndices(points) == slow)
        }
    }

    @Test func archiveNeverHoldsADominatedPoint() {
        var rng = SplitMix64(seed: 42)
        for trial in 0..<30 {
            var archive = ParetoArchive<Int, Int>()
            var inserted: [[Double]] = []
            for i in 0..<200 {
                // A coarse grid makes ties and duplicates common; some candidates are infeasible.
                let point = [Double(rng.nextIndex(12)), Double(rng.nextIndex(12))]
                let outcome: Outcome<Int> =
                    rng.nextIndex(10) == 0
                    ? .infeasible(reason: "test", violation: 1) : .feasible(objectives: point, payload: i)
                archive.insert(Individual(genome: trial * 1000 + i, outcome: outcome))
                if outcome.isFeasible { inserted.append(point) }
                let members = archive.members.map { $0.outcome.objectives! }
                for a in members { for b in members { #expect(!Pareto.dominates(a, b)) } }
                #expect(Set(members).count == members.count)
            }
            // It holds exactly the distinct non-dominated points of everything offered.
            let expected = Set(Pareto.nonDominatedIndices(inserted).map { inserted[$0] })
            #expect(Set(archive.members.map { $0.outcome.objectives! }) == expected)
        }
    }
}
