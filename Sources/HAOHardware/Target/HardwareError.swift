import HAONetwork
import HAOSolver

/// Why a hardware target could not set up or solve a problem. Target-neutral.
public enum HardwareError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The network is not one the target runs.
    case invalidNetwork(NetworkError)
    /// The device description is unusable (e.g. a zero clock).
    case invalidDevice(String)
    /// A target fps or cap that is not a positive finite number, or another bad option.
    case invalidOption(String)
    /// The target cannot do what was asked (e.g. a bit width it has no mode for).
    case unsupported(String)
    /// The network or candidate set is beyond what this tool handles.
    case tooLarge(String)
    /// The solver failed (not infeasibility: that is a status).
    case solverFailed(SolverError)
    /// A file the target was asked to write could not be written.
    case outputFailed(String)
    /// A solver's objective and the cost model's evaluation of its answer differ: a bug.
    case inconsistent(String)

    /// One line for the user: a prefix naming the kind of error ("invalid option: ...") and the message; network errors and output
    /// failures come without a prefix, since their messages already say what failed.
    public var description: String {
        switch self {
        // Validation only throws `invalidField` ("invalid network: block 3, ...") and `tooLarge`
        // ("network too large: ..."), which already say what is wrong; a prefix would repeat it.
        case .invalidNetwork(let e): return e.description
        case .invalidDevice(let m): return "invalid device: \(m)"
        case .invalidOption(let m): return "invalid option: \(m)"
        case .unsupported(let m): return "unsupported: \(m)"
        case .tooLarge(let m): return "too large: \(m)"
        case .solverFailed(let e): return "solver failed: \(e)"
        case .outputFailed(let m): return m
        case .inconsistent(let m): return "internal inconsistency: \(m)"
        }
    }
}
