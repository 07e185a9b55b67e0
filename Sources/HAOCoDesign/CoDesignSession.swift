import Foundation
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import HAOSupport

/// What a session reports while it runs (the command line renders these).
public enum CoDesignEvent: Sendable {
    /// A resumed search continues at this generation.
    case resuming(folder: URL, generation: Int, evaluations: Int)
    /// A fresh search starts.
    case starting(description: String)
    /// A generation (or the initial population) is done and checkpointed.
    case generationDone(ProgressSnapshot)
    /// The run stopped early (interrupt or error) after a generation's checkpoint.
    case stopped
    /// Something the user should know but that does not stop the run.
    case warning(String)
}

/// Where a run stands after a generation: what the progress line shows.
public struct ProgressSnapshot: Sendable {
    /// Completed generations.
    public var generation: Int
    /// Generations asked for.
    public var generations: Int
    /// Generations done in this process (for the ETA).
    public var generationsThisRun: Int
    /// Distinct candidates evaluated.
    public var evaluations: Int
    /// Distinct evaluations per second of evaluation time.
    public var evaluationsPerSecond: Double
    /// Points in the Pareto archive.
    public var frontier: Int
    /// The frame rate the progress line reports the best top-1 at.
    public var targetFps: Double
    /// Best predicted top-1 of an archive point reaching `targetFps`.
    public var bestTop1: Double?
}

/// How a session ended.
public struct CoDesignOutcome<Configuration: Sendable & Hashable & Codable>: Sendable {
    /// The report written to the folder (empty frontier when nothing was found).
    public var report: FrontierReport<Configuration>
    /// The final search state.
    public var state: SearchState<ArchitecturePoint, CandidateMetrics<Configuration>>
    /// The output folder.
    public var folder: URL
    /// Whether the run stopped before its last generation because it was asked to.
    public var interrupted: Bool
}

/// A co-design search on one hardware target, fresh or resumed: builds the evaluator, runs
/// NSGA-II with a checkpoint after every generation, solves the baselines, writes the frontier.
public struct CoDesignSession<Target: HardwareTarget>: Sendable {
    /// The resolved plan.
    public let plan: CoDesignPlan
    /// The hardware target.
    public let target: Target

    /// A session of `plan` on `target`.
    public init(plan: CoDesignPlan, target: Target) {
        self.plan = plan
        self.target = target
    }

    typealias Metrics = CandidateMetrics<Target.Configuration>
    typealias State = SearchState<ArchitecturePoint, Metrics>

    /// Runs the search to its last generation (or until `shouldStop`), reporting through `onEvent`.
    /// Throws ``CoDesignError/noFeasibleCandidate(_:)`` when nothing met the constraints, with
    /// what to do next in its message.
    public func run(
        shouldStop: @escaping @Sendable () -> Bool = { false },
        onEvent: (CoDesignEvent) -> Void = { _ in }
    ) throws -> CoDesignOutcome<Target.Configuration> {
        let meta = plan.meta
        let predictor = try AccuracyPredictor(contentsOf: URL(fileURLWithPath: meta.predictorPath))
        try meta.checkPredictor(predictor, userAllows: plan.request.allowBitBlindPredictor)
        if predictor.ignoresBitWidths {
            onEvent(
                .warning(
                    "Warning: the predictor \(meta.predictorName) has no quantization part: every top-1 is a full-precision prediction"
                        + (meta.hasMixedBitChoices
                            ? " and 4-bit blocks cost no accuracy, so the frontier favours 4 bits."
                            : " (the space has one bit width, so candidates still rank fairly).")
                        + " Recorded as predictor_ignores_bit_widths in frontier.json."))
        }
        let evaluator = HardwareAwareEvaluator(
            space: meta.space, predictor: predictor, target: target, choice: meta.solver,
            seed: plan.settings.seed)
        let problem = try CoDesignProblem(
            space: meta.space, evaluator: try candidateEvaluator(evaluator), constraints: meta.constraints,
            mutationRate: meta.mutationRate, bitsMode: meta.bitsMode, variation: meta.variation)
        let search = try NSGA2(problem: problem, settings: plan.settings, threads: plan.threads)
        let (initial, store) = try initialState(search, problem: problem, onEvent: onEvent)
        var state = initial
        let interrupted = try evolve(search, &state, store: store, shouldStop: shouldStop, onEvent: onEvent)
        let frontier = try problem.frontier(of: state)
        // Under auto, GLPK certifies every frontier point before anything is written.
        let confirmation = try evaluator.confirm(frontier.map { ($0.point, $0.metrics) }, threads: plan.threads)
        state.stats.counts[.frontierCertificates, default: 0] = confirmation.certificates
        state.stats.counts[.certificatesNotCompleted, default: 0] += confirmation.notCompleted
        state.stats.phaseSeconds[.frontierCertificates] = confirmation.seconds
        var baselines: [BaselinePoint<Target.Configuration>] = []
        if plan.request.baselines, let models = plan.models, !frontier.isEmpty {
            baselines = solveBaselines(models: models, evaluator: evaluator, onEvent: onEvent)
        }
        let report = FrontierReport(
            device: "\(meta.device.part) (\(meta.device.board))", space: meta.space.name,
            constraints: meta.constraints, settings: plan.settings, generations: state.generation,
            stats: state.stats, frontier: frontier, baselines: baselines,
            headline: Headline(frontier: frontier, baselines: baselines),
            predictor: meta.predictorName, predictorIgnoresBitWidths: predictor.ignoresBitWidths,
            latencyModel: target.latencyModel,
            certificates: CertificateSummary(stats: state.stats, solver: meta.solver),
            fastEvaluator: evaluator.fastStatistics)
        if !frontier.isEmpty { try report.write(to: plan.folder) }
        let outcome = CoDesignOutcome(report: report, state: state, folder: plan.folder, interrupted: interrupted)
        if frontier.isEmpty && !(interrupted && state.generation < meta.generations) { try failNoFeasible(state) }
        return outcome
    }

