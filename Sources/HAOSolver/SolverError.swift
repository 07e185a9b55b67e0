/// Why a solve or a solver file operation failed. Backend-neutral: every case names the backend
/// it comes from, so callers can fall back or report without knowing which backend ran.
public enum SolverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model failed validation; no backend saw it.
    case invalidModel(ModelError)
    /// A backend rejected a call; its own message is attached. The process carries on.
    case rejected(by: SolverID, message: String)
    /// A backend returned a failure code (e.g. a numerical failure of the simplex method).
    case failed(SolverID, code: Int, message: String)
    /// A backend stopped (e.g. at its time limit) before proving its answer optimal.
    case notProven(SolverID, status: SolveStatus)
    /// A solver option is out of range.
    case invalidOption(String)
    /// A model file could not be read or written.
    case fileError(path: String, message: String)
    /// A backend that cannot handle this problem (e.g. too large to enumerate).
    case unsupported(String)
    /// Two exact solvers disagree on one problem: a bug in one of them, never a tolerance.
    /// Both answers are described, the claimed one first.
    case disagreement(claimed: String, certifier: String)

    /// True when a backend could not finish a well-formed problem (it stopped at a limit before
    /// a proof, or failed numerically): the question is open, nothing is wrong with it. False for
    /// errors that say the model, the call or an answer is wrong, which a caller must not take
    /// for "did not finish" (a certificate program that does not validate is a bug to report).
    public var isInconclusive: Bool {
        switch self {
        case .notProven, .failed: return true
        case .invalidModel, .rejected, .invalidOption, .fileError, .unsupported, .disagreement: return false
        }
    }

    /// One line for the user: what failed, which solver, and why.
    public var description: String {
        switch self {
        case .invalidModel(let error): return "invalid model: \(error)"
        case .rejected(let solver, let message):
            // GLPK's messages end with "Error detected in file ... at line N": its source, not the user's.
            let lines = message.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }
                .filter { !$0.isEmpty && !$0.hasPrefix("Error detected in file") }
            return "\(solver.displayName) rejected the call: \(lines.joined(separator: "; "))"
        case .failed(let solver, let code, let message):
            let detail = message.trimmingWhitespace()
            return "\(solver.displayName) failed with code \(code)" + (detail.isEmpty ? "" : ": \(detail)")
        case .notProven(let solver, let status):
            return "\(solver.displayName) stopped with status \(status.rawValue) before proving optimality"
        case .invalidOption(let message): return "invalid solver option: \(message)"
        case .fileError(let path, let message): return "\(path): \(message.trimmingWhitespace())"
        case .unsupported(let message): return "unsupported: \(message)"
        case .disagreement(let claimed, let certifier):
            return "exact solvers disagree (a bug; please report it with this message): \(claimed); but \(certifier)"
        }
    }
}
