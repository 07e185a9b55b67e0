import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor

/// The checkpoint of a co-design search.
public typealias CoDesignCheckpoint<Configuration: Sendable & Hashable & Codable> = Checkpoint<
    SearchMeta, ArchitecturePoint, CandidateMetrics<Configuration>
>

/// What is wrong inside a structurally valid checkpoint (reported as a corrupted checkpoint).
struct CheckpointContentProblem: Error, CustomStringConvertible {
    var description: String
}

extension Checkpoint where Meta == SearchMeta, Genome == ArchitecturePoint, Payload: ScoredCandidate {
    /// Reads a co-design checkpoint and checks its contents against its own space and settings
    /// (see ``checkContents()``); any problem is a ``SearchError/corruptCheckpoint(path:detail:)``.
    public static func load(from url: URL) throws -> Self {
        try read(from: url, validate: { try $0.checkContents() })
    }

    /// Checks what the JSON structure cannot: every genome (population, evaluated candidates,
    /// archive) is a point of the checkpoint's space, the memo and archive hold canonical points,
    /// every population member has a recorded evaluation, scored candidates carry the two finite
    /// objectives the search uses (-top-1, latency), and the generation count is within the run's.
    /// A hand-edited genome outside the space would otherwise resume and fail generations later.
    public func checkContents() throws {
        func fail(_ s: String) -> CheckpointContentProblem { CheckpointContentProblem(description: s) }
        let space = meta.space
        func canonical(_ p: ArchitecturePoint) -> ArchitecturePoint {
            var c = space.canonical(p)
            if meta.bitsMode == .optimal, let widest = space.bitChoices.max() { c.bits = c.bits.map { _ in widest } }
            return c
        }
        func checkPoint(_ p: ArchitecturePoint, _ label: String) throws {
            do { try space.check(p) } catch { throw fail("\(label) is outside the space '\(space.name)': \(error)") }
        }
        func checkOutcome(_ o: Outcome<Payload>, _ label: String) throws {
            switch o {
            case .infeasible(let reason, let violation):
                guard violation.isFinite, violation >= 0 else {
                    throw fail("\(label): violation \(violation) is not a finite non-negative number (\(reason))")
                }
            case .feasible(let objectives, let m):
                guard objectives.count == 2, objectives.allSatisfy(\.isFinite), m.top1.isFinite, m.latencyMs.isFinite, m.latencyMs > 0
                else {
                    throw fail(
                        "\(label): a scored candidate needs 2 finite objectives and a positive latency, found objectives \(objectives), latency \(m.latencyMs) ms"
                    )
                }
                guard (0...100).contains(m.top1), m.latencyMs < 1e9 else {
                    throw fail(
                        "\(label): top-1 \(m.top1)% or latency \(m.latencyMs) ms is outside what a network can have (top-1 0...100, latency below 1e9 ms)"
                    )
                }
                guard objectives[0] == -m.top1, objectives[1] == m.latencyMs else {
                    throw fail("\(label): objectives \(objectives) disagree with its top-1 \(m.top1) and latency \(m.latencyMs) ms")
                }
                if let bits = m.bits {
                    guard bits.count == ArchitecturePoint.slotCount, bits.allSatisfy(space.bitChoices.contains) else {
                        throw fail(
                            "\(label): chosen bit widths \(bits) are not \(ArchitecturePoint.slotCount) values of \(space.bitChoices)")
                    }
                }
            }
        }
        guard state.generation <= meta.generations else {
            throw fail("generation \(state.generation) is past the \(meta.generations) generations the run asked for")
        }
        for (i, entry) in state.evaluated.enumerated() {
            try checkPoint(entry.genome, "evaluated candidate \(i)")
            guard canonical(entry.genome) == entry.genome else {
                throw fail("evaluated candidate \(i) is not in canonical form (inactive slots must hold the first choices)")
            }
            try checkOutcome(entry.outcome, "evaluated candidate \(i)")
        }
        for (i, member) in state.population.enumerated() {
            try checkPoint(member.genome, "population member \(i)")
            // With a kept history every member's score is recorded there (a bounded memo keeps
            // the population's scores in the population itself).
            guard !settings.keepsHistory || state.cached(canonical(member.genome)) != nil else {
                throw fail("population member \(i) has no recorded evaluation")
            }
            try checkOutcome(member.outcome, "population member \(i)")
        }
        for (i, member) in state.archive.members.enumerated() {
            try checkPoint(member.genome, "archive member \(i)")
            guard member.outcome.isFeasible else { throw fail("archive member \(i) is infeasible; the archive holds feasible points only") }
            try checkOutcome(member.outcome, "archive member \(i)")
        }
        let objectives = state.archive.members.map { $0.outcome.objectives! }
        for (i, a) in objectives.enumerated() {
            for (j, b) in objectives.enumerated() where i != j && (Pareto.dominates(b, a) || (a == b && j < i)) {
                throw fail("archive member \(i) is dominated by (or equal to) member \(j); the archive holds non-dominated points only")
            }
        }
    }
}
