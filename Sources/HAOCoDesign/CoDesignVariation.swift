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

extension CoDesignProblem {
    /// The ordered choice lists of the five kinds of gene.
    private var orderedChoices: (depth: OrderedChoices, kernel: OrderedChoices, expand: OrderedChoices, bits: OrderedChoices, resolution: OrderedChoices) {
        (OrderedChoices(space.depthChoices), OrderedChoices(space.kernelChoices), OrderedChoices(space.expandChoices),
         OrderedChoices(space.bitChoices), OrderedChoices(space.resolutionChoices))
    }

    /// SBX gene by gene, in the same gene order as the categorical crossover.
    func ordinalCrossover(_ a: ArchitecturePoint, _ b: ArchitecturePoint, _ o: OrdinalVariation,
                          using rng: inout SplitMix64) -> ArchitecturePoint {
        let lists = orderedChoices
        func cross(_ x: Int, _ y: Int, _ list: OrderedChoices, _ rng: inout SplitMix64) -> Int {
            list.value(o.crossGene(list.rank(x), list.rank(y), count: list.count, using: &rng))
        }
        var c = a
        for s in c.depths.indices { c.depths[s] = cross(a.depths[s], b.depths[s], lists.depth, &rng) }
        for i in c.kernels.indices {
            c.kernels[i] = cross(a.kernels[i], b.kernels[i], lists.kernel, &rng)
            c.expandRatios[i] = cross(a.expandRatios[i], b.expandRatios[i], lists.expand, &rng)
            c.bits[i] = cross(a.bits[i], b.bits[i], lists.bits, &rng)
        }
        c.resolution = cross(a.resolution, b.resolution, lists.resolution, &rng)
        return c
    }

    /// Polynomial mutation of each gene's rank with probability `mutationRate`.
    func ordinalMutate(_ point: ArchitecturePoint, _ o: OrdinalVariation, using rng: inout SplitMix64) -> ArchitecturePoint {
        let lists = orderedChoices
        func perturb(_ value: Int, _ list: OrderedChoices, _ rng: inout SplitMix64) -> Int {
            guard list.count > 1, rng.nextUnit() < mutationRate else { return value }
            return list.value(o.mutateGene(list.rank(value), count: list.count, using: &rng))
        }
        var p = point
        for s in p.depths.indices { p.depths[s] = perturb(p.depths[s], lists.depth, &rng) }
        for i in p.kernels.indices {
            p.kernels[i] = perturb(p.kernels[i], lists.kernel, &rng)
            p.expandRatios[i] = perturb(p.expandRatios[i], lists.expand, &rng)
            p.bits[i] = perturb(p.bits[i], lists.bits, &rng)
        }
        p.resolution = perturb(p.resolution, lists.resolution, &rng)
        return p
    }
}
