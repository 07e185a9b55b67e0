import Foundation
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

/// A benchmark failure worth a clear message (bad arguments, unreadable files).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

func milliseconds(_ d: Duration) -> Double { d.milliseconds }

/// Median, min and max of a sample (median of an even count: mean of the two middle values).
struct Summary {
    var median: Double, min: Double, max: Double, count: Int
    init(_ xs: [Double]) {
        let s = xs.sorted()
        count = s.count
        guard !s.isEmpty else {
            median = .nan
            min = .nan
            max = .nan
            return
        }
        median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        min = s.first!
        max = s.last!
    }
}

/// Runs `body` `warmup` times untimed, then `repeats` times, returning each timed run's
/// wall-clock milliseconds and the last result.
func measure<T>(warmup: Int, repeats: Int, _ body: () throws -> T) rethrows -> (samples: [Double], result: T) {
    let clock = ContinuousClock()
    var last: T? = nil
    for _ in 0..<warmup { last = try body() }
    var samples: [Double] = []
    for _ in 0..<max(repeats, 1) {
        let start = clock.now
        last = try body()
        samples.append(milliseconds(clock.now - start))
    }
    return (samples, last!)
}

/// Minimal CSV writer: quotes a field only when it needs it.
struct CSV {
    var header: [String]
    var rows: [[String]] = []
    init(_ header: [String]) { self.header = header }
    mutating func add(_ row: [String]) {
        precondition(row.count == header.count, "CSV row has \(row.count) fields, header has \(header.count)")
        rows.append(row)
    }
    func write(to path: String) throws {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let text = ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

func f3(_ x: Double) -> String { x.isNaN ? "" : String(format: "%.3f", x) }

/// Command-line options of the form `--name value`; flags are `--name` alone.
struct Options {
    var values: [String: String] = [:]
    var flags: Set<String> = []
    init(_ arguments: ArraySlice<String>, flags known: Set<String> = []) throws {
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let a = arguments[i]
            guard a.hasPrefix("--") else { throw BenchError("unexpected argument '\(a)'") }
            let name = String(a.dropFirst(2))
            if known.contains(name) {
                flags.insert(name)
                i += 1
                continue
            }
            guard i + 1 < arguments.endIndex else { throw BenchError("option \(a) needs a value") }
            values[name] = arguments[i + 1]
            i += 2
        }
    }
    func string(_ name: String, default value: String? = nil) throws -> String {
        guard let v = values[name] ?? value else { throw BenchError("missing --\(name)") }
        return v
    }
    func int(_ name: String, default value: Int) throws -> Int {
        guard let text = values[name] else { return value }
        guard let v = Int(text), v >= 0 else { throw BenchError("--\(name) must be a non-negative integer, got '\(text)'") }
        return v
    }
    func ints(_ name: String, default value: [Int]) throws -> [Int] {
        guard let text = values[name] else { return value }
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw BenchError("--\(name) must be a comma-separated list of positive integers, got '\(text)'")
        }
        return parts.map { $0! }
    }
    func list(_ name: String) -> [String]? {
        values[name].map { $0.split(separator: ",").map { String($0) } }
    }
}

/// The shipped networks (sorted by file name) with every block at `bits`.
func shippedNetworks(_ models: ModelsDirectory) throws -> [(file: String, network: Network)] {
    let files = try FileManager.default.contentsOfDirectory(atPath: models.networks.path).filter { $0.hasSuffix(".json") }.sorted()
    return try files.map { file in
        (String(file.dropLast(5)), try Network.loadValidated(contentsOf: models.networks.appendingPathComponent(file)))
    }
}

/// The same network with every block's weights and activations at `bits` (stem and head unchanged).
func withBlocks(_ network: Network, bits: Int) -> Network {
    var n = network
    for i in n.blocks.indices { n.blocks[i].precision = .uniform(bits) }
    return n
}

/// The catalogue's devices, optionally restricted to `names` (any alias).
func devices(_ models: ModelsDirectory, names: [String]?) throws -> [Device] {
    let catalogue = try DeviceCatalogue.load(models: models)
    guard let names else { return catalogue.devices }
    return try names.map { try catalogue.device(named: $0) }
}

