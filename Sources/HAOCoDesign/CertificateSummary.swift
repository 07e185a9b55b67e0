import HAOEvolution
import HAOHardware
import HAOSolver

/// What GLPK certified in a `--solver auto` search (frontier.json's `certificates`, and a line of
/// the summary). A refuted certificate stops the search, so a written report has none.
public struct CertificateSummary: Sendable, Codable, Hashable {
    /// The certifier.
    public var certifier: String
    /// Cutoff certificates: one per frontier point (all of them, at the end of the run).
    public var frontier: Int
    /// Reproduction certificates of the seeded sample of other candidates.
    public var sampled: Int
    /// The sample's share of candidates.
    public var sampleRate: Double
    /// Certificates GLPK could not finish (time limit or numerical failure); their answers stand uncertified.
    public var notCompleted: Int
    /// Refuted certificates: always 0 in a written report.
    public var disagreements: Int
    /// Seconds in certificates, summed over threads.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case certifier, sampled, disagreements, seconds
        case frontier = "frontier_points"
        case sampleRate = "sample_rate"
        case notCompleted = "not_completed"
    }

    /// The summary of a run's statistics under `solver`; nil unless the run certified (`auto`).
    public init?(stats: SearchStats, solver: SolverChoice, sampleRate: Double = CoDesignDefaults.certificateSampleRate) {
        guard solver.isAuto, stats.counts[.frontierCertificates] != nil || stats.counts[.sampleCertificates] != nil else { return nil }
        certifier = SolverID.glpk.rawValue
        frontier = stats.counts[.frontierCertificates] ?? 0
        sampled = stats.counts[.sampleCertificates] ?? 0
        self.sampleRate = sampleRate
        notCompleted = stats.counts[.certificatesNotCompleted] ?? 0
        disagreements = 0
        seconds = (stats.phaseSeconds[.frontierCertificates] ?? 0) + (stats.phaseSeconds[.sampleCertificates] ?? 0)
    }

    /// One line for the terminal.
    public var line: String {
        let held = notCompleted == 0 ? "all held" : "all that finished held; \(notCompleted) could not finish (answers uncertified)"
        return "GLPK certificates: all \(frontier) frontier points (cutoff: nothing one cycle faster) and \(sampled) sampled candidates "
            + "(reproduction, \(sampleRate * 100)% sample), \(held); \(String(format: "%.1f", seconds)) s of certificate time."
    }
}
