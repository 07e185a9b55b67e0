import HAOEvolution
import HAOPredictor
import HAOSupport

// Ordinal variation of the co-design space. Every gene holds a value of an ordered choice list:
// stage depth (2 < 3 < 4), kernel (3 < 5 < 7), expand ratio (3 < 4 < 6), bit width (4 < 8) and
// resolution (128 < ... < 224). Bigger values mean more compute and, mostly, more accuracy, so a
// child near its parents in that order is a small step on both objectives. The operators work on
// the rank of a value in its sorted list (equal steps between neighbours: expand 4 is as far from
// 3 as from 6), which is what "ordinal" promises and no more.

/// A choice list in ascending order, mapping values to ranks and back.
struct OrderedChoices {
    let sorted: [Int]

    init(_ choices: [Int]) { sorted = Array(Set(choices)).sorted() }

    var count: Int { sorted.count }

    /// The rank of `value`; a value outside the list (the search never makes one; the space's
    /// check rejects it in checkpoints) maps to the nearest choice.
    func rank(_ value: Int) -> Int {
        if let i = sorted.firstIndex(of: value) { return i }
        return sorted.indices.min { abs(sorted[$0] - value) < abs(sorted[$1] - value) } ?? 0
    }

    func value(_ rank: Int) -> Int { sorted[rank] }
}

/// The kinds of gene of a point of the co-design space.
enum GeneKind: CaseIterable {
    case depth, kernel, expand, bits, resolution
}

extension SearchSpace {
    /// The choice list of a kind of gene.
    func choices(of kind: GeneKind) -> [Int] {
        switch kind {
        case .depth: return depthChoices
        case .kernel: return kernelChoices
        case .expand: return expandChoices
        case .bits: return bitChoices
        case .resolution: return resolutionChoices
        }
    }
}

extension CoDesignProblem {
    /// A child whose every gene is `body(kind, a's gene, b's gene)`, visited in the one fixed order
    /// all variation operators use (the random draws, and so resumed runs, depend on it): stage
    /// depths, then each slot's kernel, expand ratio and bit width, then the resolution.
    static func mapGenes(_ a: ArchitecturePoint, _ b: ArchitecturePoint, _ body: (GeneKind, Int, Int) -> Int) -> ArchitecturePoint {
        var c = a
        for s in c.depths.indices { c.depths[s] = body(.depth, a.depths[s], b.depths[s]) }
        for i in c.kernels.indices {
            c.kernels[i] = body(.kernel, a.kernels[i], b.kernels[i])
            c.expandRatios[i] = body(.expand, a.expandRatios[i], b.expandRatios[i])
            c.bits[i] = body(.bits, a.bits[i], b.bits[i])
        }
        c.resolution = body(.resolution, a.resolution, b.resolution)
        return c
    }

    /// SBX gene by gene, in the same gene order as the categorical crossover.
    func ordinalCrossover(
        _ a: ArchitecturePoint, _ b: ArchitecturePoint, _ o: OrdinalVariation,
        using rng: inout SplitMix64
    ) -> ArchitecturePoint {
        let lists = Dictionary(uniqueKeysWithValues: GeneKind.allCases.map { ($0, OrderedChoices(space.choices(of: $0))) })
        return Self.mapGenes(a, b) { kind, x, y in
            let list = lists[kind]!
            return list.value(o.crossGene(list.rank(x), list.rank(y), count: list.count, using: &rng))
        }
    }

    /// Polynomial mutation of each gene's rank with probability `mutationRate`.
    func ordinalMutate(_ point: ArchitecturePoint, _ o: OrdinalVariation, using rng: inout SplitMix64) -> ArchitecturePoint {
        let lists = Dictionary(uniqueKeysWithValues: GeneKind.allCases.map { ($0, OrderedChoices(space.choices(of: $0))) })
        return Self.mapGenes(point, point) { kind, value, _ in
            let list = lists[kind]!
            guard list.count > 1, rng.nextUnit() < mutationRate else { return value }
            return list.value(o.mutateGene(list.rank(value), count: list.count, using: &rng))
        }
    }
}
