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

    public var description: String { "cannot write to \(path): \(detail)" }
}

/// Writes files so that a reader never sees half of one.
public enum AtomicFile {
    /// Temp file + fsync + rename, in the destination's folder (rename is atomic only within a
    /// file system): a kill at any moment leaves either the previous file or the new one.
    public static func write(_ data: Data, to url: URL) throws(OutputError) {
        let folder = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw OutputError(path: folder, detail: "cannot create \(temporary.lastPathComponent)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch let error as OutputError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw OutputError(path: folder, detail: error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(validatingCString: strerror(errno)) ?? "errno \(errno)"
            try? FileManager.default.removeItem(at: temporary)
            throw OutputError(path: folder, detail: "rename failed: \(reason)")
        }
    }
}
