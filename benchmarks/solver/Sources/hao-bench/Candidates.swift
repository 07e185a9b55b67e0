import Foundation
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import HAOSupport

// `hao-bench candidates`: where one co-design candidate's evaluation time goes, in microseconds,
// on a stream of candidates shaped like the search's (random points, then children: uniform
// crossover of two recent points, each gene redrawn with probability 0.1), on the default device,
// space and predictor, on one thread. Fast path step by step; GLPK (every candidate through the
// integer program) and the certificates on a subset, each checked against the fast optimum.

/// The stream of canonical points.
func candidateStream(_ space: SearchSpace, count: Int, seed: UInt64) -> [ArchitecturePoint] {
    var rng = SplitMix64(seed: seed)
    var points: [ArchitecturePoint] = []
    func redraw(_ value: Int, _ choices: [Int]) -> Int {
        guard choices.count > 1, rng.nextUnit() < 0.1 else { return value }
        return rng.element(of: choices.filter { $0 != value })
    }
    while points.count < count {
        var p: ArchitecturePoint
        if points.count < 128 {
            p = space.sample(using: &rng)
        } else {
            let recent = points.suffix(256)
            let a = recent[recent.startIndex + rng.nextIndex(recent.count)]
            let b = recent[recent.startIndex + rng.nextIndex(recent.count)]
            p = a
            for s in p.depths.indices where rng.nextUnit() < 0.5 { p.depths[s] = b.depths[s] }
            for i in p.kernels.indices {
                if rng.nextUnit() < 0.5 { p.kernels[i] = b.kernels[i] }
                if rng.nextUnit() < 0.5 { p.expandRatios[i] = b.expandRatios[i] }
                if rng.nextUnit() < 0.5 { p.bits[i] = b.bits[i] }
            }
            if rng.nextUnit() < 0.5 { p.resolution = b.resolution }
            for s in p.depths.indices { p.depths[s] = redraw(p.depths[s], space.depthChoices) }
            for i in p.kernels.indices {
                p.kernels[i] = redraw(p.kernels[i], space.kernelChoices)
                p.expandRatios[i] = redraw(p.expandRatios[i], space.expandChoices)
                p.bits[i] = redraw(p.bits[i], space.bitChoices)
            }
            p.resolution = redraw(p.resolution, space.resolutionChoices)
        }
        points.append(space.canonical(p))
    }
    return points
}

func runCandidates(_ options: Options) throws {
    let models = ModelsDirectory(url: URL(fileURLWithPath: try options.string("models")))
    let count = try options.int("count", default: 5000)
    let glpkCount = try options.int("glpk", default: 200)
    let seed = UInt64(try options.int("seed", default: 1))
    let space = try SearchSpace(contentsOf: models.spaces.appendingPathComponent("ofa-mbv3-w4w8.json"))
    let predictor = try AccuracyPredictor(contentsOf: models.predictors.appendingPathComponent("ofa-mbv3-w4w8-kernel.json"))
    let device = try DeviceCatalogue.load(models: models).resolve(try options.string("device", default: "zu3eg"))
    let target = SubgraphTarget(device: device)
    let evaluator = target.makeFastEvaluator()
    let points = candidateStream(space, count: count, seed: seed)
    let clock = ContinuousClock()
    var predictorTime = Duration.zero
    var networkTime = Duration.zero
    var timings = FastPathTimings()
    var networks: [Network] = []
    var optima: [FastOptimum<SubgraphConfiguration>] = []
    let wall = clock.now
    for point in points {
        let a = clock.now
        _ = predictor.predict(point)
        let b = clock.now
        let network = try space.network(for: point)
        let c = clock.now
        let (optimum, t) = try evaluator.profiledLeastLatency(of: network)
        predictorTime += b - a
        networkTime += c - b
        timings.add(t)
        networks.append(network)
        optima.append(optimum)
    }
    let total = clock.now - wall
    func us(_ d: Duration) -> Double { d.milliseconds * 1000 / Double(count) }
    let stats = evaluator.statistics
    say("stream: \(count) candidates (seed \(seed)), \(device.part), one thread, release build")
    say(
        String(
            format:
                "per candidate, microseconds: predictor %.1f, network %.1f, fast setup %.1f, fast tables %.1f, fast scan %.1f; total %.1f (%.0f candidates/s)",
            us(predictorTime), us(networkTime), us(timings.setup), us(timings.tables), us(timings.scan), us(total),
            Double(count) / total.milliseconds * 1000))
    say(
        String(
            format: "fast path: %.1f triples and %.1f resources per candidate; memo %d entries, %.1f%% hits; incumbent optimal for %.1f%%",
            Double(timings.triplesEvaluated) / Double(count), Double(timings.resourcesComputed) / Double(count), stats.memoEntries,
            100 * Double(stats.memoHits) / Double(max(1, stats.memoHits + stats.memoMisses)),
            100 * Double(stats.incumbentWasOptimal) / Double(count)))
    guard glpkCount > 0 else { return }
    // GLPK on an evenly spread subset: the whole solve as `--solver glpk` does it, and the two certificates.
    let step = max(1, count / glpkCount)
    let glpk = MILPBackend(milp: GLPKSolver(), options: SolverOptions(timeLimit: .seconds(60)))
    let certifier = Certified(NativeBackend(), certifier: GLPKSolver(), options: SolverOptions(timeLimit: .seconds(60)))
    var solve = Duration.zero
    var cutoff = Duration.zero
    var reproduction = Duration.zero
    var problems = Duration.zero
    var n = 0
    var disagreements = 0
    for i in stride(from: 0, to: count, by: step).prefix(glpkCount) {
        let network = networks[i]
        let optimum = optima[i]
        let a = clock.now
        let solution = try target.solve(network, using: glpk)
        let b = clock.now
        let problem = try target.configurationProblem(for: network, objective: .minimiseLatency)
        let c = clock.now
        let claim: ExactOutcome<SubgraphConfiguration> =
            optimum.configuration.map { .optimal($0, objective: optimum.objective!) } ?? .infeasible()
        let cut = try certifier.certify(problem, claimed: claim, kind: .cutoff)
        let d = clock.now
        let rep = try certifier.certify(problem, claimed: claim, kind: .reproduction)
        let e = clock.now
        solve += b - a
        problems += c - b
        cutoff += d - c
        reproduction += e - d
        n += 1
        if solution.objective != optimum.objective || !cut.holds || !rep.holds { disagreements += 1 }
    }
    func ms(_ d: Duration) -> Double { d.milliseconds / Double(n) }
    say(
        String(
            format:
                "GLPK on %d of them, milliseconds per candidate: whole --solver glpk solve %.2f; building the problem %.2f, cutoff certificate %.2f, reproduction certificate %.2f; disagreements with the fast path: %d",
            n, ms(solve), ms(problems), ms(cutoff), ms(reproduction), disagreements))
    if disagreements > 0 { throw BenchError("\(disagreements) disagreements between GLPK and the fast path") }
}
