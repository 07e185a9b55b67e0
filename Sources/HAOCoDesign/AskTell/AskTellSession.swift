import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor

/// Where a replay of an ask/tell search stopped.
enum ReplayResult<Configuration: Sendable & Hashable & Codable> {
    /// Generation `generation` (0 = the initial population) waits for these candidates.
    case waiting(generation: Int, candidates: [OutstandingCandidate<Configuration>])
    /// Every generation is evaluated.
    case finished(SearchState<ArchitecturePoint, CandidateMetrics<Configuration>>, CoDesignProblem<ExternalOracle<Configuration>>)
}

/// An ask/tell search on one target: the in-process search with its external metrics taken from
/// the tells, replayed from the seed on every call (so it is exactly the search an evaluator
/// returning those values in-process would run).
struct AskTellSession<Target: HardwareTarget>: Sendable {
    let plan: CoDesignPlan
    let target: Target
    let state: AskTellState

    typealias Configuration = Target.Configuration

    /// Replays the search as far as the tells allow.
    func replay() throws -> ReplayResult<Configuration> {
        let session = CoDesignSession(plan: plan, target: target)
        let (evaluator, _) = try builtInEvaluator()
        let log = OutstandingLog<Configuration>()
        let oracle = ExternalOracle(base: try session.candidateEvaluator(evaluator), external: state.external, told: state.told, log: log)
        let meta = plan.meta
        let problem = try CoDesignProblem(
            space: meta.space, evaluator: oracle, constraints: meta.constraints,
            mutationRate: meta.mutationRate, bitsMode: meta.bitsMode, variation: meta.variation)
        let search = try NSGA2(problem: problem, settings: plan.settings, threads: plan.threads)
        var current: SearchState<ArchitecturePoint, CandidateMetrics<Configuration>>
        do { current = try search.initialState() } catch  where !log.isEmpty {
            return .waiting(generation: 0, candidates: log.drain())
        }
        while current.generation < meta.generations {
            var next = current
            do { try search.step(&next) } catch  where !log.isEmpty {
                return .waiting(generation: current.generation + 1, candidates: log.drain())
            }
            current = next
        }
        return .finished(current, problem)
    }

    /// The built-in evaluator (predictor + configuration program) and its predictor.
    func builtInEvaluator() throws -> (HardwareAwareEvaluator<Target>, AccuracyPredictor) {
        let meta = plan.meta
        let predictor = try AccuracyPredictor(contentsOf: URL(fileURLWithPath: meta.predictorPath))
        try meta.checkPredictor(predictor, userAllows: plan.request.allowBitBlindPredictor)
        let evaluator = HardwareAwareEvaluator(space: meta.space, predictor: predictor, target: target, solver: meta.solver.makeSolver())
        return (evaluator, predictor)
    }

    /// The frontier report of a finished search, written to the folder. Baselines are solved
    /// with the built-in models; they are left out when latency is external (a measured
    /// frontier against modelled baselines would not be a like-for-like ratio).
    func finish(
        _ final: SearchState<ArchitecturePoint, CandidateMetrics<Configuration>>,
        problem: CoDesignProblem<ExternalOracle<Configuration>>
    ) throws -> CoDesignOutcome<Configuration> {
        let (evaluator, predictor) = try builtInEvaluator()
        let frontier = try problem.frontier(of: final)
        var baselines: [BaselinePoint<Configuration>] = []
        if state.baselines, !state.external.includesLatency, let models = plan.models, !frontier.isEmpty {
            baselines = CoDesignSession(plan: plan, target: target).solveBaselines(models: models, evaluator: evaluator, onEvent: { _ in })
        }
        let meta = plan.meta
        let report = FrontierReport(
            device: "\(meta.device.part) (\(meta.device.board))", space: meta.space.name,
            constraints: meta.constraints, settings: plan.settings, generations: final.generation,
            stats: final.stats, frontier: frontier, baselines: baselines,
            headline: Headline(frontier: frontier, baselines: baselines),
            predictor: meta.predictorName, predictorIgnoresBitWidths: predictor.ignoresBitWidths)
        if !frontier.isEmpty { try report.write(to: plan.folder) }
        return CoDesignOutcome(report: report, state: final, folder: plan.folder, interrupted: false)
    }

    /// The candidates to hand out: never-asked ones first (in id order), then, with `reask`,
    /// outstanding ones asked before (fewest asks first), at most `count`.
    func choose(_ waiting: [OutstandingCandidate<Configuration>], count: Int, reask: Bool) -> [OutstandingCandidate<Configuration>] {
        let fresh = waiting.filter { state.pending[$0.id] == nil }
        let again =
            reask
            ? waiting.filter { state.pending[$0.id] != nil }.sorted { (state.pending[$0.id]!, $0.id) < (state.pending[$1.id]!, $1.id) } : []
        return Array((fresh + again).prefix(count))
    }

    /// The JSON line of a handed-out candidate.
    func asked(_ c: OutstandingCandidate<Configuration>, generation: Int, asks: Int) throws -> AskedCandidate {
        let network = try plan.meta.space.network(for: c.point)
        let point = FrontierPoint(point: c.point, network: network, metrics: c.predicted)
        return AskedCandidate(
            id: c.id, generation: generation, asks: asks, external: state.external, point: c.point,
            target: plan.meta.target.rawValue, device: plan.meta.device.part, cap: plan.meta.cap.argument,
            calibration: plan.meta.calibration, network: network,
            archDef: point.archDef, ofaConfig: point.ofaConfig, bits: c.point.bits,
            predicted: .init(top1: c.predicted.top1, top1StdDev: c.predicted.top1StdDev, latencyMs: c.predicted.latencyMs))
    }
}