/// A seeded synthetic instance: `blocks` stages of 3 latency paths, `configs` candidates per engine.
///
/// Terms follow a speed/cost trade-off like the real cost model's: a candidate with more lanes
/// (more DSP) is faster in proportion (with +-20% noise per stage, so candidates are rarely
/// dominated), and its BRAM grows with lanes at a random rate. Each engine does the bulk of one
/// path and a small share (fill/drain) of the others. The budget is the ZU3EG's (360 DSP, 432 BRAM18).
func syntheticInstance(blocks: Int, configs: Int, seed: UInt64) -> SubgraphInstance {
    var rng = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(blocks) << 32 &+ UInt64(configs))
    var stageNames: [String] = []
    var memory: [Int] = []
    var pathStage: [Int] = []
    for s in 0..<blocks {
        stageNames.append("b\(s)")
        memory.append(Int.random(in: 1_000...20_000, using: &rng))
        pathStage += Array(repeating: s, count: 3)
    }
    var candidates: [[EngineConfiguration]] = []
    var resources: [[Resources]] = []
    var terms: [[Int]] = []
    for kind in EngineKind.allCases {
        var list: [EngineConfiguration] = []
        var res: [Resources] = []
        var table: [Int] = []
        let work = (0..<blocks).map { _ in Double(Int.random(in: 100_000...4_000_000, using: &rng)) }
        for c in 0..<configs {
            let lanes = Int.random(in: 1...512, using: &rng)
            list.append(EngineConfiguration(kind: kind, unrollA: c + 1, unrollB: lanes))
            let bram = Int(Double(lanes) * Double.random(in: 0.05...0.6, using: &rng)) + 2
            res.append(Resources(dsp: max(1, lanes / 2), bram18: bram, uram: 0, lut: 800 + lanes * 40, ff: 1_000 + lanes * 50))
            for s in 0..<blocks {
                let full = Int(work[s] / Double(lanes) * Double.random(in: 0.9...1.3, using: &rng)) + 10
                let edge = full / 8 + 5
                for p in 0..<3 { table.append(p == kind.index ? full : edge) }
            }
        }
        candidates.append(list)
        resources.append(res)
        terms.append(table)
    }
    return SubgraphInstance(
        stageNames: stageNames, memoryCycles: memory, pathStage: pathStage, candidates: candidates,
        resources: resources, terms: terms, fixed: Resources(dsp: 0, bram18: 4, uram: 0, lut: 6_000, ff: 9_000),
        budget: Resources(dsp: 360, bram18: 432, uram: 0, lut: 63_504, ff: 141_120))
}

/// Outcome of solving one instance with GLPK (in process): prune, build the program, solve.
struct InstanceResult {
    var objective: Double?
    var status: String
    var counts: [Int]
}

let glpkBenchLimit: Duration = .seconds(120)

func solveGLPK(_ full: SubgraphInstance, pruning: PruningOptions = .all, formulation: FormulationOptions = .standard) throws
    -> InstanceResult
{
    let instance = full.pruned(pruning)
    if instance.candidateCounts.contains(0) {
        return InstanceResult(objective: nil, status: "infeasible", counts: instance.candidateCounts)
    }
    let program = SubgraphProgram(instance: instance, options: formulation)
    let solution = try GLPKSolver().solve(program.model, options: SolverOptions(timeLimit: glpkBenchLimit))
    switch solution.status {
    case .optimal:
        return InstanceResult(
            objective: solution.objective.map { $0 + program.objectiveOffset }, status: "optimal", counts: instance.candidateCounts)
    case .infeasible: return InstanceResult(objective: nil, status: "infeasible", counts: instance.candidateCounts)
    default: return InstanceResult(objective: nil, status: solution.status.rawValue, counts: instance.candidateCounts)
    }
}

func solveNative(_ full: SubgraphInstance, pruning: PruningOptions = .all) -> InstanceResult {
    let instance = full.pruned(pruning)
    let result = instance.solveNative()
    return InstanceResult(
        objective: result.objective, status: result.objective == nil ? "infeasible" : "optimal", counts: instance.candidateCounts)
}

/// Exact agreement of two optima in integer cycles (both infeasible also agrees).
func agree(_ a: InstanceResult, _ b: InstanceResult) -> Bool {
    if a.status != "optimal" || b.status != "optimal" { return a.status == b.status }
    guard let x = a.objective, let y = b.objective else { return false }
    return abs(x - y) <= 1e-6 * max(1, abs(y))
}

func objectiveText(_ r: InstanceResult) -> String {
    guard r.status == "optimal", let o = r.objective else { return r.status }
    return String(Int(o.rounded()))
}

/// Prints a progress line at once (stdout is a pipe under run.sh, so it would otherwise be buffered).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
