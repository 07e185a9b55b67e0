import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an output file could not be written.
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder (or file) that could not be written.
    public var path: String
    /// What went wrong.
    public var detail: String

    /// An error about `path`.
    public init(path: String, detail: String) {
        self.path = path
        self.detail = detail
    }

    /// One line for the user: "cannot write to" the path, with the detail.
    public var description: String { "cannot write to \(path): \(detail)" }
}

/// Writes output files so that a reader never sees half of one, and so that a path naming
/// something other than a regular file is never replaced by one.
///
/// - A regular file (or a new one) is replaced atomically: temp file in the same folder, written,
///   flushed to disk, renamed over the destination (rename is atomic only within a file system);
///   a kill at any moment leaves either the previous file or the new one. The previous file's
///   permissions are kept.
/// - A symbolic link is followed: the file it points to is replaced, the link stays.
/// - A character device or a named pipe (`/dev/null`, `/dev/stdout`, a FIFO with a reader) is
///   written in place, as `cat > PATH` would; a FIFO without a reader is refused rather than
///   waited on. Renaming over a device node would replace the device itself (as root, for every
///   process on the machine).
/// - A directory, a block device or a socket is refused.
///
/// Temp files are named `.NAME.tmp-PID` (see ``isTemporaryName(_:)``), so that a folder's owner
/// can remove those a killed process left.
public enum AtomicFile {
    /// Writes `data` to `url` as described above.
    public static func write(_ data: Data, to url: URL) throws(OutputError) {
        let destination = try resolve(url.path)
        var status = stat()
        if stat(destination, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: try replace(destination, with: data, mode: status.st_mode & 0o7777)
            case S_IFCHR, S_IFIFO: try writeInPlace(destination, data: data, isFIFO: status.st_mode & S_IFMT == S_IFIFO)
            case S_IFDIR: throw OutputError(path: destination, detail: "it is a directory; give a file name")
            default: throw OutputError(path: destination, detail: "it is \(fileKindName(status.st_mode)); refusing to write to it")
            }
            return
        }
        let code = errno
        if code == ENOTDIR { throw OutputError(path: destination, detail: "a part of its path is not a folder") }
        guard code == ENOENT else { throw OutputError(path: destination, detail: systemReason(code)) }
        let folder = (destination as NSString).deletingLastPathComponent
        var folderStatus = stat()
        guard stat(folder.isEmpty ? "." : folder, &folderStatus) == 0 else {
            throw OutputError(path: destination, detail: "its folder \(folder) does not exist")
        }
        guard folderStatus.st_mode & S_IFMT == S_IFDIR else {
            throw OutputError(path: destination, detail: "\(folder) is not a folder")
        }
        try replace(destination, with: data, mode: nil)
    }

    /// Whether a file name is one of the temp files ``write(_:to:)`` creates (`.NAME.tmp-PID`).
    public static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let range = name.range(of: ".tmp-", options: .backwards) else { return false }
        let suffix = name[range.upperBound...]
        return !suffix.isEmpty && suffix.allSatisfy(\.isNumber)
    }

    /// The temp file name for `name` in this process.
    public static func temporaryName(for name: String) -> String {
        ".\(name).tmp-\(getpid())"
    }

    /// The path itself, or for a symbolic link the path it finally points to.
    static func resolve(_ path: String) throws(OutputError) -> String {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return path }
        guard let resolved = realpath(path, nil) else {
            throw OutputError(path: path, detail: "it is a symbolic link to a missing file (\(systemReason(errno)))")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Temp file, write, fsync, rename, fsync of the folder.
    private static func replace(_ path: String, with data: Data, mode: mode_t?) throws(OutputError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent().appendingPathComponent(temporaryName(for: url.lastPathComponent)).path
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if descriptor < 0 && errno == EEXIST {
            // Left by a killed process that had this process's id: nobody else writes it.
            unlink(temporary)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        guard descriptor >= 0 else {
            throw OutputError(path: path, detail: "cannot create a file in \(folder): \(systemReason(errno))")
        }
        var failure: String?
        if let mode { _ = fchmod(descriptor, mode) }
        if let code = writeAll(descriptor, data) {
            failure = systemReason(code)
        } else if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS {
            failure = systemReason(errno)
        }
        if close(descriptor) != 0 && failure == nil { failure = systemReason(errno) }
        if let failure {
            unlink(temporary)
            throw OutputError(path: path, detail: failure)
        }
        guard rename(temporary, path) == 0 else {
            let reason = systemReason(errno)
            unlink(temporary)
            throw OutputError(path: path, detail: "rename failed: \(reason)")
        }
        // The rename itself reaches the disk with the folder's metadata.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Writes into an existing device or FIFO without replacing it.
    private static func writeInPlace(_ path: String, data: Data, isFIFO: Bool) throws(OutputError) {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            let code = errno
            if isFIFO && code == ENXIO {
                throw OutputError(path: path, detail: "it is a named pipe (FIFO) that nobody reads; start its reader first")
            }
            throw OutputError(path: path, detail: systemReason(code))
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        let failure = writeAll(descriptor, data).map(systemReason)
        let closed = close(descriptor) == 0
        if let failure { throw OutputError(path: path, detail: failure) }
        if !closed { throw OutputError(path: path, detail: systemReason(errno)) }
    }
}

/// Writes every byte of `data` to `descriptor`, retrying after interruptions and partial writes;
/// nil on success, else the `errno` of the failure (EIO when the device accepts nothing).
func writeAll(_ descriptor: Int32, _ data: Data) -> Int32? {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
        guard var pointer = buffer.baseAddress else { return nil }
        var remaining = buffer.count
        while remaining > 0 {
            let count = systemWrite(descriptor, pointer, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&request, 1, 1000)
                    continue
                }
                return errno
            }
            if count == 0 { return EIO }
            pointer += count
            remaining -= count
        }
        return nil
    }
}