    /// The evaluator the bit policy asks for: the target's own widths, or the bit-allocation
    /// program's for `--bits optimal` (which needs a latency limit and a mixed-precision target).
    func candidateEvaluator(_ evaluator: HardwareAwareEvaluator<Target>) throws -> AnyCandidateEvaluator<Target.Configuration> {
        guard plan.meta.bitsMode == .optimal else { return AnyCandidateEvaluator(evaluator) }
        let meta = plan.meta
        guard let limit = meta.constraints.latencyLimitMs else {
            throw SearchError.invalidSetting(
                "--bits optimal chooses each candidate's widths for a latency limit: give --min-fps or --max-latency-ms")
        }
        guard let mixed = target as? any MixedPrecisionTarget else {
            throw SearchError.invalidSetting("--bits optimal: the target \(Target.id) has no bit widths to choose")
        }
        return try optimalBitsEvaluator(mixed, predictor: evaluator.predictor, limit: limit)
    }

    private func optimalBitsEvaluator<M: MixedPrecisionTarget>(
        _ mixed: M, predictor: AccuracyPredictor,
        limit: Double
    ) throws -> AnyCandidateEvaluator<Target.Configuration> {
        // The native exact solver: thousands of small programs, each ~1 ms, where GLPK takes tens.
        let solver: any ExactSolver = plan.meta.solver == .glpk ? SolverChoice.glpk.makeSolver() : NativeBackend()
        let optimal = try OptimalBitsEvaluator(
            space: plan.meta.space, predictor: predictor, target: mixed, solver: solver, latencyLimitMs: limit)
        // `M` is `Target` itself (opened from `target`), so its configurations are `Target`'s.
        guard let typed = AnyCandidateEvaluator(optimal) as? AnyCandidateEvaluator<Target.Configuration> else {
            throw SearchError.invalidSetting("--bits optimal: the target's bit allocation reports another configuration type")
        }
        return typed
    }

    typealias Store = CheckpointStore<SearchMeta, ArchitecturePoint, Metrics>

