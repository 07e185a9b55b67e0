import Foundation
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import HAOSupport

// `hao-bench glpk-tuning`: GLPK's time per candidate of the search's candidate stream (see
// `candidates`) for settings of branch and cut and with or without the engine-bound rows of the
// formulation: the whole `--solver glpk` solve and the cutoff certificate, each checked against
// the fast optimum. The project's defaults are chosen from this table.

func tuningVariants() -> [(String, GLPKTuning?)] {
    var variants: [(String, GLPKTuning?)] = [("glpk-defaults", nil)]
    for pp in [GLPKTuning.Preprocessing.root, .none] {
        for br in [GLPKTuning.Branching.driebeckTomlin, .mostFractional, .hybridPseudocost] {
            for bt in [GLPKTuning.Backtracking.bestLocalBound, .depthFirst] {
                variants.append(("pp=\(pp) br=\(br) bt=\(bt)", GLPKTuning(preprocessing: pp, branching: br, backtracking: bt)))
            }
        }
    }
    return variants
}

func runGLPKTuning(_ options: Options) throws {
    let models = ModelsDirectory(url: URL(fileURLWithPath: try options.string("models")))
    let count = try options.int("count", default: 2000)
    let sample = try options.int("glpk", default: 60)
    let seed = UInt64(try options.int("seed", default: 1))
    let space = try SearchSpace(contentsOf: models.spaces.appendingPathComponent("ofa-mbv3-w4w8.json"))
    let device = try DeviceCatalogue.load(models: models).resolve(try options.string("device", default: "zu3eg"))
    let points = candidateStream(space, count: count, seed: seed)
    let step = max(1, count / sample)
    let networks = try stride(from: 0, to: count, by: step).prefix(sample).map { try space.network(for: points[$0]) }
    let fast = SubgraphTarget(device: device).makeFastEvaluator()
    let optima = try networks.map { try fast.leastLatency(of: $0) }
    let clock = ContinuousClock()
    let only = options.list("variants")
    say("GLPK on \(networks.count) candidates of the stream (seed \(seed)), \(device.part): ms per candidate, mean [max]")
    say("formulation | settings | --solver glpk solve | cutoff certificate | disagreements")
    for engineBounds in [true, false] {
        var target = SubgraphTarget(device: device)
        target.formulation.engineBounds = engineBounds
        for (label, tuning) in tuningVariants() where only == nil || only!.contains(label) {
            let backend = MILPBackend(milp: GLPKSolver(tuning: tuning), options: SolverOptions(timeLimit: .seconds(60)))
            let certifier = Certified(
                NativeBackend(), certifier: GLPKSolver(tuning: tuning), options: SolverOptions(timeLimit: .seconds(60)))
            var solves: [Double] = []
            var cuts: [Double] = []
            var disagreements = 0
            for (network, optimum) in zip(networks, optima) {
                let a = clock.now
                let solution = try target.solve(network, using: backend)
                let b = clock.now
                let problem = try target.configurationProblem(for: network, objective: .minimiseLatency)
                let claim: ExactOutcome<SubgraphConfiguration> =
                    optimum.configuration.map { .optimal($0, objective: optimum.objective!) } ?? .infeasible()
                let c = clock.now
                let certificate = try certifier.certify(problem, claimed: claim, kind: .cutoff)
                let d = clock.now
                solves.append((b - a).milliseconds)
                cuts.append((d - c).milliseconds)
                if solution.objective != optimum.objective || !certificate.holds { disagreements += 1 }
            }
            func stat(_ xs: [Double]) -> String { String(format: "%.2f [%.1f]", xs.reduce(0, +) / Double(xs.count), xs.max() ?? 0) }
            say("\(engineBounds ? "engine bounds" : "without") | \(label) | \(stat(solves)) | \(stat(cuts)) | \(disagreements)")
            if disagreements > 0 { throw BenchError("\(disagreements) disagreements with the fast path under \(label)") }
        }
    }
}
