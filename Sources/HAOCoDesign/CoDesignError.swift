/// Why a co-design search cannot start or ended without a result.
public enum CoDesignError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A checkpoint from another search.
    case checkpointMismatch(String)
    /// The search evaluated candidates but none met the constraints.
    case noFeasibleCandidate(String)
    /// The constraints cannot be met by any network of the space (checked before searching).
    case impossibleConstraints(String)
    /// Options that contradict each other or the checkpoint being resumed.
    case conflictingOptions(String)
    /// Another search holds the output folder.
    case folderInUse(String)

    /// One line for the user: the kind of failure followed by the details.
    public var description: String {
        switch self {
        case .checkpointMismatch(let s): return "checkpoint does not match this search: \(s)"
        case .noFeasibleCandidate(let s): return "no feasible network found: \(s)"
        case .impossibleConstraints(let s): return "impossible constraints: \(s)"
        case .conflictingOptions(let s): return "conflicting options: \(s)"
        case .folderInUse(let s): return s
        }
    }
}
