import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor
import HAOSupport
import Testing

@testable import HAOCoDesign

/// A test device for co-design checkpoints (never solved against).
private let testDevice = Device(
    part: "TEST", board: "none", aliases: [], family: .zynqUltraScalePlus,
    resources: Resources(dsp: 1, bram18: 1, lut: 1, ff: 1), clockMHz: 100, ddrBandwidthGBps: 1, sources: [])

/// Distances of `trials` mutations of rank `from` of a gene with `count` choices, counted by
/// distance (index 0: unchanged).
private func mutationDistances(_ problem: CategoricalProblem<Int>, from: Int, count: Int, trials: Int, seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed)
    var histogram = [Int](repeating: 0, count: count)
    for _ in 0..<trials { histogram[abs(problem.mutate([from], using: &rng)[0] - from)] += 1 }
    return histogram
}

/// Schaffer's two-objective problem on an integer lattice: 4 genes of 10 ordered levels, level
/// v standing for x = v / 9; minimise sum x^2 and sum (x - 1)^2. Frontier genomes have nearly
/// equal levels, and a step of one level is a small move on both objectives, so order is the
/// structure to exploit. `relabel[v]` is the label gene value v is stored under (the identity
/// keeps the order; a permutation hides it from the operators without changing the problem).
private func latticeTable(relabel: [Int] = Array(0..<10)) throws -> GroundTruthTable {
    let genes = 4
    let levels = 10
    var genomes: [[Int]] = []
    var objectives: [[Double]] = []
    for code in 0..<10_000 {
        var level: [Int] = []
        var c = code
        for _ in 0..<genes {
            level.append(c % levels)
            c /= levels
        }
        let x = level.map { Double($0) / Double(levels - 1) }
        genomes.append(level.map { relabel[$0] })
        objectives.append([x.map { $0 * $0 }.reduce(0, +), x.map { ($0 - 1) * ($0 - 1) }.reduce(0, +)])
    }
    return try GroundTruthTable(arity: [Int](repeating: levels, count: genes), genomes: genomes, objectives: objectives)
}

@Suite("Ordinal variation operators")
struct OrdinalVariationTests {
    let ordinal = VariationOperators.ordinal(OrdinalVariation(crossoverEta: 3, mutationEta: 3))

    @Test func operatorsStayInsideEachGenesChoices() throws {
        let arity = [1, 2, 3, 5, 7, 2, 3, 4]
        for variation in [ordinal, .ordinal(OrdinalVariation(crossoverEta: 0, mutationEta: 0)), .categorical] {
            let problem = try CategoricalProblem<Int>(arity: arity, objectiveCount: 2, mutationRate: 0.9, variation: variation) { _ in
                .feasible(objectives: [0, 0], payload: 0)
            }
            var rng = SplitMix64(seed: 17)
            var seen = arity.map { Set<Int>(minimumCapacity: $0) }
            for _ in 0..<3000 {
                let a = problem.randomGenome(using: &rng)
                let b = problem.randomGenome(using: &rng)
                let child = problem.mutate(problem.crossover(a, b, using: &rng), using: &rng)
                #expect(zip(child, arity).allSatisfy { $0 >= 0 && $0 < $1 }, "\(variation.name): \(child)")
                for (i, v) in child.enumerated() { seen[i].insert(v) }
            }
            // Every value, the extremes included, is reachable.
            #expect(seen.map(\.count) == arity, "\(variation.name)")
        }
        // Co-design space, with choice lists in an unsorted order: children hold listed values only.
        var space = try shippedSpace()
        space.kernelChoices = [7, 3, 5]
        space.resolutionChoices = [224, 128, 176, 160]
        for variation in [ordinal, .categorical] {
            let problem = try CoDesignProblem(space: space, evaluator: SyntheticEvaluator(), mutationRate: 0.5, variation: variation)
            var rng = SplitMix64(seed: 5)
            for _ in 0..<500 {
                let a = problem.randomGenome(using: &rng)
                let b = problem.randomGenome(using: &rng)
                let child = problem.mutate(problem.crossover(a, b, using: &rng), using: &rng)
                #expect(problem.space.contains(child), "\(variation.name): \(child)")
            }
        }
    }

