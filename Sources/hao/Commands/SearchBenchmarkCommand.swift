import ArgumentParser
import Foundation
import HAOCoDesign
import HAOEvolution

/// `hao search benchmark`: search quality against an enumerated ground truth.
struct SearchBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract:
            "Measure search quality on NAS-Bench-Macro: hypervolume ratio reached by NSGA-II and by random search at equal evaluation budgets.",
        // The generated usage line lists every option on one 109-column line; this one fits 80.
        usage: "hao search benchmark --data <csv> [<options>]",
        discussion: """
            The 6,561 networks of NAS-Bench-Macro (8 layers x {identity, MB3_K3,
            MB6_K5}, real CIFAR-10 accuracy) are enumerated to get the exact
            accuracy-FLOPs frontier; each search gets the same number of distinct
            evaluations. Objectives are normalised by the space's own range,
            reference point (1.1, 1.1).

            Example:
              hao search benchmark --data nasbench_macro_cifar10.csv \\
                --budgets 100,200,400 --seeds 10
            """
    )

    @Option(name: .long, help: "NAS-Bench-Macro CSV (arch, layer0..layer7, mean_acc, flops columns).")
    var data: String
    @Option(name: .long, help: "Comma-separated evaluation budgets.")
    var budgets: String = "100,200,400,800"
    @Option(name: .long, parsing: .unconditional, help: "Seeds per budget.")
    var seeds: Int = 10
    @Option(name: .long, help: "First seed; seeds run from it upwards.")
    var firstSeed: UInt64 = 1
    @OptionGroup var shared: SearchSharedOptions  // --population, --variation
    static let defaultPopulation = 10
    private var population: Int { shared.population ?? Self.defaultPopulation }
    private var variation: String { shared.variation ?? VariationOperators.default.name }
    @Option(name: .long, help: "SBX distribution index of the ordinal operators (default: \(OrdinalVariation.standard.crossoverEta)).")
    var crossoverEta: Double?
    @Option(
        name: .long,
        help: "Polynomial-mutation distribution index of the ordinal operators (default: \(OrdinalVariation.standard.mutationEta)).")
    var mutationEta: Double?
    @Option(
        name: .long,
        help:
            "Per-gene mutation probability (default: 2/8 with ordinal operators, whose polynomial mutation mostly rounds back to the same choice of a 3-choice gene; 1/8 with categorical ones)."
    )
    var mutationRate: Double?
    @Option(name: .long, help: "Mean HV ratio whose first budget is reported.")
    var target: Double = 0.99

    func validate() throws {
        guard (1...1000).contains(seeds) else { throw ValidationError("--seeds must be in 1...1000, got \(seeds)") }
        guard (2...6561).contains(population) else {
            throw ValidationError("--population must be in 2...6561 (the space's size), got \(population)")
        }
        let list = budgets.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0.map { (1...6561).contains($0) } ?? false }) else {
            throw ValidationError("--budgets must be a comma-separated list of integers in 1...6561 (the space's size), got '\(budgets)'")
        }
    }

    func run() throws {
        do {
            let ops = try VariationOperators.named(variation, crossoverEta: crossoverEta, mutationEta: mutationEta)
            let table = try GroundTruthTable.nasBenchMacro(csv: URL(fileURLWithPath: data))
            let list = budgets.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty, list.allSatisfy({ $0 > 0 }), seeds >= 1, seeds <= 100_000 else {
                throw SearchError.invalidSetting("--budgets must list positive integers and --seeds must be in 1...100000")
            }
            guard list.max()! <= table.genomes.count else {
                throw SearchError.invalidSetting(
                    "--budgets may not exceed the \(table.genomes.count) networks of the space, got \(list.max()!)")
            }
            guard target > 0, target <= 1 else { throw SearchError.invalidSetting("--target must be in (0, 1], got \(target)") }
            guard firstSeed <= UInt64.max - UInt64(seeds) - 1000 else { throw SearchError.invalidSetting("--first-seed is too large") }
            let seedList = (0..<UInt64(seeds)).map { firstSeed + $0 }
            // Chosen by measurement (benchmarks/search/ordinal-results.md): 2 of 8 genes for ordinal, 1 for categorical.
            let rate = mutationRate ?? (ops == .categorical ? nil : 2 / Double(table.arity.count))
            let curves = QualityCurves(
                curves: try seedList.map {
                    try table.nsga2Curve(maxBudget: list.max()!, populationSize: population, seed: $0, mutationRate: rate, variation: ops)
                })
            try emit(
                "NAS-Bench-Macro: \(table.genomes.count) networks, exact frontier \(table.exactFrontier.count) points (accuracy vs FLOPs).")
            try emit(
                "NSGA-II: population \(population), \(ops.summary), mutation rate \(mutationRate.map { "\($0)" } ?? (ops == .categorical ? "1/8" : "2/8")), seeds \(firstSeed)-\(seedList.last!)."
            )
            try emit("budget  share   NSGA-II HV ratio (mean +- sd, min)   random HV ratio (mean +- sd, min)   NSGA-II better in")
            for budget in list {
                let nsga = curves.values(at: budget)
                let random = seedList.map { table.randomSearchRatio(budget: budget, seed: $0 &+ 1000) }
                func stats(_ v: [Double]) -> String {
                    let m = v.reduce(0, +) / Double(v.count)
                    let sd = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(1, v.count - 1))).squareRoot()
                    return String(format: "%.4f +- %.4f, %.4f", m, sd, v.min()!)
                }
                let wins = zip(nsga, random).filter { $0 > $1 }.count
                try emit(
                    String(
                        format: "%6d  %5.1f%%  %-35@  %-35@  %d/%d seeds", budget, 100 * Double(budget) / Double(table.genomes.count),
                        stats(nsga), stats(random), wins, seeds))
            }
            if let reached = curves.evaluationsToReach(target) {
                try emit("Mean NSGA-II HV ratio reaches \(target) after \(reached) distinct evaluations.")
            } else {
                try emit(
                    String(
                        format: "Mean NSGA-II HV ratio stays below %@ within %d distinct evaluations (%.4f there).",
                        "\(target)", curves.maxBudget, curves.mean(at: curves.maxBudget)))
            }
        } catch let error as SearchError {
            throw CLIError(error.description)
        }
    }
}
