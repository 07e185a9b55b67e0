import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an input file could not be read, in words a user can act on.
public enum InputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing exists at the path.
    case notFound(path: String)
    /// The path exists but cannot be read as a file: a directory, a device, no permission, too large.
    case unreadable(path: String, reason: String)

    /// What is wrong, without the path.
    public var reason: String {
        switch self {
        case .notFound: return "no such file"
        case .unreadable(_, let reason): return reason
        }
    }

    /// One line for the user naming the path and what is wrong.
    public var description: String {
        switch self {
        case .notFound(let path): return "file not found: '\(path)'"
        case .unreadable(let path, let reason): return "cannot read '\(path)': \(reason)"
        }
    }
}

/// Reads the whole of an input file: a regular file, or a pipe (`<(...)`, `/dev/stdin` fed by a
/// pipe). Anything else -- a directory, a device such as /dev/zero or a terminal, a socket -- is
/// refused with what it is, so no read can hang or run without end; a file larger than `limit`
/// is refused with its size. Errors name the system's reason ("Permission denied"), never a
/// Foundation error domain.
public enum InputFile {
    /// The largest input read by default: far above any file the project writes (a long
    /// search's checkpoint is tens of MB), far below the memory the machine has.
    public static let defaultLimit = 512 << 20

    /// The bytes of the file at `url`.
    public static func read(_ url: URL, limit: Int = defaultLimit) throws(InputFileError) -> Data {
        let path = url.path
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: systemReason(code))
        }
        let kind = status.st_mode & S_IFMT
        switch kind {
        case S_IFREG, S_IFIFO: break
        case S_IFDIR: throw .unreadable(path: path, reason: "it is a directory, not a file")
        default: throw .unreadable(path: path, reason: "it is \(fileKindName(status.st_mode)), not a file")
        }
        if kind == S_IFREG, Int64(status.st_size) > Int64(limit) {
            throw .unreadable(
                path: path,
                reason: "it is \(byteCount(Int64(status.st_size))), larger than the \(byteCount(Int64(limit))) an input may have")
        }
        // O_NONBLOCK: opening a FIFO without a writer must not wait for one (cleared below, so
        // reads wait for a writer's data as usual; with no writer at all a read returns EOF).
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: systemReason(errno)) }
        defer { close(descriptor) }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        var result = Data()
        if kind == S_IFREG { result.reserveCapacity(Int(status.st_size)) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    usleep(1000)
                    continue
                }
                throw .unreadable(path: path, reason: systemReason(errno))
            }
            guard result.count + count <= limit else {
                throw .unreadable(path: path, reason: "it holds more than the \(byteCount(Int64(limit))) an input may have")
            }
            result.append(contentsOf: buffer[0..<count])
        }
        return result
    }

    /// The file as UTF-8 text.
    public static func text(_ url: URL, limit: Int = defaultLimit) throws(InputFileError) -> String {
        let data = try read(url, limit: limit)
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: url.path, reason: "it is not UTF-8 text")
        }
        return text
    }
}

/// The system's words for an `errno` value, e.g. "Permission denied".
public func systemReason(_ code: Int32) -> String {
    String(validatingCString: strerror(code)) ?? "error \(code)"
}

/// "a character device", "a named pipe (FIFO)", ... for a `st_mode`.
public func fileKindName(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: return "a regular file"
    case S_IFDIR: return "a directory"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a named pipe (FIFO)"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "a special file"
    }
}

/// "12.3 MB" for a byte count (decimal units, as file managers show them).
func byteCount(_ bytes: Int64) -> String {
    let value = Double(bytes)
    if value >= 1e9 { return String(format: "%.1f GB", value / 1e9) }
    if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
    if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
    return "\(bytes) bytes"
}