    /// The resumed state, or a fresh initial population (after checking the constraints can be
    /// met at all, so an impossible search fails before it leaves a checkpoint), with the store
    /// that saves it.
    func initialState<E>(
        _ search: NSGA2<CoDesignProblem<E>>, problem: CoDesignProblem<E>,
        onEvent: (CoDesignEvent) -> Void
    ) throws -> (State, Store) where E.Configuration == Target.Configuration {
        if plan.isResume {
            let (checkpoint, store) = try Store.load(
                from: plan.checkpointURL, memoKey: problem.memoKey, validate: { try $0.checkContents() })
            let state = checkpoint.state
            try checkArchiveSample(state, problem: problem)
            onEvent(.resuming(folder: plan.folder, generation: state.generation, evaluations: state.stats.evaluations))
            return (state, store)
        }
        try problem.checkConstraintsArePossible()
        let m = plan.meta
        let s = plan.settings
        onEvent(
            .starting(
                description:
                    "Searching \(m.space.name) on \(m.device.part) (\(m.device.board)): population \(s.populationSize), \(m.generations) generations, seed \(s.seed), \(plan.threads) thread(s), solver \(m.solver), variation \(m.variation.name); latency model: \(target.latencyModel.summary)."
            ))
        let state = try search.initialState()
        let store = Store(url: plan.checkpointURL, interval: plan.checkpointInterval)
        try save(state, to: store, force: true)
        onEvent(.generationDone(snapshot(state, startGeneration: 0)))
        return (state, store)
    }

    /// Runs the remaining generations, journaling each and snapshotting at the store's interval,
    /// at the last generation and when stopped; returns whether it was interrupted.
    func evolve<E>(
        _ search: NSGA2<CoDesignProblem<E>>, _ state: inout State, store: Store, shouldStop: @escaping @Sendable () -> Bool,
        onEvent: (CoDesignEvent) -> Void
    ) throws -> Bool where E.Configuration == Target.Configuration {
        let startGeneration = state.generation
        let generations = plan.meta.generations
        do {
            try search.run(
                &state, generations: generations, shouldStop: { _ in shouldStop() },
                afterGeneration: { s in
                    try save(s, to: store, force: s.generation >= generations || shouldStop())
                    onEvent(.generationDone(snapshot(s, startGeneration: startGeneration)))
                })
            // A stop requested just after a generation's save: that generation is snapshotted now.
            if store.savedGeneration != state.generation { try save(state, to: store, force: true) }
        } catch let error as SearchError {
            onEvent(.stopped)
            throw CoDesignRunError(
                message: error.description + "\n"
                    + CoDesignPlan.howToProceed(folder: plan.folder, generation: store.savedGeneration ?? startGeneration))
        }
        return shouldStop() && state.generation < generations
    }

    func save(_ state: State, to store: Store, force: Bool) throws {
        try store.save(Checkpoint(meta: plan.meta, settings: plan.settings, state: state), force: force)
    }

    func snapshot(_ s: State, startGeneration: Int) -> ProgressSnapshot {
        let target = plan.meta.constraints.minFps ?? 50
        let best = s.archive.members.compactMap(\.outcome.payload).filter { $0.fps >= target }.map(\.top1).max()
        return ProgressSnapshot(
            generation: s.generation, generations: plan.meta.generations, generationsThisRun: s.generation - startGeneration,
            evaluations: s.stats.evaluations, evaluationsPerSecond: s.stats.evaluationsPerSecond,
            frontier: s.archive.count, targetFps: target, bestTop1: best)
    }