    @Test func childrenAreDeterministicPerSeed() throws {
        let problem = try CoDesignProblem(space: shippedSpace(), evaluator: SyntheticEvaluator(), variation: ordinal)
        func children(_ seed: UInt64) -> [ArchitecturePoint] {
            var rng = SplitMix64(seed: seed)
            return (0..<50).map { _ in
                let a = problem.randomGenome(using: &rng)
                let b = problem.randomGenome(using: &rng)
                return problem.mutate(problem.crossover(a, b, using: &rng), using: &rng)
            }
        }
        #expect(children(8) == children(8))
        #expect(children(8) != children(9))
        let table = try latticeTable()
        #expect(
            try table.nsga2Ratio(budget: 90, populationSize: 10, seed: 4, variation: ordinal)
                == table.nsga2Ratio(budget: 90, populationSize: 10, seed: 4, variation: ordinal))
    }

    /// Polynomial mutation on a 7-choice gene from its middle rank: a change of one rank is far
    /// more likely than of two, and two than three; a uniform redraw (categorical) spreads
    /// changes evenly (1/3 each), which the same check rejects.
    @Test func ordinalMutationPrefersNeighbours() throws {
        func problem(_ v: VariationOperators) throws -> CategoricalProblem<Int> {
            try CategoricalProblem<Int>(arity: [7], objectiveCount: 2, mutationRate: 1, variation: v) { _ in
                .feasible(objectives: [0, 0], payload: 0)
            }
        }
        func neighbourShare(_ h: [Int]) -> Double { Double(h[1]) / Double(h.dropFirst().reduce(0, +)) }
        let o = mutationDistances(try problem(ordinal), from: 3, count: 7, trials: 20_000, seed: 42)
        // Polynomial mutation's exact probabilities here (eta 3): unchanged 0.313, one rank 0.416,
        // two 0.214, three 0.057, so a neighbour takes 61% of the changes.
        #expect(neighbourShare(o) > 0.55, "\(o)")
        #expect(Double(o[1]) > 1.5 * Double(o[2]) && Double(o[2]) > 2.5 * Double(o[3]), "\(o)")
        #expect(o[1] > 0, "ordinal mutation never moved")
        // From the lowest rank (steps go up only): one rank 0.195, two 0.100, three 0.043, ...;
        // a uniform redraw would give 1/6 to each distance.
        let edge = mutationDistances(try problem(ordinal), from: 0, count: 7, trials: 20_000, seed: 43)
        #expect(neighbourShare(edge) > 0.5, "\(edge)")
        #expect(zip(edge.dropFirst(), edge.dropFirst(2)).allSatisfy { $0 >= $1 }, "\(edge)")
        let c = mutationDistances(try problem(.categorical), from: 3, count: 7, trials: 20_000, seed: 42)
        #expect(c[0] == 0)
        #expect(abs(neighbourShare(c) - 1.0 / 3) < 0.02, "\(c)")
        #expect(!(neighbourShare(c) > 0.55), "the neighbour check would not tell the operators apart")
    }

    /// SBX children of two parents fall between or near them far more often than far outside.
    @Test func ordinalCrossoverKeepsChildrenNearTheirParents() throws {
        let sbx = OrdinalVariation(crossoverEta: 3, mutationEta: 3, geneCrossoverProbability: 1)
        var rng = SplitMix64(seed: 3)
        var histogram = [Int](repeating: 0, count: 11)
        for _ in 0..<20_000 { histogram[sbx.crossGene(4, 6, count: 11, using: &rng)] += 1 }
        let inside = histogram[3...7].reduce(0, +)
        let far = histogram[0...1].reduce(0, +) + histogram[9...10].reduce(0, +)
        #expect(Double(inside) / 20_000 > 0.8, "\(histogram)")
        #expect(far < inside / 20, "\(histogram)")
        // Equal parents give the same value (SBX has no spread without a gap).
        #expect((0..<100).allSatisfy { _ in sbx.crossGene(5, 5, count: 11, using: &rng) == 5 })
    }

    @Test func variationChoiceSurvivesACheckpointRoundTrip() throws {
        let space = try shippedSpace()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hao-variation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("checkpoint.json")
        let settings = NSGA2Settings(populationSize: 6, seed: 2)
        let unusual = VariationOperators.ordinal(OrdinalVariation(crossoverEta: 7.5, mutationEta: 11, geneCrossoverProbability: 0.25))
        for variation in [unusual, .categorical, .ordinal(.standard)] {
            let problem = try CoDesignProblem(space: space, evaluator: SyntheticEvaluator(), variation: variation)
            let state = try NSGA2(problem: problem, settings: settings).initialState()
            let meta = SearchMeta(
                device: testDevice, space: space, predictorPath: "p", predictorName: "p", constraints: SearchConstraints(),
                cap: .standard, solver: .native, generations: 2, mutationRate: 0.1, variation: variation)
            try CoDesignCheckpoint<SyntheticConfiguration>(meta: meta, settings: settings, state: state).write(to: file)
            #expect(try CoDesignCheckpoint<SyntheticConfiguration>.load(from: file).meta.variation == variation)
        }
        // A checkpoint written before the option existed has no "variation": it reads as the
        // categorical operators, the only ones there were, so its resume breeds as it did.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var meta = try #require(object["meta"] as? [String: Any])
        #expect(meta.removeValue(forKey: "variation") != nil)
        object["meta"] = meta
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        #expect(try CoDesignCheckpoint<SyntheticConfiguration>.load(from: file).meta.variation == .categorical)
        // Damaged variation entries are corrupted checkpoints, not silent defaults.
        for damaged: Any in [
            ["kind": "fuzzy"], ["kind": "ordinal", "crossover_eta": -1, "mutation_eta": 3, "gene_crossover_probability": 0.5],
            ["kind": "ordinal", "crossover_eta": 3],
        ] {
            meta["variation"] = damaged
            object["meta"] = meta
            try JSONSerialization.data(withJSONObject: object).write(to: file)
            #expect(throws: SearchError.self) { try CoDesignCheckpoint<SyntheticConfiguration>.load(from: file) }
        }
    }

    @Test func namedOperatorsAndBadSettings() throws {
        #expect(try VariationOperators.named("Ordinal") == .ordinal(.standard))
        #expect(try VariationOperators.named("categorical") == .categorical)
        #expect(
            try VariationOperators.named("ordinal", mutationEta: 20)
                == .ordinal(OrdinalVariation(crossoverEta: OrdinalVariation.standard.crossoverEta, mutationEta: 20)))
        #expect(throws: SearchError.self) { try VariationOperators.named("gaussian") }
        #expect(throws: SearchError.self) { try VariationOperators.named("categorical", crossoverEta: 3) }
        #expect(throws: SearchError.self) { try VariationOperators.named("ordinal", crossoverEta: .nan) }
        #expect(throws: SearchError.self) {
            try CategoricalProblem<Int>(
                arity: [3], objectiveCount: 2, variation: .ordinal(OrdinalVariation(crossoverEta: -1, mutationEta: 3))
            ) { _ in
                .feasible(objectives: [0, 0], payload: 0)
            }
        }
    }
}

