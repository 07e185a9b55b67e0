import Foundation
import HAOCoDesign
import HAOEvolution

#if canImport(Glibc)
    import Glibc
#endif

/// Renders a session's events on stderr: a progress line redrawn in place on a terminal, one
/// line per generation otherwise.
final class SearchProgressRenderer {
    private let clock: ContinuousClock
    private var runStart: ContinuousClock.Instant
    private let isTerminal = isatty(STDERR_FILENO) != 0

    init(clock: ContinuousClock) {
        self.clock = clock
        runStart = clock.now
    }

    func render(_ event: CoDesignEvent) {
        switch event {
        case .resuming(let folder, let generation, let evaluations):
            printError("Resuming \(folder.path) at generation \(generation) (\(evaluations) evaluations so far).")
            runStart = clock.now
        case .starting(let description):
            printError(description)
        case .generationDone(let s):
            let elapsed = (clock.now - runStart).seconds
            let remaining = max(0, s.generations - s.generation)
            let eta = s.generationsThisRun > 0 ? elapsed / Double(s.generationsThisRun) * Double(remaining) : nil
            let line = ProgressLine.format(
                generation: s.generation, generations: s.generations, evaluations: s.evaluations,
                evaluationsPerSecond: s.evaluationsPerSecond, frontier: s.frontier,
                targetFps: s.targetFps, bestTop1: s.bestTop1, eta: eta)
            if isTerminal {
                printError("\r\u{1B}[K" + line, newline: false)
            } else {
                printError(line)
            }
            if s.generationsThisRun == 0 { runStart = clock.now }
        case .stopped:
            finish()
        case .warning(let text):
            printError(text)
        }
    }

    /// Ends the progress line on a terminal.
    func finish() {
        if isTerminal { printError("") }
    }
}

/// The summary printed after a search: the frontier table, the evaluation counters and where the
/// best point stands against the paper's headline.
func searchSummary(_ outcome: AnyCoDesignOutcome, elapsed: Duration) -> String {
    var lines = ["Pareto frontier on \(outcome.device): \(outcome.frontierCount) points (predicted top-1 vs latency)"]
    if let model = outcome.latencyModel { lines.append("Latency model: \(model.summary)") }
    if outcome.frontierCount > 0 { lines.append(outcome.table) }
    lines.append("")
    let st = outcome.stats
    let predictorTime = st.phaseSeconds[.predictor] ?? 0
    let solverTime = st.phaseSeconds[.solver] ?? 0
    let busy = max(predictorTime + solverTime, 1e-12)
    lines.append(
        String(
            format:
                "Evaluations: %d distinct (%d repeats served from the memo), %.1f per second; per-candidate time %.1f%% predictor, %.1f%% solver; wall time %@.",
            st.evaluations, st.cacheHits, st.evaluationsPerSecond, 100 * predictorTime / busy, 100 * solverTime / busy,
            ProgressLine.formatDuration(elapsed.seconds)))
    if let certificates = outcome.certificates { lines.append(certificates.line) }
    lines += headlineLines(outcome)
    if outcome.frontierCount > 0 {
        lines.append(
            "Wrote \(outcome.folder.path)/frontier.json, frontier.csv, frontier.svg and "
                + (FileManager.default.fileExists(atPath: outcome.folder.appendingPathComponent("asktell.json").path)
                    ? "asktell.json." : "checkpoint.json and memo.journal."))
    }
    return lines.joined(separator: "\n")
}

private func headlineLines(_ outcome: AnyCoDesignOutcome) -> [String] {
    let h = outcome.headline
    guard let best = h.best else {
        guard outcome.frontierCount > 0 else { return [] }
        return [
            String(
                format: "MISS: no frontier point reaches predicted top-1 >= %.1f%% (best %.2f%%).", h.accuracyTarget, outcome.bestTop1 ?? 0)
        ]
    }
    var lines = [
        String(
            format: "Best frontier point with predicted top-1 >= %.1f%%: %.2f%% at %.1f fps (%.3f ms), %@ (paper: 72.5%% at 50 fps).",
            h.accuracyTarget, best.top1, best.fps, best.latencyMs, best.network)
    ]
    lines.append("  Its bit-width policy: \(best.policy); stem, first block and head at 8 bits.")
    if !h.ratios.isEmpty {
        lines.append("  fps ratio over the baselines (same integer program, device and caps; baseline policy")
        lines.append("  uniform N-bit = every block after the first at N bits):")
    }
    for r in h.ratios {
        let policy = r.samePolicy ? "same policy" : "policy differs: best point \(best.policy.hasPrefix("mixed") ? "mixed" : best.policy)"
        lines.append(String(format: "    over %@ at uniform %d-bit: %.2fx (%@)", r.baseline, r.bits, r.ratio, policy))
    }
    if h.ratios.isEmpty { lines.append("  No baseline comparison (baselines skipped or not mappable).") }
    lines.append("  Paper: 1.6x over MnasNet-A1, 2.35x over FBNet-B.")
    if !h.ratios.contains(where: \.samePolicy) && !h.ratios.isEmpty {
        lines.append("  For a like-for-like ratio, search at the baselines' policy: hao search --bits uniform8 (or uniform4).")
    }
    return lines
}
