import Foundation
import HAOSupport

/// How the search breeds children: the operators that treat genes as unordered categories, or
/// the ones that use the order of each gene's choices.
///
/// Every gene of the shipped spaces is ordered (kernel 3 < 5 < 7, expand ratio 3 < 4 < 6, depth,
/// resolution, bit width 4 < 8; NAS-Bench-Macro's identity < MB3_K3 < MB6_K5), so a child near
/// its parents in that order is a small step in accuracy and cost; categorical operators jump to
/// any other value with equal probability. The choice is stored in co-design checkpoints
/// (`SearchMeta.variation`) so a resumed run breeds exactly as it started.
public enum VariationOperators: Sendable, Hashable {
    /// Uniform crossover (each gene from either parent with probability 1/2) and mutation to a
    /// different value drawn uniformly: the operators used before ordinal ones existed.
    case categorical
    /// SBX crossover and polynomial mutation on each gene's rank, rounded (``OrdinalVariation``).
    case ordinal(OrdinalVariation)

    /// The default of `hao search`, `hao search benchmark` and the library's co-design and
    /// ground-truth problems (``CategoricalProblem`` itself assumes no order unless told):
    /// ordinal, chosen by measurement on NAS-Bench-Macro and checked on the co-design space
    /// (benchmarks/search/ordinal-results.md).
    public static let `default`: VariationOperators = .ordinal(.standard)

    /// The name used on the command line and in checkpoints.
    public var name: String {
        switch self {
        case .categorical: return "categorical"
        case .ordinal: return "ordinal"
        }
    }

    /// The operators named `name` ("ordinal" gets ``OrdinalVariation/standard``), or `nil`.
    public init?(name: String) {
        switch name.lowercased() {
        case "categorical": self = .categorical
        case "ordinal": self = .ordinal(.standard)
        default: return nil
        }
    }

    /// The operators named `name` (ordinal or categorical); for ordinal, distribution indices
    /// other than the standard ones may be given.
    public static func named(_ name: String, crossoverEta: Double? = nil, mutationEta: Double? = nil) throws -> VariationOperators {
        guard let chosen = VariationOperators(name: name) else {
            throw SearchError.invalidSetting("--variation must be ordinal or categorical, got '\(name)'")
        }
        guard case .ordinal(var o) = chosen else {
            if crossoverEta != nil || mutationEta != nil {
                throw SearchError.invalidSetting(
                    "distribution indices (--crossover-eta, --mutation-eta) belong to the ordinal operators, not to categorical ones")
            }
            return chosen
        }
        o.crossoverEta = crossoverEta ?? o.crossoverEta
        o.mutationEta = mutationEta ?? o.mutationEta
        try o.validate()
        return .ordinal(o)
    }

    /// A short description for logs and reports, e.g. "ordinal (SBX eta 3, polynomial mutation eta 3)".
    public var summary: String {
        switch self {
        case .categorical: return "categorical (uniform crossover, uniform redraw)"
        case .ordinal(let o):
            return "ordinal (SBX eta \(Self.format(o.crossoverEta)), polynomial mutation eta \(Self.format(o.mutationEta)))"
        }
    }

    private static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// Throws ``SearchError/invalidSetting(_:)`` when the ordinal operators' parameters are out of range; categorical ones always pass.
    public func validate() throws {
        if case .ordinal(let o) = self { try o.validate() }
    }
}

extension VariationOperators: Codable {
    enum CodingKeys: String, CodingKey {
        case kind
        case crossoverEta = "crossover_eta"
        case mutationEta = "mutation_eta"
        case geneCrossoverProbability = "gene_crossover_probability"
    }

    /// Decodes `{"kind": "categorical"}` or `{"kind": "ordinal", "crossover_eta", "mutation_eta", "gene_crossover_probability"}`;
    /// all three ordinal fields are required, and out-of-range values are a decoding error.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "categorical": self = .categorical
        case "ordinal":
            let o = OrdinalVariation(
                crossoverEta: try c.decode(Double.self, forKey: .crossoverEta),
                mutationEta: try c.decode(Double.self, forKey: .mutationEta),
                geneCrossoverProbability: try c.decode(Double.self, forKey: .geneCrossoverProbability))
            do { try o.validate() } catch {
                throw DecodingError.dataCorruptedError(forKey: .crossoverEta, in: c, debugDescription: "\(error)")
            }
            self = .ordinal(o)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c, debugDescription: "variation '\(kind)' is neither 'ordinal' nor 'categorical'")
        }
    }

    /// Encodes `kind` and, for ordinal operators, their three parameters (see ``init(from:)``).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .kind)
        if case .ordinal(let o) = self {
            try c.encode(o.crossoverEta, forKey: .crossoverEta)
            try c.encode(o.mutationEta, forKey: .mutationEta)
            try c.encode(o.geneCrossoverProbability, forKey: .geneCrossoverProbability)
        }
    }
}

