import Foundation
import HAOEvolution
import HAOHardware
import HAOSupport

/// What `ask` hands out.
public struct AskOutcome: Sendable {
    /// The candidates handed out now (empty when all outstanding ones are already out, or the search is finished).
    public var candidates: [AskedCandidate]
    /// The generation that waits (nil when finished).
    public var generation: Int?
    /// Candidates that generation still waits for, handed out or not.
    public var waitingFor: Int
    /// The finished search's outcome (frontier written), nil while generations remain.
    public var finished: AnyCoDesignOutcome?
}

/// What `tell` did.
public struct TellOutcome: Sendable, Equatable {
    /// New measurements recorded.
    public var recorded: Int
    /// Lines repeating a measurement already recorded (ignored).
    public var repeated: Int
    /// Candidates handed out and still not told.
    public var outstanding: Int
}

/// The ask/tell interface of the co-design search, for evaluations that run elsewhere (training
/// jobs, board farms) and are driven by an external engine (docs/ask-tell.md).
///
/// The folder holds `asktell.json` (see ``SearchFolderLock`` for the lock every call takes).
/// Only tells are state: each `ask` replays the search from its seed with the told values, so
/// the result is the in-process search's for an evaluator returning those values, a generation
/// advances once all its candidates are told, and a crashed driver loses nothing told.
public enum AskTell {
    /// Hands out up to `count` candidates the search waits for. The first call (no state in the
    /// request's output folder) creates the search from `request` with `external` metrics; later
    /// calls take everything from the state and refuse options that would change the search.
    /// `reask` also hands out candidates asked before and not told (a lost worker's).
    public static func ask(_ request: CoDesignRequest, external: ExternalMetrics?, count: Int, reask: Bool) throws -> AskOutcome {
        guard count >= 1 else { throw AskTellError.invalidOption("--ask needs a count of at least 1, got \(count)") }
        let (plan, state) = try open(request, external: external)
        let target = try HardwareTargets.make(plan.meta.target, settings: plan.meta.targetSettings)
        return try ask(on: target, plan: plan, state: state, count: count, reask: reask)
    }

    private static func ask<T: HardwareTarget>(on target: T, plan: CoDesignPlan, state: AskTellState, count: Int, reask: Bool) throws
        -> AskOutcome
    {
        try ask(AskTellSession(plan: plan, target: target, state: state), count: count, reask: reask)
    }

    /// Records measurements, one JSON object per line: `{"id": ..., "top1": ..., "latency_ms": ...}`
    /// (other keys are ignored). All lines are checked before any is recorded: unknown ids,
    /// missing or non-finite metrics and conflicting repeats refuse the whole file; a line that
    /// repeats a recorded measurement exactly is ignored (telling twice is harmless).
    public static func tell(folder: URL, lines text: String) throws -> TellOutcome {
        guard AskTellState.exists(in: folder) else { throw AskTellError.noState(folder: folder.path) }
        let lock = try SearchFolderLock.acquire(folder)
        defer { _ = lock }
        var state = try AskTellState.load(from: folder)
        let parsed = try TellParser(external: state.external).parse(text)
        var recorded = 0
        var repeated = 0
        var additions: [String: ToldMetrics] = [:]
        for (line, id, metrics) in parsed {
            if let earlier = state.told[id] ?? additions[id] {
                guard earlier == metrics else { throw AskTellError.conflictingTell(line: line, id: id, earlier: earlier, now: metrics) }
                repeated += 1
                continue
            }
            guard state.pending[id] != nil else { throw AskTellError.unknownCandidate(line: line, id: id) }
            additions[id] = metrics
            recorded += 1
        }
        for (id, metrics) in additions {
            state.told[id] = metrics
            state.pending[id] = nil
        }
        try state.write(to: folder)
        return TellOutcome(recorded: recorded, repeated: repeated, outstanding: state.pending.count)
    }

    private static func ask<T: HardwareTarget>(_ session: AskTellSession<T>, count: Int, reask: Bool) throws -> AskOutcome {
        var state = session.state
        switch try session.replay() {
        case .finished(let final, let problem):
            let outcome = try session.finish(final, problem: problem)
            if !state.finished {
                state.finished = true
                state.pending = [:]
                try state.write(to: session.plan.folder)
            }
            return AskOutcome(candidates: [], generation: nil, waitingFor: 0, finished: AnyCoDesignOutcome(outcome))
        case .waiting(let generation, let waiting):
            var handed: [AskedCandidate] = []
            for candidate in session.choose(waiting, count: count, reask: reask) {
                state.pending[candidate.id, default: 0] += 1
                handed.append(try session.asked(candidate, generation: generation, asks: state.pending[candidate.id]!))
            }
            try state.write(to: session.plan.folder)
            return AskOutcome(candidates: handed, generation: generation, waitingFor: waiting.count, finished: nil)
        }
    }

    /// The plan and state of the folder: created from the request on the first ask, read (with
    /// the fingerprint of the files it was created with checked) afterwards.
    static func open(_ request: CoDesignRequest, external: ExternalMetrics?) throws -> (CoDesignPlan, AskTellState) {
        let folder = request.folder
        guard AskTellState.exists(in: folder) && !request.overwrite else {
            guard let external else {
                throw AskTellError.invalidOption(
                    "\(folder.path) holds no ask/tell search; create one with --external accuracy|latency|both")
            }
            let plan = try CoDesignPlan.make(request)
            var state = AskTellState(meta: plan.meta, settings: plan.settings, external: external)
            state.baselines = request.baselines
            try state.write(to: folder)
            return (plan, state)
        }
        if let changed = request.searchDefiningOptions.first {
            throw AskTellError.invalidOption("\(folder.path) holds an ask/tell search; its settings are fixed, drop \(changed)")
        }
        let lock = try SearchFolderLock.acquire(folder)
        let state = try AskTellState.load(from: folder)
        if let external, external != state.external {
            throw AskTellError.invalidOption(
                "the search in \(folder.path) takes \(state.external.rawValue) from outside, not \(external.rawValue)")
        }
        if let recorded = state.meta.fingerprint {
            let differences = recorded.differences(from: try SearchFingerprint.make(state.meta), meta: state.meta)
            if !differences.isEmpty { throw CoDesignError.checkpointMismatch(differences.joined(separator: "; ")) }
        }
        let plan = CoDesignPlan(
            meta: state.meta, settings: state.settings, folder: folder, isResume: true,
            threads: request.threads ?? ProcessInfo.processInfo.activeProcessorCount,
            models: try? ModelsDirectory.locate(explicit: request.modelsDirectory), request: request, lock: lock)
        return (plan, state)
    }
}

extension CoDesignRequest {
    /// The options given that would define a new search (refused on an existing ask/tell search).
    var searchDefiningOptions: [String] {
        var given: [String] = []
        if target != nil { given.append("--target") }
        if device != nil { given.append("--device") }
        if space != nil { given.append("--space") }
        if predictor != nil { given.append("--predictor") }
        if population != nil { given.append("--population") }
        if generations != nil { given.append("--generations") }
        if seed != nil { given.append("--seed") }
        if constraints != SearchConstraints() { given.append("--min-fps / --max-latency-ms") }
        if cap != nil { given.append("--cap") }
        if solver != nil { given.append("--solver") }
        if bits != nil { given.append("--bits") }
        if variation != nil { given.append("--variation") }
        return given
    }
}
