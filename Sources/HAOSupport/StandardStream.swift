import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why writing to standard output or standard error failed.
public enum StreamWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reader went away (`hao ... | head`): standard tools stop quietly.
    case brokenPipe(stream: String)
    /// Any other failure: a full disk, a closed descriptor, an I/O error.
    case failed(stream: String, reason: String)

    /// One line for the user naming the stream and the failure.
    public var description: String {
        switch self {
        case .brokenPipe(let stream): return "cannot write to \(stream): the pipe's reader has gone (broken pipe)"
        case .failed(let stream, let reason): return "cannot write to \(stream): \(reason)"
        }
    }
}

/// Standard output or standard error, written with `write(2)` so that every failure is seen:
/// Foundation's `FileHandle.write(_:)` traps on ENOSPC and EPIPE, and `print` loses errors in
/// stdio's buffer. Writes are unbuffered: each call is one complete piece of text.
public struct StandardStream: Sendable {
    /// The descriptor.
    public let descriptor: Int32
    /// "standard output" or "standard error", for messages.
    public let name: String

    /// Standard output (descriptor 1).
    public static let output = StandardStream(descriptor: STDOUT_FILENO, name: "standard output")
    /// Standard error (descriptor 2).
    public static let error = StandardStream(descriptor: STDERR_FILENO, name: "standard error")

    /// Writes `text` whole.
    public func write(_ text: String) throws(StreamWriteError) {
        try write(Data(text.utf8))
    }

    /// Writes `data` whole.
    public func write(_ data: Data) throws(StreamWriteError) {
        guard let code = writeAll(descriptor, data) else { return }
        switch code {
        case EPIPE: throw .brokenPipe(stream: name)
        case EBADF: throw .failed(stream: name, reason: "it is closed (\(systemReason(code)))")
        default: throw .failed(stream: name, reason: systemReason(code))
        }
    }

    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool { isatty(descriptor) != 0 }

    /// Makes descriptors 0, 1 and 2 safe to rely on, before anything opens a file: a closed one
    /// (`hao ... >&-`) is filled with /dev/null opened for reading, so that no file the program
    /// opens later takes its number (a checkpoint would otherwise receive the printed summary),
    /// and writes to it still fail with EBADF as they would on the closed descriptor. Returns
    /// the descriptors that were closed.
    @discardableResult
    public static func occupyClosedDescriptors() -> [Int32] {
        var closed: [Int32] = []
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            closed.append(descriptor)
            let placeholder = open("/dev/null", O_RDONLY)
            if placeholder >= 0 && placeholder != descriptor {
                _ = dup2(placeholder, descriptor)
                close(placeholder)
            }
        }
        return closed
    }
}
