import Dispatch
import Foundation
import HAOSolver
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Set once by the SIGINT handler, read by the search loop between generations.
final class StopFlag: Sendable {
    private let value = Mutex(false)
    /// Whether a stop was asked for.
    var isSet: Bool { value.withLock { $0 } }
    /// Sets the flag; returns whether it was already set.
    func set() -> Bool {
        value.withLock { was in
            defer { was = true }
            return was
        }
    }
}

/// The first Ctrl-C asks the search to stop after the current generation (whose checkpoint is
/// then written); a second one exits at once, leaving the previous generation's checkpoint,
/// which atomic writes keep intact.
func installInterruptHandler(_ stop: StopFlag) -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
        if stop.set() {
            printError("\nStopped; the last complete generation's checkpoint is kept.")
            exit(130)
        }
        printError("\nInterrupted: finishing this generation and writing the checkpoint (Ctrl-C again to quit now).")
    }
    source.resume()
    return source
}

/// Ctrl-C during `hao lp`: the first stops branch and bound at its next node, so the best
/// solution so far is reported; a second one exits at once.
func installSolveInterruptHandler(_ stop: StopRequest) -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
        if stop.isRequested {
            printError("\nStopped.")
            exit(130)
        }
        stop.request()
        printError("\nInterrupted: stopping the solve and reporting the best solution so far (Ctrl-C again to quit now).")
    }
    source.resume()
    return source
}