/// Crossover and mutation for ordered integer genes: a gene with `count` choices is its rank
/// 0..<count, treated as a real number in [0, count - 1], varied there and rounded back.
///
/// - Crossover: simulated binary crossover, SBX (K. Deb and R. B. Agrawal, "Simulated binary
///   crossover for continuous search space", Complex Systems 9(2):115-148, 1995), in its bounded
///   form (children stay inside the gene's range; the spread factor's distribution is truncated
///   at the bounds, as in Deb's NSGA-II reference code). Children fall near the parents, more
///   tightly the larger the distribution index `crossoverEta`.
/// - Mutation: polynomial mutation (K. Deb and M. Goyal, "A combined genetic adaptive search
///   (GeneAS) for engineering design", Computer Science and Informatics 26(4):30-45, 1996), bounded
///   form: the perturbation's density falls off polynomially with distance, with index `mutationEta`.
///
/// Rounding means a mutation can land back on the same rank (no change); small steps are far more
/// likely than large ones, which is the point. Implemented from the published definitions.
public struct OrdinalVariation: Sendable, Hashable {
    /// SBX distribution index (eta_c): larger keeps children closer to their parents.
    public var crossoverEta: Double
    /// Polynomial-mutation distribution index (eta_m): larger makes smaller perturbations.
    public var mutationEta: Double
    /// Probability that SBX is applied to a gene whose parents differ (otherwise the child keeps
    /// its first parent's value). 0.5 is the value of Deb's reference code.
    public var geneCrossoverProbability: Double

    /// The chosen setting: eta 3 for both, pymoo's recipe for integer variables; 10 and 20 (Deb's
    /// NSGA-II default) needed more evaluations on NAS-Bench-Macro and 1 was no better
    /// (benchmarks/search/ordinal-results.md).
    public static let standard = OrdinalVariation(crossoverEta: 3, mutationEta: 3)

    /// Creates operators from their fields; `geneCrossoverProbability` defaults to 0.5. Call ``validate()`` before use.
    public init(crossoverEta: Double, mutationEta: Double, geneCrossoverProbability: Double = 0.5) {
        self.crossoverEta = crossoverEta
        self.mutationEta = mutationEta
        self.geneCrossoverProbability = geneCrossoverProbability
    }

    /// Throws ``SearchError/invalidSetting(_:)`` unless both distribution indices are finite and in 0...1000 and the per-gene
    /// crossover probability is in 0...1.
    public func validate() throws {
        for (label, eta) in [("crossover", crossoverEta), ("mutation", mutationEta)] where !(eta.isFinite && eta >= 0 && eta <= 1000) {
            throw SearchError.invalidSetting("the \(label) distribution index must be a number in 0...1000, got \(eta)")
        }
        guard geneCrossoverProbability >= 0, geneCrossoverProbability <= 1 else {
            throw SearchError.invalidSetting("the per-gene crossover probability must be in [0, 1], got \(geneCrossoverProbability)")
        }
    }

    /// One child of two genomes of ranks; `counts[i]` is the number of choices of gene i.
    public func crossover(_ a: [Int], _ b: [Int], counts: [Int], using rng: inout SplitMix64) -> [Int] {
        a.indices.map { crossGene(a[$0], b[$0], count: counts[$0], using: &rng) }
    }

    /// Each gene with more than one choice is perturbed with probability `rate`.
    public func mutate(_ genome: [Int], counts: [Int], rate: Double, using rng: inout SplitMix64) -> [Int] {
        var g = genome
        for i in g.indices where counts[i] > 1 && rng.nextUnit() < rate {
            g[i] = mutateGene(g[i], count: counts[i], using: &rng)
        }
        return g
    }

    /// SBX on one gene: one of the two SBX children (each with probability 1/2), rounded.
    public func crossGene(_ a: Int, _ b: Int, count: Int, using rng: inout SplitMix64) -> Int {
        guard count > 1, a != b, rng.nextUnit() < geneCrossoverProbability else { return a }
        let x1 = Double(min(a, b))
        let x2 = Double(max(a, b))
        let lower = 0.0
        let upper = Double(count - 1)
        let gap = x2 - x1
        let u = rng.nextUnit()
        let exponent = 1 / (crossoverEta + 1)
        // Spread factor beta_q for a child on the side whose bound leaves room `beta` (in units of
        // half the parents' gap): the SBX density, truncated so the child stays inside the bound.
        func spread(_ beta: Double) -> Double {
            let alpha = 2 - pow(beta, -(crossoverEta + 1))
            return u <= 1 / alpha ? pow(u * alpha, exponent) : pow(1 / (2 - u * alpha), exponent)
        }
        let child =
            rng.nextUnit() < 0.5
            ? 0.5 * (x1 + x2 - spread(1 + 2 * (x1 - lower) / gap) * gap)
            : 0.5 * (x1 + x2 + spread(1 + 2 * (upper - x2) / gap) * gap)
        return Self.round(child, count: count)
    }

    /// Polynomial mutation of one gene (always perturbs; the caller applies the rate), rounded.
    public func mutateGene(_ value: Int, count: Int, using rng: inout SplitMix64) -> Int {
        guard count > 1 else { return value }
        let range = Double(count - 1)
        let y = Double(value)
        let below = y / range
        let above = (range - y) / range  // distances to the bounds, as fractions
        let u = rng.nextUnit()
        let power = mutationEta + 1
        let delta: Double
        if u < 0.5 {
            delta = pow(2 * u + (1 - 2 * u) * pow(1 - below, power), 1 / power) - 1
        } else {
            delta = 1 - pow(2 * (1 - u) + 2 * (u - 0.5) * pow(1 - above, power), 1 / power)
        }
        return Self.round(y + delta * range, count: count)
    }

    /// The nearest rank, clamped to the gene's range.
    static func round(_ x: Double, count: Int) -> Int {
        guard x.isFinite else { return 0 }
        return min(count - 1, max(0, Int(x.rounded())))
    }
}
