import HAOSupport

/// A problem over fixed-length genomes of categorical genes (gene i takes a value in
/// `0..<arity[i]`), scored by a function. Small enumerable spaces (NAS-Bench-Macro, tests) use it.
public struct CategoricalProblem<Payload: Codable & Sendable>: SearchProblem {
    /// One value index per gene, gene `i` in `0..<arity[i]`.
    public typealias Genome = [Int]

    /// Number of values of each gene (each at least 1); its length is the genome length.
    public let arity: [Int]
    /// Number of objectives the score function returns (at least 1), all minimised.
    public let objectiveCount: Int
    /// Probability that a gene is changed by mutation.
    public let mutationRate: Double
    /// Crossover and mutation operators. `.ordinal` treats gene values `0..<arity[i]` as ordered.
    public let variation: VariationOperators
    private let score: @Sendable ([Int]) throws -> Outcome<Payload>

    /// - Parameters:
    ///   - mutationRate: per-gene probability; `nil` means 1 / genome length (the usual choice
    ///     for short genomes: one change per child on average).
    ///   - variation: `.categorical` (the default: nothing is assumed about the values) or
    ///     `.ordinal` when a gene's values are ordered.
    public init(
        arity: [Int], objectiveCount: Int, mutationRate: Double? = nil, variation: VariationOperators = .categorical,
        score: @escaping @Sendable ([Int]) throws -> Outcome<Payload>
    ) throws {
        guard !arity.isEmpty, arity.allSatisfy({ $0 >= 1 }) else {
            throw SearchError.invalidSetting("every gene needs at least one value, got arities \(arity)")
        }
        guard objectiveCount >= 1 else { throw SearchError.invalidSetting("at least one objective is needed") }
        let rate = mutationRate ?? 1.0 / Double(arity.count)
        guard rate > 0, rate <= 1 else { throw SearchError.invalidSetting("mutation rate must be in (0, 1], got \(rate)") }
        try variation.validate()
        self.variation = variation
        self.arity = arity
        self.objectiveCount = objectiveCount
        self.mutationRate = rate
        self.score = score
    }

    /// Each gene drawn uniformly from its values.
    public func randomGenome(using rng: inout SplitMix64) -> [Int] { arity.map { rng.nextIndex($0) } }

    /// With ``VariationOperators/categorical``, each gene from either parent with probability 1/2; with ordinal operators,
    /// SBX on the genes' ranks (``OrdinalVariation/crossover(_:_:counts:using:)``).
    public func crossover(_ a: [Int], _ b: [Int], using rng: inout SplitMix64) -> [Int] {
        if case .ordinal(let o) = variation { return o.crossover(a, b, counts: arity, using: &rng) }
        return zip(a, b).map { rng.nextUnit() < 0.5 ? $0 : $1 }
    }

    /// With ``VariationOperators/categorical``, each gene with more than one value changes with probability ``mutationRate``
    /// to a different value drawn uniformly; with ordinal operators, polynomial mutation of the ranks.
    public func mutate(_ genome: [Int], using rng: inout SplitMix64) -> [Int] {
        if case .ordinal(let o) = variation { return o.mutate(genome, counts: arity, rate: mutationRate, using: &rng) }
        var g = genome
        for i in g.indices where arity[i] > 1 && rng.nextUnit() < mutationRate {
            g[i] = (g[i] + 1 + rng.nextIndex(arity[i] - 1)) % arity[i]  // a different value, uniformly
        }
        return g
    }

    /// The genome itself: every genome of a categorical problem is a distinct candidate.
    public func canonical(_ genome: [Int]) -> [Int] { genome }

    /// Calls the score function; rethrows what it throws. No phases are timed.
    public func evaluate(_ genome: [Int]) throws -> EvaluationRecord<Payload> {
        EvaluationRecord(outcome: try score(genome))
    }
}
