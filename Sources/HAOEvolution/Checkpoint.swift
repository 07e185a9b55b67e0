import Foundation
import HAOSupport

/// A resumable snapshot of a run: what was asked for (`meta`, e.g. device and constraints), the
/// algorithm settings, and the complete state after the last finished generation.
public struct Checkpoint<Meta: Codable & Sendable, Genome: Hashable & Codable & Sendable, Payload: Codable & Sendable>: Codable, Sendable {
    /// The `format` value of a checkpoint; ``read(from:validate:)`` rejects other values.
    public static var formatName: String { "hao-search-checkpoint-v1" }

    /// ``formatName`` when written by this version.
    public var format: String
    /// What the run was asked for (e.g. device and constraints), in a type the caller defines.
    public var meta: Meta
    /// The NSGA-II settings of the run.
    public var settings: NSGA2Settings
    /// The full state after the last finished generation: population, archive, memo and statistics.
    public var state: SearchState<Genome, Payload>

    /// A checkpoint of `state`, stamped with ``formatName``.
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
        let checkpoint: Self
        do { checkpoint = try JSONFile.load(Self.self, from: url, source: "the checkpoint") } catch {
            switch error {
            case .fileNotFound: throw SearchError.corruptCheckpoint(path: url.path, detail: "cannot read it (no such file)")
            case .unreadable(_, let reason): throw SearchError.corruptCheckpoint(path: url.path, detail: "cannot read it (\(reason))")
            default: throw SearchError.corruptCheckpoint(path: url.path, detail: "not a valid checkpoint (\(error.reason))")
            }
        }
        guard checkpoint.format == formatName else {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "format '\(checkpoint.format)', expected '\(formatName)'")
        }
        try checkpoint.check(path: url.path, validate: validate)
        return checkpoint
    }

    /// The checks of ``read(from:validate:)`` after decoding (shared with ``CheckpointStore``).
    func check(path: String, validate: (Self) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let checkpoint = self
        do { try checkpoint.settings.validate() } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "\(error)")
        }
        let s = checkpoint.state
        guard s.generation >= 0, !checkpoint.settings.keepsHistory || s.stats.evaluations == s.evaluated.count else {
            throw SearchError.corruptCheckpoint(
                path: url.path,
                detail:
                    "inconsistent state (generation \(s.generation), evaluations \(s.stats.evaluations) vs \(s.evaluated.count) recorded)")
        }
        // Every generation ends with exactly populationSize individuals (selection keeps repeats
        // to fill the slots), so any other count means the file was edited or damaged.
        guard s.population.count == checkpoint.settings.populationSize else {
            throw SearchError.corruptCheckpoint(
                path: url.path,
                detail:
                    "the population holds \(s.population.count) individuals but the settings say populationSize \(checkpoint.settings.populationSize)"
            )
        }
        do { try validate(checkpoint) } catch let error as SearchError {
            if case .corruptCheckpoint = error { throw error }
            throw SearchError.corruptCheckpoint(path: url.path, detail: "\(error)")
        } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "\(error)")
        }
        for (i, member) in s.archive.members.enumerated() {
            guard member.outcome.isFeasible else {
                throw SearchError.corruptCheckpoint(
                    path: url.path, detail: "archive member \(i) is infeasible; the archive holds feasible points only")
            }
            guard s.cached(member.genome) != nil else {
                throw SearchError.corruptCheckpoint(path: url.path, detail: "archive member \(i) is not among the evaluated candidates")
            }
        }
    }

    /// Writes `data` to `url` atomically (see ``AtomicFile``); failures are ``SearchError/unwritableOutput(path:detail:)``.
    public static func atomicWrite(_ data: Data, to url: URL) throws {
        do { try AtomicFile.write(data, to: url) } catch { throw SearchError.unwritableOutput(path: error.path, detail: error.detail) }
    }
}
