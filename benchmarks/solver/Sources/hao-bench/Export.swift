import Foundation
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

/// Writes the integer program of every feasible shipped instance (device x network x block bits)
/// and of a few synthetic ones as free MPS, for the peer solvers, with a manifest CSV holding
/// the project's optimum (native solver) and the in-process GLPK time on the very same model
/// (load into GLPK + solve, median after warm-up), so peers are compared on identical input.
///
/// Shipped instances go through `SubgraphTarget.exportProgram` (what `hao solve
/// --export-mps` writes); synthetic ones through `SubgraphProgram` with the same defaults.
func runExport(_ o: Options) throws {
    let models = ModelsDirectory(url: URL(fileURLWithPath: try o.string("models")))
    let directory = try o.string("dir")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let warmup = try o.int("warmup", default: 1)
    let repeats = try o.int("repeats", default: 5)
    let bitsList = try o.ints("bits", default: [8, 4])
    let synthetic = (o.list("synthetic") ?? ["20x50", "50x50", "100x100"]).map { spec -> (Int, Int) in
        let p = spec.split(separator: "x").compactMap { Int($0) }
        return p.count == 2 ? (p[0], p[1]) : (0, 0)
    }
    guard synthetic.allSatisfy({ $0.0 > 0 && $0.1 > 0 }) else {
        throw BenchError("--synthetic wants BLOCKSxCONFIGS items, e.g. 20x50,50x50")
    }
    var csv = CSV([
        "instance", "mps", "rows", "columns", "nonzeros", "project_optimum", "glpk_inprocess_median_ms", "glpk_inprocess_min_ms",
        "glpk_inprocess_max_ms", "repeats",
    ])
    func add(_ name: String, _ path: String, _ full: SubgraphInstance) throws {
        let instance = full.pruned(.all)
        let program = SubgraphProgram(instance: instance, options: .standard, name: name)
        let reference = instance.solveNative()
        let (times, solution) = try measure(warmup: warmup, repeats: repeats) {
            try GLPKSolver().solve(program.model, options: SolverOptions(timeLimit: glpkBenchLimit))
        }
        guard let optimum = reference.objective else { return }
        if let objective = solution.objective, abs(objective - optimum) > 1e-6 * optimum {
            throw BenchError("\(name): in-process GLPK \(objective) differs from native \(optimum)")
        }
        let s = Summary(times)
        csv.add([
            name, path, String(program.model.constraints.count), String(program.model.variables.count), String(program.model.nonzeroCount),
            String(Int(optimum.rounded())), f3(s.median), f3(s.min), f3(s.max), String(s.count),
        ])
        say(String(format: "exported %@ (GLPK in process %.3f ms)", name, s.median))
    }
    for device in try devices(models, names: o.list("devices")) {
        let optimizer = SubgraphTarget(device: device)
        for (file, shipped) in try shippedNetworks(models) {
            for bits in bitsList {
                let network = withBlocks(shipped, bits: bits)
                let (_, full) = try optimizer.setUp(network)
                if full.pruned(.all).candidateCounts.contains(0) { continue }  // infeasible: nothing to export
                let name = "\(file)_\(device.shortName)_w\(bits)"
                let path = (directory as NSString).appendingPathComponent(name + ".mps")
                try optimizer.exportProgram(network, to: path, format: .freeMPS)
                try add(name, path, full)
            }
        }
    }
    for (blocks, configs) in synthetic {
        let name = "synthetic_\(blocks)x\(configs)_s1"
        let path = (directory as NSString).appendingPathComponent(name + ".mps")
        let full = syntheticInstance(blocks: blocks, configs: configs, seed: 1)
        let program = SubgraphProgram(instance: full.pruned(.all), options: .standard, name: name)
        try program.model.write(to: path, format: .freeMPS)
        try add(name, path, full)
    }
    try csv.write(to: try o.string("out"))
}
