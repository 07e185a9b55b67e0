import Foundation
import HAOEvolution
import HAOSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive claim on a search's output folder, held for the whole run: two searches writing
/// one folder would leave one run's frontier beside the other's checkpoint.
///
/// The claim is a `flock` on `.hao-search.lock` in the folder, which the kernel releases when
/// the process ends however it ends (kill -9 included), so a stale claim cannot outlive its
/// holder. The file holds the holder's process id, for the refusal message. The file itself is
/// never removed: removing a lock file races with a process about to lock it.
public final class SearchFolderLock: Sendable {
    /// The lock file's name inside the folder.
    public static let fileName = ".hao-search.lock"

    private let descriptor: Int32
    /// The folder claimed.
    public let folder: URL

    private init(descriptor: Int32, folder: URL) {
        self.descriptor = descriptor
        self.folder = folder
    }

    deinit { close(descriptor) }

    /// Claims `folder` (which must exist), or says which process holds it.
    public static func acquire(_ folder: URL) throws -> SearchFolderLock {
        let path = folder.appendingPathComponent(fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw SearchError.unwritableOutput(path: folder.path, detail: "cannot create its lock file \(fileName): \(systemReason(errno))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            guard code == EWOULDBLOCK else {
                throw SearchError.unwritableOutput(path: folder.path, detail: "cannot lock \(fileName): \(systemReason(code))")
            }
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            let who = Int32(holder).map { "process \($0)" } ?? "another process"
            throw CoDesignError.folderInUse(
                "\(folder.path) is in use by another hao search (\(who)); wait for it to finish, stop it, or choose another --out")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, text, text.count, 0)
        return SearchFolderLock(descriptor: descriptor, folder: folder)
    }
}

/// The files a search writes into its folder, and the housekeeping done under its lock.
public enum SearchFolder {
    /// The checkpoint.
    public static let checkpoint = "checkpoint.json"
    /// The report files, written together at the end of a run.
    public static let reportFiles = ["frontier.json", "frontier.csv", "frontier.svg"]

    /// Creates the folder of a fresh search (with its parents); an existing file there is refused.
    static func create(_ folder: URL) throws {
        var status = stat()
        if stat(folder.path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw SearchError.unwritableOutput(path: folder.path, detail: "it is \(fileKindName(status.st_mode)), not a folder")
            }
            return
        }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw SearchError.unwritableOutput(path: folder.path, detail: "cannot create it (\(reason(of: error)))")
        }
    }

    /// Removes the temp files (`.NAME.tmp-PID`) that killed runs left. Only called under the
    /// folder's lock, so no live process is writing any of them.
    static func removeStaleTemporaryFiles(in folder: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where AtomicFile.isTemporaryName(name) || name == ".write-probe" {
            unlink(folder.appendingPathComponent(name).path)
        }
    }

    /// The search outputs present in the folder (checkpoint and report files).
    static func existingOutputs(in folder: URL) -> [String] {
        ([checkpoint, AskTellState.fileName] + reportFiles).filter {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
    }

    /// Removes an earlier search's outputs, report files first: a kill part-way leaves at most
    /// the old checkpoint alone (resumable), never an old frontier beside a new checkpoint.
    static func removeOutputs(in folder: URL) throws {
        for name in reportFiles + [checkpoint, AskTellState.fileName] {
            let path = folder.appendingPathComponent(name).path
            guard unlink(path) == 0 || errno == ENOENT else {
                throw SearchError.unwritableOutput(path: path, detail: "cannot remove it to start afresh: \(systemReason(errno))")
            }
        }
    }

    /// The system's reason inside a Foundation error, without its error domain.
    static func reason(of error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return systemReason(Int32(underlying.code))
        }
        return ns.localizedDescription
    }
}
