import Foundation
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

/// One strengthening switched off (or all of them), against the default of everything on.
struct Variant {
    var name: String
    var pruning: PruningOptions
    var formulation: FormulationOptions
}

let formulationVariants: [Variant] = [
    Variant(name: "default (all on)", pruning: .all, formulation: .standard),
    Variant(name: "without resource pruning", pruning: PruningOptions(resourceInfeasible: false, dominance: true), formulation: .standard),
    Variant(name: "without dominance pruning", pruning: PruningOptions(resourceInfeasible: true, dominance: false), formulation: .standard),
    Variant(name: "without latency bounds", pruning: .all, formulation: FormulationOptions(latencyBounds: false, shiftTerms: true)),
    Variant(name: "without term shift", pruning: .all, formulation: FormulationOptions(latencyBounds: true, shiftTerms: false)),
    Variant(name: "none (plain)", pruning: .none, formulation: .plain),
]

/// The formulation study: every instance under every variant, GLPK and native (the native
/// solver reads only the pruning options), with the program's size, so each strengthening's
/// contribution shows as the change from the default when it alone is switched off.
func runFormulation(_ o: Options) throws {
    let models = ModelsDirectory(url: URL(fileURLWithPath: try o.string("models")))
    let warmup = try o.int("warmup", default: 1)
    let repeats = try o.int("repeats", default: 5)
    // Device:bits pairs, e.g. "zu3eg:4,zu9eg:8".
    let pairs = (o.list("instances") ?? ["zu3eg:4", "zu9eg:8"]).map { $0.split(separator: ":").map(String.init) }
    let synthetic = try o.ints("synthetic-seeds", default: [1, 2])
    var instances: [(String, SubgraphInstance)] = []
    let catalogue = try DeviceCatalogue.load(models: models)
    for pair in pairs {
        guard pair.count == 2, let bits = Int(pair[1]) else {
            throw BenchError("--instances wants DEVICE:BITS pairs, got \(pair.joined(separator: ":"))")
        }
        let device = try catalogue.device(named: pair[0])
        for (file, shipped) in try shippedNetworks(models) {
            let (_, full) = try SubgraphTarget(device: device).setUp(withBlocks(shipped, bits: bits))
            instances.append(("\(file) \(device.shortName) W\(bits)", full))
        }
    }
    for seed in synthetic {
        instances.append(("synthetic 20 blocks x 50 configs seed \(seed)", syntheticInstance(blocks: 20, configs: 50, seed: UInt64(seed))))
    }
    var csv = CSV([
        "instance", "variant", "candidates_after", "rows", "columns", "nonzeros", "optimum_cycles",
        "glpk_median_ms", "glpk_min_ms", "glpk_max_ms", "native_median_ms", "native_min_ms", "native_max_ms", "repeats", "agree",
    ])
    for (label, full) in instances {
        var reference: InstanceResult? = nil
        for variant in formulationVariants {
            let pruned = full.pruned(variant.pruning)
            var size = ["", "", ""]
            if !pruned.candidateCounts.contains(0) {
                let model = SubgraphProgram(instance: pruned, options: variant.formulation).model
                size = [String(model.constraints.count), String(model.variables.count), String(model.nonzeroCount)]
            }
            let (gt, g) = try measure(warmup: warmup, repeats: repeats) {
                try solveGLPK(full, pruning: variant.pruning, formulation: variant.formulation)
            }
            let (nt, n) = measure(warmup: warmup, repeats: repeats) { solveNative(full, pruning: variant.pruning) }
            if reference == nil { reference = n }
            let ok = agree(g, n) && agree(n, reference!)
            let gs = Summary(gt)
            let ns = Summary(nt)
            csv.add(
                [label, variant.name, n.counts.map(String.init).joined(separator: "/")] + size + [
                    objectiveText(n), f3(gs.median), f3(gs.min), f3(gs.max), f3(ns.median), f3(ns.min), f3(ns.max), String(gs.count),
                    ok ? "yes" : "NO",
                ])
            say(
                String(
                    format: "%-40@ %-26@ glpk %9.3f ms  native %7.3f ms  %@", label as NSString, variant.name as NSString, gs.median,
                    ns.median, ok ? "agree" : "DISAGREE"))
        }
    }
    try csv.write(to: try o.string("out"))
}