@Suite("Ordinal vs categorical operators on an enumerated ordered space")
struct OrdinalQualityTests {
    /// The study's one-run-per-seed curve gives exactly what a run stopped at each budget gives.
    @Test func curveMatchesRunsStoppedAtEachBudget() throws {
        let table = try latticeTable()
        for variation in [VariationOperators.ordinal(.standard), .categorical] {
            let curve = try table.nsga2Curve(maxBudget: 150, populationSize: 12, seed: 6, variation: variation)
            #expect(curve.count == 150)
            for budget in [1, 12, 13, 50, 77, 150] {
                #expect(curve[budget - 1] == (try table.nsga2Ratio(budget: budget, populationSize: 12, seed: 6, variation: variation)))
            }
            #expect(zip(curve, curve.dropFirst()).allSatisfy { $0 <= $1 })
        }
        let curves = QualityCurves(curves: [[0.5, 0.8, 0.9], [0.7, 0.9, 1.0]])
        #expect(curves.evaluationsToReach(0.85) == 2)
        #expect(curves.evaluationsToReach(0.96) == nil)
        #expect(abs(curves.standardDeviation(at: 1) - 0.1414213562) < 1e-9)
    }

    /// On the lattice (10,000 genomes), 40 paired seeds, population 10, budget 200 (2% of the
    /// space): the ordinal operators beat the categorical ones on most seeds and on the mean, and
    /// lose that edge when the levels are relabelled out of order (same problem, order hidden),
    /// which shows the gain comes from using the order. Measured when written: mean ratio 0.9794
    /// ordinal, 0.9710 categorical, ordinal ahead on 37/40 seeds, 0.9663 ordinal on the relabelled
    /// levels; thresholds are about half the gaps.
    @Test func ordinalBeatsCategoricalWhereOrderMatters() throws {
        let seeds = (1...40).map(UInt64.init)
        func ratios(_ table: GroundTruthTable, _ v: VariationOperators) throws -> [Double] {
            try seeds.map { try table.nsga2Ratio(budget: 200, populationSize: 10, seed: $0, variation: v) }
        }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        let ordered = try latticeTable()
        let ordinal = try ratios(ordered, .ordinal(.standard))
        let categorical = try ratios(ordered, .categorical)
        let ahead = zip(ordinal, categorical).filter { $0 > $1 }.count
        #expect(mean(ordinal) > mean(categorical) + 0.004, "ordinal \(mean(ordinal)), categorical \(mean(categorical))")
        #expect(ahead >= 28, "ordinal ahead on \(ahead)/40 seeds")
        let scrambled = try ratios(latticeTable(relabel: [6, 2, 9, 0, 4, 7, 1, 8, 3, 5]), .ordinal(.standard))
        #expect(mean(scrambled) < mean(ordinal) - 0.004, "scrambled \(mean(scrambled)), ordinal \(mean(ordinal))")
    }
}
