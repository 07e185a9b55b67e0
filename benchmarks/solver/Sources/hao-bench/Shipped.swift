import Foundation
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

/// Every shipped network x device x block bit width, through the product's API
/// (`HardwareTarget.solve` on the subgraph target), GLPK vs native.
///
/// Two times per run: "solve" is the solver's own time as the solution reports it (GLPK: load
/// the program into GLPK and solve; native: the search over the pruned instance); "total" is the
/// whole `solve(_:solver:)` call (cost tables, pruning, program build, solve, re-evaluation by
/// the cost model). Warm-up runs are untimed; the statistics are over the timed repeats.
func runShipped(_ o: Options) throws {
    let models = ModelsDirectory(url: URL(fileURLWithPath: try o.string("models")))
    let warmup = try o.int("warmup", default: 1)
    let repeats = try o.int("repeats", default: 7)
    let bitsList = try o.ints("bits", default: [8, 4])
    var csv = CSV([
        "network", "device", "block_bits", "status", "optimum_cycles", "latency_ms", "candidates_before", "candidates_after",
        "glpk_solve_median_ms", "glpk_solve_min_ms", "glpk_solve_max_ms",
        "glpk_total_median_ms", "glpk_total_min_ms", "glpk_total_max_ms",
        "native_solve_median_ms", "native_solve_min_ms", "native_solve_max_ms",
        "native_total_median_ms", "native_total_min_ms", "native_total_max_ms",
        "repeats", "agree", "diagnosis",
    ])
    let clock = ContinuousClock()
    for device in try devices(models, names: o.list("devices")) {
        let optimizer = SubgraphTarget(device: device)
        for (file, shipped) in try shippedNetworks(models) {
            for bits in bitsList {
                let network = withBlocks(shipped, bits: bits)
                let g = try timeShipped(optimizer, network, .glpk, warmup: warmup, repeats: repeats)
                let n = try timeShipped(optimizer, network, .native, warmup: warmup, repeats: repeats)
                let same = g.status == n.status && g.cycles == n.cycles
                let gs = Summary(g.solve)
                let gt = Summary(g.total)
                let ns = Summary(n.solve)
                let nt = Summary(n.total)
                csv.add([
                    file, device.shortName, String(bits), n.status,
                    n.cycles.map(String.init) ?? "", n.latencyMs.map { String(format: "%.4f", $0) } ?? "",
                    n.before, n.after,
                    f3(gs.median), f3(gs.min), f3(gs.max), f3(gt.median), f3(gt.min), f3(gt.max),
                    f3(ns.median), f3(ns.min), f3(ns.max), f3(nt.median), f3(nt.min), f3(nt.max),
                    String(gs.count), same ? "yes" : "NO", n.diagnosis,
                ])
                say(
                    String(
                        format: "%-22@ %-8@ W%d  %-10@ glpk %8.3f ms (total %8.3f)  native %7.3f ms (total %7.3f)  %@",
                        file as NSString, device.shortName as NSString, bits, (n.cycles.map(String.init) ?? "infeasible") as NSString,
                        gs.median, gt.median, ns.median, nt.median, (same ? "agree" : "DISAGREE") as NSString))
            }
        }
    }
    try csv.write(to: try o.string("out"))
}

/// Plain values read out of the solutions at once (reading `HardwareSolution`'s computed
/// optionals later in a long function crashed Swift 6.3's release optimiser, as in hao verify).
struct ShippedTiming {
    var solve: [Double] = [], total: [Double] = []
    var status = "", cycles: Int? = nil, latencyMs: Double? = nil
    var before = "", after = "", diagnosis = ""
}

func timeShipped(
    _ optimizer: SubgraphTarget, _ network: Network, _ choice: SolverChoice,
    warmup: Int, repeats: Int
) throws -> ShippedTiming {
    let clock = ContinuousClock()
    var result = ShippedTiming()
    for i in 0..<(warmup + max(repeats, 1)) {
        let start = clock.now
        let s = try optimizer.solve(network, using: choice.makeSolver(timeLimit: glpkBenchLimit))
        let t = milliseconds(clock.now - start)
        if i >= warmup {
            result.solve.append(milliseconds(s.solveTime))
            result.total.append(t)
        }
        let cycles = s.latencyCycles
        let ms = s.latencyMs
        let diagnosis = s.diagnosis
        result.status = s.status.rawValue
        result.cycles = cycles
        result.latencyMs = ms
        result.diagnosis = diagnosis ?? ""
        result.before = s.problem.full.candidateCounts.map(String.init).joined(separator: "/")
        result.after = s.problem.pruned.candidateCounts.map(String.init).joined(separator: "/")
    }
    return result
}
