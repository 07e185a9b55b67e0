/// One evaluated candidate.
public struct Individual<Genome: Hashable & Codable & Sendable, Payload: Codable & Sendable>: Codable, Sendable {
    /// The candidate as the problem encodes it (canonical when produced by the search).
    public var genome: Genome
    /// The verdict: objective values when feasible, or why not.
    public var outcome: Outcome<Payload>

    /// Creates an individual from its genome and outcome.
    public init(genome: Genome, outcome: Outcome<Payload>) {
        self.genome = genome
        self.outcome = outcome
    }
}

/// Every non-dominated feasible point seen so far.
///
/// Invariant: no member dominates another, and no two members have the same objective vector
/// (the first one seen is kept, so a run's archive is the same whatever the thread count).
/// Infeasible candidates are never admitted.
public struct ParetoArchive<Genome: Hashable & Codable & Sendable, Payload: Codable & Sendable>: Codable, Sendable {
    /// The archive's members in insertion order (see ``sorted`` for objective order).
    public private(set) var members: [Individual<Genome, Payload>] = []

    /// Creates an empty archive.
    public init() {}

    /// Offers a candidate. Returns whether it entered the archive; members it dominates leave.
    @discardableResult
    public mutating func insert(_ candidate: Individual<Genome, Payload>) -> Bool {
        guard let objectives = candidate.outcome.objectives else { return false }
        for member in members {
            let other = member.outcome.objectives!
            if other == objectives || Pareto.dominates(other, objectives) { return false }
        }
        members.removeAll { Pareto.dominates(objectives, $0.outcome.objectives!) }
        members.append(candidate)
        return true
    }

    /// Members sorted by their first objective, then the second, and so on.
    public var sorted: [Individual<Genome, Payload>] {
        members.sorted { $0.outcome.objectives!.lexicographicallyPrecedes($1.outcome.objectives!) }
    }

    /// Number of members.
    public var count: Int { members.count }
    /// Whether no feasible candidate has been admitted yet.
    public var isEmpty: Bool { members.isEmpty }
}
