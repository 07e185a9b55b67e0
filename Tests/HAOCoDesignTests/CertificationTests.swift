import Foundation
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import HAOSupport
import HAOTestSupport
import Testing

@testable import HAOCoDesign

private func zu3eg() throws -> Device {
    try DeviceCatalogue.load(models: TestPaths.models).resolve("zu3eg")
}

private func shippedPredictor() throws -> AccuracyPredictor {
    try AccuracyPredictor(contentsOf: TestPaths.models.predictors.appendingPathComponent(CoDesignDefaults.predictorFile))
}

private typealias State = SearchState<ArchitecturePoint, CandidateMetrics<SubgraphConfiguration>>

private func search(_ choice: SolverChoice, sampleRate: Double = 0.01, generations: Int = 4) throws -> State {
    try searchWithEvaluator(choice, sampleRate: sampleRate, generations: generations).0
}

private func searchWithEvaluator(_ choice: SolverChoice, sampleRate: Double = 0.01, generations: Int = 4) throws
    -> (State, HardwareAwareEvaluator<SubgraphTarget>)
{
    let target = SubgraphTarget(device: try zu3eg())
    let evaluator = HardwareAwareEvaluator(
        space: try shippedSpace(), predictor: try shippedPredictor(), target: target, choice: choice,
        seed: 3, sampleRate: sampleRate)
    let problem = try CoDesignProblem(space: try shippedSpace(), evaluator: evaluator)
    let nsga = try NSGA2(problem: problem, settings: NSGA2Settings(populationSize: 12, seed: 3, keepsHistory: false), threads: 2)
    var state = try nsga.initialState()
    try nsga.run(&state, generations: generations)
    return (state, evaluator)
}

private func signature(_ state: SearchState<ArchitecturePoint, CandidateMetrics<SubgraphConfiguration>>) -> [[Double]] {
    state.archive.sorted.map { $0.outcome.objectives! }
}

@Suite("GLPK certificates in the search (--solver auto)")
struct CertificationTests {
    /// The fast path (auto, native) and GLPK on every candidate score every candidate alike, so
    /// the three searches take the same path: same archive, same population, same evaluations.
    @Test func autoNativeAndGLPKSearchesAreIdentical() throws {
        let auto = try search(.auto)
        let native = try search(.native)
        let glpk = try search(.glpk)
        #expect(signature(auto) == signature(glpk))
        #expect(signature(native) == signature(glpk))
        #expect(auto.population.map(\.genome) == glpk.population.map(\.genome))
        #expect(auto.stats.evaluations == glpk.stats.evaluations)
        // The fast path returns enumeration's first optimal triple; native's configurations are auto's.
        #expect(
            auto.archive.sorted.map { $0.outcome.payload!.configuration } == native.archive.sorted.map { $0.outcome.payload!.configuration }
        )
        #expect(auto.archive.members.allSatisfy { $0.outcome.payload!.solver == "native" })
        #expect(glpk.archive.members.allSatisfy { $0.outcome.payload!.solver == "glpk" })
    }

    /// Every frontier point is certified (cutoff) and a seeded share of the other candidates
    /// (reproduction); all hold; native and glpk runs certify nothing.
    @Test func everyFrontierPointAndASampleAreCertified() throws {
        var (state, evaluator) = try searchWithEvaluator(.auto, sampleRate: 0.25)
        let tally = try evaluator.confirm(state.archive.members.map { ($0.genome, $0.outcome.payload!) }, threads: 2)
        #expect(tally.certificates == state.archive.count && tally.notCompleted == 0)
        state.stats.counts[.frontierCertificates] = tally.certificates
        let summary = try #require(CertificateSummary(stats: state.stats, solver: .auto, sampleRate: 0.25))
        #expect(summary.frontier == state.archive.count)
        // About a quarter of the candidates are sampled (binomial: well inside 10%...40% here).
        #expect(Double(summary.sampled) > 0.1 * Double(state.stats.evaluations), "\(summary)")
        #expect(Double(summary.sampled) < 0.4 * Double(state.stats.evaluations), "\(summary)")
        #expect(summary.notCompleted == 0)
        let (nativeState, nativeEvaluator) = try searchWithEvaluator(.native, generations: 1)
        #expect(CertificateSummary(stats: nativeState.stats, solver: .native) == nil)
        #expect(
            try nativeEvaluator.confirm(nativeState.archive.members.map { ($0.genome, $0.outcome.payload!) }, threads: 1)
                == ConfirmationTally())
        // The sample is a function of the seed and the point alone.
        let certification = Certification(sampleRate: 0.25, seed: 3)
        var rng = SplitMix64(seed: 8)
        let points = (0..<400).map { _ in try! shippedSpace().sample(using: &rng) }
        let picked = points.filter(certification.samples)
        #expect(picked.count > 60 && picked.count < 140)
        #expect(points.filter(Certification(sampleRate: 0.25, seed: 3).samples) == picked)
        #expect(points.filter(Certification(sampleRate: 0.25, seed: 4).samples) != picked)
    }

    /// A wrong claim stops the search with both answers: one cycle too slow is refuted by the
    /// cutoff program, a configuration the cost model evaluates differently by the cost model.
    @Test func aWrongAnswerIsAFailureNamingBothAnswers() throws {
        let target = SubgraphTarget(device: try zu3eg())
        let network = try #require(try TestPaths.shippedNetworks().first)
        let fast = try target.makeFastEvaluator().leastLatency(of: network)
        let certification = Certification(sampleRate: 0, seed: 1)
        #expect(try certification.certify(network, claimed: fast, on: target, kind: .cutoff, label: network.name))
        var slow = fast
        slow.objective = fast.objective! + 1
        #expect { try certification.certify(network, claimed: slow, on: target, kind: .cutoff, label: network.name) } throws: { error in
            let text = "\(error)"
            return error is CertificateFailure && text.contains("cost model evaluates")
        }
        // The cost model agrees with the claimed figures but GLPK finds better: the optimum on a
        // device with half the DSPs fits the full device too, and is slower there.
        var smaller = try zu3eg()
        smaller.resources.dsp /= 2
        let constrained = try SubgraphTarget(device: smaller).makeFastEvaluator().leastLatency(of: network)
        let report = try target.evaluate(constrained.configuration!, for: network)
        #expect(Double(report.latencyCycles) > fast.objective!, "the half-DSP optimum must be slower for this test to mean anything")
        let wrong = FastOptimum(
            configuration: constrained.configuration, objective: Double(report.latencyCycles),
            latencyMs: report.latencyMs, resources: report.totalResources, evaluatedCandidates: 0)
        #expect { try certification.certify(network, claimed: wrong, on: target, kind: .cutoff, label: network.name) } throws: { error in
            let text = "\(error)"
            return text.contains("strictly better than the claimed optimum") && text.contains("claimed objective \(report.latencyCycles)")
        }
    }
}
