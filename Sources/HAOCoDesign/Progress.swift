import Foundation
import HAOEvolution

/// The one-line progress report of a search, redrawn in place on a terminal.
///
/// It must fit a standard 80-column terminal with a column to spare: a line that wraps leaves
/// a stale line per redraw, since `\r` only returns to the start of the last physical line.
public enum ProgressLine {
    /// The widest line produced (80 columns minus one, so the cursor never wraps).
    public static let maxWidth = 79

    /// Formats the progress of a run. Fields are dropped, least useful first, until the line fits
    /// ``maxWidth``: the bar, the evaluation rate, the frontier size, the evaluation count and the
    /// best top-1; the generation and the ETA always stay.
    /// - Parameters:
    ///   - eta: seconds left, `nil` before the first timed generation.
    ///   - bestTop1: best predicted top-1 (percent) of a frontier point reaching `targetFps`.
    public static func format(
        generation: Int, generations: Int, evaluations: Int, evaluationsPerSecond: Double,
        frontier: Int, targetFps: Double, bestTop1: Double?, eta: Double?
    ) -> String {
        let gen = "gen \(generation)/\(generations)"
        let etaText = "ETA " + (eta.map(formatDuration) ?? "--")
        let best = "top-1 @\(fpsLabel(targetFps))fps " + (bestTop1.map { String(format: "%.2f%%", $0) } ?? "none yet")
        let rate = String(format: evaluationsPerSecond >= 100 ? "%.0f" : "%.1f", evaluationsPerSecond)
        // Candidate layouts from most to least detailed.
        let layouts: [[String]] = [
            [gen, "\(evaluations) evals (\(rate)/s)", "frontier \(frontier)", best, etaText],
            [gen, "\(evaluations) evals", "frontier \(frontier)", best, etaText],
            [gen, "\(evaluations) evals", best, etaText],
            [gen, best, etaText],
            [gen, etaText],
        ]
        for fields in layouts {
            let line = fields.joined(separator: "  ")
            guard line.count <= maxWidth else { continue }
            // A bar when there is room for a useful one (at least 10 cells).
            let room = maxWidth - line.count - 3
            if room >= 10 {
                let width = min(20, room)
                // In Double: width * generation can overflow Int for absurd counts.
                let share = generations > 0 ? min(1, max(0, Double(generation) / Double(generations))) : 1
                let filled = Int((Double(width) * share).rounded(.down))
                return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + line
            }
            return line
        }
        // Only absurd numbers get here (e.g. a 40-digit generation count): cut, keeping the ETA.
        let tail = "  " + etaText
        return String(gen.prefix(max(0, maxWidth - tail.count))) + tail
    }

    static func fpsLabel(_ fps: Double) -> String {
        fps == fps.rounded() && abs(fps) < 1e9 ? String(Int(fps)) : String(format: "%.1f", fps)
    }

    /// "6.4s" under a minute, "12m05s" under an hour, "3h07m" beyond.
    public static func formatDuration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "--" }
        let total = Int(min(s, 1e9).rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : String(format: "%.1fs", s)
    }
}
