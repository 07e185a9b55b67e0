import Foundation
import HAOHardware
import HAOSolver
import HAOSupport

/// Least-squares fit of log(time) = a + b log(size): b is the growth exponent.
struct PowerFit {
    var exponent: Double, intercept: Double, r2: Double, points: Int
    init?(_ xy: [(Double, Double)]) {
        let pts = xy.filter { $0.0 > 0 && $0.1 > 0 }.map { (log($0.0), log($0.1)) }
        guard pts.count >= 3 else { return nil }
        let n = Double(pts.count)
        let mx = pts.map(\.0).reduce(0, +) / n
        let my = pts.map(\.1).reduce(0, +) / n
        let sxx = pts.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        let sxy = pts.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        let b = sxy / sxx
        let a = my - b * mx
        let ssTot = pts.map { ($0.1 - my) * ($0.1 - my) }.reduce(0, +)
        var ssRes = 0.0
        for p in pts {
            let e: Double = p.1 - (a + b * p.0)
            ssRes += e * e
        }
        exponent = b
        intercept = a
        r2 = ssTot > 0 ? 1 - ssRes / ssTot : 1
        points = pts.count
    }
}

/// Time against the number of blocks (at a fixed number of configurations per engine) and
/// against configurations per engine (at a fixed number of blocks), on seeded synthetic
/// instances, GLPK vs native; fits the growth exponent of each curve.
///
/// Both times include pruning; GLPK's also includes building the program. An instance whose
/// warm-up GLPK solve exceeds `--slow-ms` is timed once (its time is far above the noise).
func runGrowth(_ o: Options) throws {
    let warmup = try o.int("warmup", default: 1)
    let repeats = try o.int("repeats", default: 3)
    let seeds = try o.int("seeds", default: 3)
    let blockSweep = try o.ints("blocks", default: [10, 20, 50, 100, 150, 200])
    let configSweep = try o.ints("configs", default: [10, 20, 50, 100, 150, 200])
    let fixedConfigs = try o.int("fixed-configs", default: 50)
    let fixedBlocks = try o.int("fixed-blocks", default: 50)
    let slowMs = Double(try o.int("slow-ms", default: 2000))
    var csv = CSV([
        "sweep", "blocks", "configs", "seed", "candidates_after", "optimum_cycles",
        "glpk_median_ms", "glpk_min_ms", "glpk_max_ms", "native_median_ms", "native_min_ms", "native_max_ms",
        "glpk_repeats", "native_repeats", "agree",
    ])
    var fits = CSV(["sweep", "solver", "exponent", "r2", "points", "range", "fixed"])
    let clock = ContinuousClock()
    let sweeps: [(String, [(Int, Int)], String)] = [
        ("blocks", blockSweep.map { ($0, fixedConfigs) }, "\(fixedConfigs) configurations per engine"),
        ("configs", configSweep.map { (fixedBlocks, $0) }, "\(fixedBlocks) blocks"),
    ]
    for (sweep, points, fixed) in sweeps {
        var glpkXY: [(Double, Double)] = []
        var nativeXY: [(Double, Double)] = []
        for (blocks, configs) in points {
            for seed in 1...max(seeds, 1) {
                let instance = syntheticInstance(blocks: blocks, configs: configs, seed: UInt64(seed))
                var glpkTimes: [Double] = []
                var g: InstanceResult? = nil
                var runs = warmup + max(repeats, 1)
                var i = 0
                while i < runs {
                    let start = clock.now
                    g = try solveGLPK(instance)
                    let t = milliseconds(clock.now - start)
                    if i >= warmup { glpkTimes.append(t) }
                    if i == 0 && t > slowMs { runs = warmup > 0 ? warmup + 1 : 1 }
                    i += 1
                }
                let (nativeTimes, n) = measure(warmup: warmup, repeats: repeats) { solveNative(instance) }
                let gs = Summary(glpkTimes)
                let ns = Summary(nativeTimes)
                let x = Double(sweep == "blocks" ? blocks : configs)
                if g!.status == "optimal" { glpkXY.append((x, gs.median)) }
                nativeXY.append((x, ns.median))
                let ok = agree(g!, n)
                csv.add([
                    sweep, String(blocks), String(configs), String(seed), n.counts.map(String.init).joined(separator: "/"),
                    objectiveText(n), f3(gs.median), f3(gs.min), f3(gs.max), f3(ns.median), f3(ns.min), f3(ns.max),
                    String(gs.count), String(ns.count), ok ? "yes" : "NO",
                ])
                say(
                    String(
                        format: "%@ %3d blocks x %3d configs seed %d: glpk %10.3f ms  native %9.3f ms  %@", sweep, blocks, configs, seed,
                        gs.median, ns.median, ok ? "agree" : "DISAGREE (glpk \(objectiveText(g!)), native \(objectiveText(n)))"))
            }
        }
        let xs = points.map { sweep == "blocks" ? $0.0 : $0.1 }
        let range = "\(xs.min() ?? 0)-\(xs.max() ?? 0) \(sweep)"
        for (solver, xy) in [("glpk", glpkXY), ("native", nativeXY)] {
            if let fit = PowerFit(xy) {
                fits.add([
                    sweep, solver, String(format: "%.2f", fit.exponent), String(format: "%.3f", fit.r2), String(fit.points), range, fixed,
                ])
                say(
                    String(
                        format: "fit %@ %@: time ~ n^%.2f (R^2 %.3f, %d points, %@)", sweep, solver, fit.exponent, fit.r2, fit.points, range
                    ))
            }
        }
    }
    try csv.write(to: try o.string("out"))
    try fits.write(to: try o.string("fit-out"))
}