    /// Every shipped network at uniform 8 and 4 bits (after the first block), on the same target.
    func solveBaselines(
        models: ModelsDirectory, evaluator: HardwareAwareEvaluator<Target>,
        onEvent: (CoDesignEvent) -> Void
    ) -> [BaselinePoint<Target.Configuration>] {
        let files = ((try? FileManager.default.contentsOfDirectory(at: models.networks, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var points: [BaselinePoint<Target.Configuration>] = []
        for file in files {
            guard let network = try? Network.load(contentsOf: file) else {
                onEvent(.warning("Skipping baseline \(file.lastPathComponent): not a readable network file."))
                continue
            }
            for bits in [8, 4] where Target.supports(bits: bits) {
                do { points.append(try evaluator.baseline(network, bits: bits)) } catch {
                    onEvent(.warning("Skipping baseline \(network.name) at \(bits) bits: \(error)"))
                }
            }
        }
        return points
    }

    /// Nothing met the constraints. A fresh search leaves nothing worth resuming: its checkpoint
    /// is removed so the same folder can be used with looser constraints without --overwrite
    /// (and, with --overwrite, the replaced search's frontier files go too). A resumed search
    /// keeps the checkpoint it was given.
    func failNoFeasible(_ state: State) throws -> Never {
        let closest: (Double, String)? = state.closestInfeasible.flatMap { entry in
            if case .infeasible(let reason, let v) = entry.outcome { return (v, reason) }
            return nil
        }
        let failure = CoDesignError.noFeasibleCandidate(
            "\(state.stats.evaluations) candidates evaluated, none meets the constraints"
                + (closest.map { "; the closest: \($0.1)" } ?? ""))
        guard !plan.isResume else {
            throw CoDesignRunError(
                message: failure.description + "\n" + CoDesignPlan.howToProceed(folder: plan.folder, generation: state.generation))
        }
        try? FileManager.default.removeItem(at: plan.checkpointURL)
        try? FileManager.default.removeItem(at: plan.journalURL)
        if plan.request.overwrite {
            for name in ["frontier.json", "frontier.csv", "frontier.svg"] {
                try? FileManager.default.removeItem(at: plan.folder.appendingPathComponent(name))
            }
        }
        throw CoDesignRunError(
            message: failure.description
                + "\nNothing was kept in \(plan.folder.path); loosen the constraints and run again (the same --out works).")
    }
}

/// A search that failed after it started, with what to do next (resume, or start afresh).
public struct CoDesignRunError: Error, Sendable, CustomStringConvertible {
    /// The failure and the advice, one per line.
    public var message: String
    /// ``message``, unchanged.
    public var description: String { message }
}

/// Runs a co-design search on the target its plan names.
public enum CoDesign {
    /// Builds the plan's target and runs its session (see ``CoDesignSession/run(shouldStop:onEvent:)``).
    /// `body` receives the outcome, type-erased over the target's configuration.
    public static func run(
        _ plan: CoDesignPlan, shouldStop: @escaping @Sendable () -> Bool = { false },
        onEvent: (CoDesignEvent) -> Void = { _ in }
    ) throws -> AnyCoDesignOutcome {
        let target = try HardwareTargets.make(plan.meta.target, settings: plan.meta.targetSettings)
        return try run(plan, on: target, shouldStop: shouldStop, onEvent: onEvent)
    }

    private static func run<T: HardwareTarget>(
        _ plan: CoDesignPlan, on target: T, shouldStop: @escaping @Sendable () -> Bool,
        onEvent: (CoDesignEvent) -> Void
    ) throws -> AnyCoDesignOutcome {
        AnyCoDesignOutcome(try CoDesignSession(plan: plan, target: target).run(shouldStop: shouldStop, onEvent: onEvent))
    }
}

/// A session's outcome as the command line renders it, whatever the target.
public struct AnyCoDesignOutcome: Sendable {
    /// The frontier table (see ``FrontierReport/table()``).
    public var table: String
    /// Frontier points.
    public var frontierCount: Int
    /// The device as reported.
    public var device: String
    /// The best point, its policy and the ratios.
    public var headline: HeadlineSummary
    /// Counters of the run.
    public var stats: SearchStats
    /// Completed generations.
    public var generation: Int
    /// Whether the run stopped early because it was asked to.
    public var interrupted: Bool
    /// The output folder.
    public var folder: URL
    /// Best top-1 of the frontier (for the "MISS" line).
    public var bestTop1: Double?
    /// Which latency model produced the figures.
    public var latencyModel: LatencyModelDescription?
    /// What GLPK certified (`--solver auto`).
    public var certificates: CertificateSummary?

    init<C>(_ outcome: CoDesignOutcome<C>) {
        table = outcome.report.table()
        frontierCount = outcome.report.frontier.count
        device = outcome.report.device
        headline = HeadlineSummary(outcome.report.headline)
        stats = outcome.state.stats
        generation = outcome.state.generation
        interrupted = outcome.interrupted
        folder = outcome.folder
        bestTop1 = outcome.report.frontier.map(\.metrics.top1).max()
        latencyModel = outcome.report.latencyModel
        certificates = outcome.report.certificates
    }
}

/// The headline without the target's configuration type.
public struct HeadlineSummary: Sendable {
    /// The top-1 target.
    public var accuracyTarget: Double
    /// The best point's top-1, fps, latency, network name and bit policy.
    public var best: (top1: Double, fps: Double, latencyMs: Double, network: String, policy: String)?
    /// The ratios over the baselines.
    public var ratios: [HeadlineRatio]

    init<C>(_ h: Headline<C>) {
        accuracyTarget = h.accuracyTarget
        best = h.best.map { ($0.metrics.top1, $0.metrics.fps, $0.metrics.latencyMs, $0.network.name, $0.bitPolicy) }
        ratios = h.ratios
    }
}
