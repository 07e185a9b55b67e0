import Foundation
import HAOSupport

/// A fully enumerated space: every genome with its objective values (minimised). Used to measure
/// how much of the true Pareto frontier a search finds for a given number of evaluations.
public struct GroundTruthTable: Sendable {
    /// Number of values of each gene; every genome of the table fits it.
    public let arity: [Int]
    /// Every genome of the space, each listed once.
    public let genomes: [[Int]]
    /// Objective values of each genome (same order), all of one length and finite, minimised.
    public let objectives: [[Double]]
    private let lookup: [[Int]: Int]
    /// Per objective minimum and maximum over the whole space (for normalisation).
    public let lower: [Double]
    /// Per objective maximum over the whole space (for normalisation).
    public let upper: [Double]

    /// Creates a table; throws ``SearchError/invalidSetting(_:)`` when it is empty, a genome does not fit `arity` or is listed
    /// twice, or the objective rows differ in length or hold a non-finite value.
    public init(arity: [Int], genomes: [[Int]], objectives: [[Double]]) throws {
        guard !genomes.isEmpty, genomes.count == objectives.count else {
            throw SearchError.invalidSetting(
                "a ground-truth table needs as many objective rows as genomes (\(genomes.count) vs \(objectives.count))")
        }
        let m = objectives[0].count
        guard m >= 1, objectives.allSatisfy({ $0.count == m && $0.allSatisfy(\.isFinite) }) else {
            throw SearchError.invalidSetting("objective rows must all have the same length and finite values")
        }
        var lookup: [[Int]: Int] = [:]
        for (i, g) in genomes.enumerated() {
            guard g.count == arity.count, zip(g, arity).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
                throw SearchError.invalidSetting("genome \(g) does not fit arities \(arity)")
            }
            guard lookup.updateValue(i, forKey: g) == nil else { throw SearchError.invalidSetting("genome \(g) listed twice") }
        }
        self.arity = arity
        self.genomes = genomes
        self.objectives = objectives
        self.lookup = lookup
        lower = (0..<m).map { j in objectives.map { $0[j] }.min()! }
        upper = (0..<m).map { j in objectives.map { $0[j] }.max()! }
    }

    /// Objective values of a genome, if it is in the table.
    public func objectives(of genome: [Int]) -> [Double]? { lookup[genome].map { objectives[$0] } }

    /// The exact Pareto frontier by enumeration (objective vectors, duplicates removed).
    public var exactFrontier: [[Double]] {
        var seen = Set<[Double]>()
        return Pareto.nonDominatedIndices(objectives).map { objectives[$0] }.filter { seen.insert($0).inserted }
    }

    /// Objectives scaled to [0, 1] by the space's own minimum and maximum.
    public func normalized(_ point: [Double]) -> [Double] {
        point.indices.map { j in upper[j] > lower[j] ? (point[j] - lower[j]) / (upper[j] - lower[j]) : 0 }
    }

    /// Reference point of the hypervolume in normalised units: 10% beyond the worst value of each
    /// objective, so that the extreme points of the frontier still add area (the usual convention).
    public static let referencePoint = [1.1, 1.1]

    /// Normalised hypervolume of `points` (two objectives).
    public func hypervolume(_ points: [[Double]]) -> Double {
        Pareto.hypervolume2D(points.map(normalized), reference: Self.referencePoint)
    }

    /// Hypervolume of `points` as a fraction of the exact frontier's.
    public func hypervolumeRatio(_ points: [[Double]]) -> Double { hypervolume(points) / hypervolume(exactFrontier) }

    /// The search problem that scores genomes by table look-up. `variation` `.ordinal` treats
    /// each gene's values 0..<arity as ordered (true of NAS-Bench-Macro's).
    public func problem(mutationRate: Double? = nil, variation: VariationOperators = .default) throws -> CategoricalProblem<Int> {
        let table = self
        return try CategoricalProblem<Int>(
            arity: arity, objectiveCount: objectives[0].count, mutationRate: mutationRate,
            variation: variation
        ) { genome in
            guard let row = table.lookup[genome] else {
                throw SearchError.invalidSetting("genome \(genome) is not in the table")
            }
            return .feasible(objectives: table.objectives[row], payload: row)
        }
    }

    /// Hypervolume ratio NSGA-II reaches after exactly `budget` distinct evaluations.
    public func nsga2Ratio(
        budget: Int, populationSize: Int, seed: UInt64, mutationRate: Double? = nil,
        variation: VariationOperators = .default
    ) throws -> Double {
        let search = try NSGA2(
            problem: problem(mutationRate: mutationRate, variation: variation),
            settings: NSGA2Settings(populationSize: populationSize, seed: seed))
        var state = try search.initialState()
        // A generation that finds nothing new spends no budget; stop if that keeps happening
        // (a tiny space can be exhausted before the budget is).
        var lastCount = state.stats.evaluations
        var stalled = 0
        try search.run(
            &state, generations: Int.max, evaluationBudget: budget, shouldStop: { _ in stalled >= 20 },
            afterGeneration: { s in
                stalled = s.stats.evaluations == lastCount ? stalled + 1 : 0
                lastCount = s.stats.evaluations
            })
        let points = state.evaluated.prefix(budget).compactMap { $0.outcome.objectives }
        return hypervolumeRatio(points)
    }

    /// Hypervolume ratio of `budget` distinct genomes drawn uniformly at random.
    public func randomSearchRatio(budget: Int, seed: UInt64) -> Double {
        var rng = SplitMix64(seed: seed)
        // A partial Fisher-Yates shuffle: the first `budget` rows of a uniform permutation.
        var order = Array(genomes.indices)
        let n = min(budget, order.count)
        for i in 0..<n { order.swapAt(i, i + rng.nextIndex(order.count - i)) }
        return hypervolumeRatio(order.prefix(n).map { objectives[$0] })
    }

    /// NAS-Bench-Macro (Su et al., "Prioritized architecture sampling with Monto-Carlo tree search",
    /// CVPR 2021; github.com/xiusu/NAS-Bench-Macro): 8 layers x {identity, MB3_K3, MB6_K5} with
    /// CIFAR-10 accuracy. Objectives: minimise -mean accuracy (%) and FLOPs (millions).
    public static func nasBenchMacro(csv url: URL) throws -> GroundTruthTable {
        let text: String
        do { text = try InputFile.text(url) } catch {
            throw SearchError.invalidSetting("cannot read \(url.path): \(error.reason)")
        }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw SearchError.invalidSetting("\(url.path) is empty") }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw SearchError.invalidSetting("\(url.path) has no '\(name)' column") }
            return i
        }
        let layerColumns = try (0..<8).map { try column("layer\($0)") }
        let accuracy = try column("mean_acc")
        let flops = try column("flops")
        var genomes: [[Int]] = []
        var objectives: [[Double]] = []
        for (n, line) in lines.enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == header.count,
                let acc = Double(f[accuracy]), let fl = Double(f[flops])
            else {
                throw SearchError.invalidSetting("\(url.path) line \(n + 2) is malformed")
            }
            let genes = layerColumns.compactMap { Int(f[$0]) }
            guard genes.count == 8 else { throw SearchError.invalidSetting("\(url.path) line \(n + 2) has a bad layer choice") }
            genomes.append(genes)
            objectives.append([-acc, fl / 1e6])
        }
        return try GroundTruthTable(arity: [Int](repeating: 3, count: 8), genomes: genomes, objectives: objectives)
    }
}
