import Foundation
import HAOHardware
import HAONetwork
import HAOSolver

// Usage: SolverBenchmark MODELS_DIR [repeats]
// Prints one line per instance: GLPK and native solve times (median of `repeats`), and checks they agree.

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { print("usage: SolverBenchmark MODELS_DIR [repeats]"); exit(2) }
let models = ModelsDirectory(url: URL(fileURLWithPath: arguments[1]))
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let device = try DeviceCatalogue.load(models: models).device(named: "zu3eg")
let clock = ContinuousClock()

/// Times GLPK (build + solve of the pruned program) and native (solve of the pruned instance),
/// and, separately, the setup (cost tables + pruning) both share.
func run(_ label: String, _ full: AcceleratorInstance, formulation: FormulationOptions = .standard, pruning: PruningOptions = .all) {
    var setup: [Double] = [], glpk: [Double] = [], native: [Double] = []
    var agree = true
    var objective: Double? = nil
    var counts: [Int] = []
    for _ in 0..<repeats {
        let t0 = clock.now
        let instance = full.pruned(pruning)
        let t1 = clock.now
        let n = instance.solveNative()
        let t2 = clock.now
        var g: Double? = nil
        if !instance.candidateCounts.contains(0) {
            let program = AcceleratorProgram(instance: instance, options: formulation)
            let solution = try? GLPKSolver().solve(program.model, options: SolverOptions(timeLimit: .seconds(120)))
            g = solution?.status == .optimal ? solution?.objective : nil
        }
        let t3 = clock.now
        setup.append(ms(t1 - t0)); native.append(ms(t2 - t1)); glpk.append(ms(t3 - t2))
        if g.map({ abs($0 - (n.objective ?? -1)) > 1e-9 * $0 }) ?? (n.objective != nil) { agree = false }
        objective = n.objective
        counts = instance.candidateCounts
    }
    let obj = objective.map { String(Int($0)) } ?? "infeasible"
    print(String(format: "%-44@ cand %@  prune %8.3f ms  glpk %9.3f ms  native %8.3f ms  optimum %@  %@",
                 label as NSString, "\(counts)" as NSString, median(setup), median(glpk), median(native), obj as NSString, agree ? "agree" : "DISAGREE"))
}

print("== shipped networks on \(device.part), default candidates (49/35/49), median of \(repeats)")
let files = try FileManager.default.contentsOfDirectory(atPath: models.networks.path).filter { $0.hasSuffix(".json") }.sorted()
for file in files {
    let network = try Network.loadValidated(contentsOf: models.networks.appendingPathComponent(file))
    for bits in [8, 4] {
        var n = network
        for i in n.blocks.indices { n.blocks[i].precision = .uniform(bits) }
        let optimizer = AcceleratorOptimizer(device: device)
        let t0 = clock.now
        let (_, full) = try optimizer.setUp(n)
        let tables = ms(clock.now - t0)
        run("\(network.name) W\(bits) (tables \(String(format: "%.1f", tables)) ms)", full)
    }
}

print("== what each strengthening gives (GLPK), shipped networks W4")
for file in files {
    var n = try Network.loadValidated(contentsOf: models.networks.appendingPathComponent(file))
    for i in n.blocks.indices { n.blocks[i].precision = .w4a4 }
    let (_, full) = try AcceleratorOptimizer(device: device).setUp(n)
    run("\(n.name) plain, no pruning", full, formulation: .plain, pruning: .none)
    run("\(n.name) + resource pruning", full, formulation: .plain, pruning: PruningOptions(resourceInfeasible: true, dominance: false))
    run("\(n.name) + dominance", full, formulation: .plain, pruning: .all)
    run("\(n.name) + latency bounds", full, formulation: FormulationOptions(latencyBounds: true, shiftTerms: false), pruning: .all)
    run("\(n.name) + term shift (standard)", full, formulation: .standard, pruning: .all)
}

print("== synthetic instances (seeded): blocks x candidates per engine")
var rng = SplitMix64(state: 2021)
for blocks in [10, 50, 100, 200] {
    for configs in [10, 50, 100, 200] {
        // Random per-path terms with a speed/cost trade-off: a candidate with more DSP is faster
        // (terms scale with 1/lanes, with noise), and BRAM rises with lanes at a random rate.
        var stageNames: [String] = [], memory: [Int] = [], pathStage: [Int] = []
        for s in 0..<blocks {
            stageNames.append("b\(s)")
            memory.append(Int.random(in: 1_000...20_000, using: &rng))
            pathStage += Array(repeating: s, count: 3)
        }
        var candidates: [[EngineConfiguration]] = [], resources: [[Resources]] = [], terms: [[Int]] = []
        for kind in EngineKind.allCases {
            var list: [EngineConfiguration] = [], res: [Resources] = [], table: [Int] = []
            let work = (0..<blocks).map { _ in Double(Int.random(in: 100_000...4_000_000, using: &rng)) }
            for c in 0..<configs {
                let lanes = Int.random(in: 1...512, using: &rng)
                list.append(EngineConfiguration(kind: kind, unrollA: c + 1, unrollB: lanes))
                let bram = Int(Double(lanes) * Double.random(in: 0.05...0.6, using: &rng)) + 2
                res.append(Resources(dsp: max(1, lanes / 2), bram18: bram, uram: 0, lut: 800 + lanes * 40, ff: 1_000 + lanes * 50))
                for s in 0..<blocks {
                    let full = Int(work[s] / Double(lanes) * Double.random(in: 0.9...1.3, using: &rng)) + 10
                    let edge = full / 8 + 5
                    let slot = kind.index
                    for p in 0..<3 { table.append(p == slot ? full : edge) }
                }
            }
            candidates.append(list); resources.append(res); terms.append(table)
        }
        // Terms are laid out [config][stage][path]: exactly the instance's [config * pathCount + k].
        let instance = AcceleratorInstance(stageNames: stageNames, memoryCycles: memory, pathStage: pathStage, candidates: candidates,
                                           resources: resources, terms: terms, fixed: Resources(dsp: 0, bram18: 4, uram: 0, lut: 6_000, ff: 9_000),
                                           budget: Resources(dsp: 360, bram18: 432, uram: 0, lut: 63_504, ff: 141_120))
        run("synthetic \(blocks) blocks x \(configs) configs", instance)
    }
}
