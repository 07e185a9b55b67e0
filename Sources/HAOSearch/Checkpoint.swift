import Foundation
import HAOPredictor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A resumable snapshot of a run: what was asked for (`meta`, e.g. device and constraints), the
/// algorithm settings, and the complete state after the last finished generation.
public struct Checkpoint<Meta: Codable & Sendable, Genome: Hashable & Codable & Sendable, Payload: Codable & Sendable>: Codable, Sendable {
    public static var formatName: String { "hao-search-checkpoint-v1" }

    public var format: String
    public var meta: Meta
    public var settings: NSGA2Settings
    public var state: SearchState<Genome, Payload>

    public init(meta: Meta, settings: NSGA2Settings, state: SearchState<Genome, Payload>) {
        format = Self.formatName
        self.meta = meta
        self.settings = settings
        self.state = state
    }

    /// Writes the checkpoint so that `url` always holds a complete one: the bytes go to a temporary
    /// file in the same folder, are flushed to disk, and replace `url` with one atomic rename.
    /// A kill at any moment leaves either the previous checkpoint or the new one.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw SearchError.unwritableOutput(path: url.path, detail: "could not encode the checkpoint: \(error)")
        }
        try Self.atomicWrite(data, to: url)
    }

    /// Reads and checks a checkpoint; any damage is a ``SearchError/corruptCheckpoint(path:detail:)``.
    ///
    /// Beyond the JSON structure, the counts NSGA-II relies on are checked (a population of
    /// exactly `populationSize`, an archive of feasible evaluated members). `validate` adds the
    /// problem's own checks (e.g. every genome inside the search space); whatever it throws is
    /// reported as a corrupted checkpoint, so a hand-edited file fails at load, not generations later.
    public static func read(from url: URL, validate: (Self) throws -> Void = { _ in }) throws -> Self {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "cannot read it (\(error.localizedDescription))")
        }
        let checkpoint: Self
        do { checkpoint = try JSONDecoder().decode(Self.self, from: data) } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "not a valid checkpoint (\(Self.describe(error)))")
        }
        guard checkpoint.format == formatName else {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "format '\(checkpoint.format)', expected '\(formatName)'")
        }
        do { try checkpoint.settings.validate() } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "\(error)")
        }
        let s = checkpoint.state
        guard s.generation >= 0, s.stats.evaluations == s.evaluated.count else {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "inconsistent state (generation \(s.generation), evaluations \(s.stats.evaluations) vs \(s.evaluated.count) recorded)")
        }
        // Every generation ends with exactly populationSize individuals (selection keeps repeats
        // to fill the slots), so any other count means the file was edited or damaged.
        guard s.population.count == checkpoint.settings.populationSize else {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "the population holds \(s.population.count) individuals but the settings say populationSize \(checkpoint.settings.populationSize)")
        }
        do { try validate(checkpoint) } catch let error as SearchError {
            if case .corruptCheckpoint = error { throw error }
            throw SearchError.corruptCheckpoint(path: url.path, detail: "\(error)")
        } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "\(error)")
        }
        for (i, member) in s.archive.members.enumerated() {
            guard member.outcome.isFeasible else {
                throw SearchError.corruptCheckpoint(path: url.path, detail: "archive member \(i) is infeasible; the archive holds feasible points only")
            }
            guard s.cached(member.genome) != nil else {
                throw SearchError.corruptCheckpoint(path: url.path, detail: "archive member \(i) is not among the evaluated candidates")
            }
        }
        return checkpoint
    }

    /// Temp file + fsync + rename, in the destination's folder (rename is atomic only within a file system).
    public static func atomicWrite(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SearchError.unwritableOutput(path: url.deletingLastPathComponent().path, detail: "cannot create \(temporary.lastPathComponent)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch let error as SearchError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SearchError.unwritableOutput(path: url.deletingLastPathComponent().path, detail: error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(validatingCString: strerror(errno)) ?? "errno \(errno)"
            try? FileManager.default.removeItem(at: temporary)
            throw SearchError.unwritableOutput(path: url.deletingLastPathComponent().path, detail: "rename failed: \(reason)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let c): return "\(c.debugDescription) at \(path(c.codingPath))"
        case .keyNotFound(let key, let c): return "missing '\(key.stringValue)' at \(path(c.codingPath))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(c.debugDescription) at \(path(c.codingPath))"
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
