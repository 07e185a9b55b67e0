import ArgumentParser
import Foundation
import HAOEvolution

/// `hao search benchmark`: search quality against an enumerated ground truth.
struct SearchBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure search quality on NAS-Bench-Macro: hypervolume ratio reached by NSGA-II and by random search at equal evaluation budgets.",
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
    @Option(name: .long, help: "Comma-separated evaluation budgets (default: 100,200,400,800).")
    var budgets: String = "100,200,400,800"
    @Option(name: .long, parsing: .unconditional, help: "Seeds per budget (default: 10).")
    var seeds: Int = 10
    @Option(name: .long, parsing: .unconditional, help: "NSGA-II population (default: 20).")
    var population: Int = 20

    /// `hao search` also has --population, and the parser gives a value written after
    /// `benchmark` to it; this command reads it from there (it was silently ignored).
    @ParentCommand var search: SearchCommand

    /// The population asked for, wherever the parser put it.
    var effectivePopulation: Int { search.population ?? population }

    func validate() throws {
        guard (1...1000).contains(seeds) else { throw ValidationError("--seeds must be in 1...1000, got \(seeds)") }
        guard (2...6561).contains(effectivePopulation) else { throw ValidationError("--population must be in 2...6561 (the space's size), got \(effectivePopulation)") }
        let list = budgets.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0.map { (1...6561).contains($0) } ?? false }) else {
            throw ValidationError("--budgets must be a comma-separated list of integers in 1...6561 (the space's size), got '\(budgets)'")
        }
    }

    func run() throws {
        do {
            let table = try GroundTruthTable.nasBenchMacro(csv: URL(fileURLWithPath: data))
            let list = budgets.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty, list.allSatisfy({ $0 > 0 }), seeds >= 1 else {
                throw SearchError.invalidSetting("--budgets must list positive integers and --seeds must be at least 1")
            }
            try emit("NAS-Bench-Macro: \(table.genomes.count) networks, exact frontier \(table.exactFrontier.count) points (accuracy vs FLOPs).")
            try emit("budget  share   NSGA-II HV ratio (mean +- sd, min)   random HV ratio (mean +- sd, min)   NSGA-II better in")
            for budget in list {
                let seedList = (1...seeds).map { UInt64($0) }
                let nsga = try seedList.map { try table.nsga2Ratio(budget: budget, populationSize: effectivePopulation, seed: $0) }
                let random = seedList.map { table.randomSearchRatio(budget: budget, seed: $0 &+ 1000) }
                func stats(_ v: [Double]) -> String {
                    let m = v.reduce(0, +) / Double(v.count)
                    let sd = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(1, v.count - 1))).squareRoot()
                    return String(format: "%.4f +- %.4f, %.4f", m, sd, v.min()!)
                }
                let wins = zip(nsga, random).filter { $0 > $1 }.count
                try emit(String(format: "%6d  %5.1f%%  %-35@  %-35@  %d/%d seeds", budget, 100 * Double(budget) / Double(table.genomes.count),
                             stats(nsga), stats(random), wins, seeds))
            }
        } catch let error as SearchError {
            throw CLIError(error.description)
        }
    }
}
