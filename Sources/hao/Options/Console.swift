import ArgumentParser
import Foundation
import HAOSupport

#if canImport(Glibc)
    import Glibc
#endif

/// How `hao` treats its standard streams, so that output is never lost in silence and a failed
/// write never traps:
///
/// - Results go through ``emit(_:)`` (`write(2)`, each failure seen). A full disk or a closed
///   standard output ends the command with one line and status 1.
/// - A broken pipe (`hao ... | head`) ends the program quietly with status 1. Standard tools are
///   killed by SIGPIPE (status 141); hao ignores the signal so that the failure arrives as an
///   error it can act on, and keeps a non-zero status so `set -o pipefail` scripts still see
///   that output was cut.
/// - The argument parser's help and errors go through the same checked streams; anything
///   printed through stdio is flushed and checked at exit.
/// - Descriptors 0-2 that were closed at start are filled before any file is opened (see
///   ``StandardStream/occupyClosedDescriptors()``).
enum Console {
    /// The status of a run cut short by a broken pipe.
    static let brokenPipeStatus: Int32 = 1

    /// Call first thing in `main`.
    static func prepare() {
        StandardStream.occupyClosedDescriptors()
        signal(SIGPIPE, SIG_IGN)
        atexit { Console.checkStdioAtExit() }
    }

    /// Ends the program at once after a broken pipe, without a message (the reader has gone).
    static func exitAfterBrokenPipe() -> Never {
        _exit(brokenPipeStatus)
    }

    /// Runs the parsed command; stream failures become one line (or, for a broken pipe, none).
    static func run(_ command: inout any ParsableCommand) throws {
        do {
            try command.run()
        } catch let error as StreamWriteError {
            if case .brokenPipe = error { exitAfterBrokenPipe() }
            throw CLIError(error.description)
        }
    }

    /// Reports an error as the argument parser would (help on standard output, messages on
    /// standard error), through the checked streams, and exits with its status.
    static func exitReporting<Command: ParsableCommand>(_ command: Command.Type, error: any Error) -> Never {
        let code = Command.exitCode(for: error)
        let message = Command.fullMessage(for: error)
        if !message.isEmpty {
            if code == .success {
                do { try StandardStream.output.write(message + "\n") } catch {
                    if case .brokenPipe = error { exitAfterBrokenPipe() }
                    printError("Error: \(error)")
                    _exit(1)
                }
            } else if code == .validationFailure, let first = message.split(separator: "\n").first {
                // A usage error is one line; the usage synopsis after it repeats what --help says.
                printError(String(first))
            } else {
                printError(message)
            }
        }
        exit(code.rawValue)
    }

    /// Anything written through stdio (nothing of hao's own; kept for code that calls `print`)
    /// is flushed at exit, and a failure becomes one line and status 1.
    private static func checkStdioAtExit() {
        errno = 0
        guard fflush(nil) != 0 else { return }
        let code = errno
        if code == EPIPE { _exit(brokenPipeStatus) }
        let reason = code == 0 ? "write error" : code == EBADF ? "it is closed (\(systemReason(code)))" : systemReason(code)
        printError("Error: cannot write to standard output: \(reason)")
        _exit(1)
    }
}
