import Foundation
import HAOSupport

/// A run's checkpoint on disk, written so that saving costs little however long the run:
///
/// - `checkpoint.json`, a small snapshot -- what was asked (`meta`), the settings, the generation,
///   the random state, the population, the archive and the counters -- rewritten atomically
///   (temporary file, fsync, rename) at most once per ``interval`` and whenever asked (`force`:
///   the last generation, an interrupt);
/// - `memo.journal` (``MemoJournal``), the memo's keys, appended after every generation and
///   flushed to disk before each snapshot that refers to it.
///
/// A kill at any moment leaves the last snapshot and a journal that holds at least what it
/// names; loading trims records appended after it. Resuming continues bit for bit from the
/// snapshot's generation (the generations after it are run again, to the same result).
/// Files of the earlier single-file format (`hao-search-checkpoint-v1`) are read too.
public final class CheckpointStore<Meta: Codable & Sendable, Genome: Hashable & Codable & Sendable, Payload: Codable & Sendable> {
    /// The snapshot format's name and version.
    public static var formatName: String { "hao-search-checkpoint-v2" }
    /// The journal's file name, beside the snapshot.
    public static var journalName: String { "memo.journal" }

    /// The snapshot file.
    public let url: URL
    /// Least time between two snapshots that are not forced.
    public let interval: Duration
    private var journal: MemoJournal?
    private var lastSnapshot: ContinuousClock.Instant?
    /// The generation of the last snapshot written or loaded.
    public private(set) var savedGeneration: Int?
    /// Snapshots written, and seconds spent saving (journal and snapshots).
    public private(set) var snapshots = 0
    /// Seconds spent saving the journal and snapshots, summed over the run.
    public private(set) var seconds = 0.0

    /// A store writing `url` (and the journal beside it); nothing is written before ``save(_:force:)``.
    public init(url: URL, interval: Duration = .seconds(5)) {
        self.url = url
        self.interval = interval
    }

    /// The journal file of this store.
    public var journalURL: URL { url.deletingLastPathComponent().appendingPathComponent(Self.journalName) }

    /// Appends the memo keys recorded since the last save, and writes a snapshot when `force` is
    /// set, when none was written yet, or when ``interval`` has passed. Returns whether it wrote one.
    @discardableResult
    public func save(_ checkpoint: Checkpoint<Meta, Genome, Payload>, force: Bool) throws -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        defer { seconds += (clock.now - start).seconds }
        let memo = checkpoint.state.memo
        do throws(OutputError) {
            let journal = try openJournal(for: memo)
            let pending = memo.totalInserted - journal.endIndex
            guard pending >= 0, pending <= memo.count else {
                throw OutputError(
                    path: journalURL.path,
                    detail: "the memo journal ends at record \(journal.endIndex) but the search has recorded \(memo.totalInserted)")
            }
            try journal.append(memo.newest(pending))
            let due = force || lastSnapshot.map { start - $0 >= interval } ?? true
            guard due else { return false }
            if journal.recordCount > 2 * memo.capacity { try journal.compact(keeping: memo.capacity) }
            try journal.synchronize()
        } catch {
            throw SearchError.unwritableOutput(path: error.path, detail: error.detail)
        }
        let snapshot = Snapshot(
            format: Self.formatName, meta: checkpoint.meta, settings: checkpoint.settings, state: checkpoint.state,
            journal: JournalReference(file: Self.journalName, records: memo.totalInserted))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.userInfo[SearchState<Genome, Payload>.omitsMemoKey] = true
        let data: Data
        do { data = try encoder.encode(snapshot) } catch {
            throw SearchError.unwritableOutput(path: url.path, detail: "could not encode the checkpoint: \(error)")
        }
        try Checkpoint<Meta, Genome, Payload>.atomicWrite(data, to: url)
        lastSnapshot = clock.now
        savedGeneration = checkpoint.state.generation
        snapshots += 1
        return true
    }

    /// The open journal, created on the first save of a fresh run (or of a run resumed from a
    /// single-file checkpoint) with the keys the memo holds.
    private func openJournal(for memo: MemoWindow) throws(OutputError) -> MemoJournal {
        if let journal { return journal }
        let created = try MemoJournal.create(at: journalURL, firstIndex: memo.totalInserted - memo.count)
        try created.append(memo.keysInOrder)
        journal = created
        return created
    }

    /// Reads the checkpoint at `url`: a snapshot with its journal (the memo restored from it, the
    /// journal trimmed to the snapshot), or a single-file checkpoint (its memo rebuilt with
    /// `memoKey` from its history when it has no memo). Damage is a ``SearchError/corruptCheckpoint(path:detail:)``.
    /// `validate` adds the problem's checks (see ``Checkpoint/read(from:validate:)``).
    public static func load(
        from url: URL, memoKey: (Genome) -> GenomeKey,
        validate: (Checkpoint<Meta, Genome, Payload>) throws -> Void = { _ in }
    ) throws -> (Checkpoint<Meta, Genome, Payload>, CheckpointStore) {
        let store = CheckpointStore(url: url)
        let header: FormatHeader
        do { header = try JSONFile.load(FormatHeader.self, from: url, source: "the checkpoint") } catch {
            return (try Checkpoint<Meta, Genome, Payload>.read(from: url, validate: validate), store)
        }
        guard header.format == formatName else {
            var checkpoint = try Checkpoint<Meta, Genome, Payload>.read(from: url, validate: validate)
            if checkpoint.state.memo.count == 0 { checkpoint.state.restoreMemo(checkpoint.state.evaluated.map { memoKey($0.genome) }) }
            store.savedGeneration = checkpoint.state.generation
            return (checkpoint, store)
        }
        let snapshot: Snapshot
        let decoder = JSONDecoder()
        decoder.userInfo[SearchState<Genome, Payload>.omitsMemoKey] = true
        do { snapshot = try JSONFile.load(Snapshot.self, from: url, source: "the checkpoint", decoder: decoder) } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: "not a valid checkpoint (\(error.reason))")
        }
        var checkpoint = Checkpoint(meta: snapshot.meta, settings: snapshot.settings, state: snapshot.state)
        let records = snapshot.journal.records
        guard snapshot.journal.file == journalName, records == snapshot.state.stats.evaluations else {
            throw SearchError.corruptCheckpoint(
                path: url.path,
                detail:
                    "the journal reference (\(snapshot.journal.file), \(records) records) does not match the \(snapshot.state.stats.evaluations) evaluations"
            )
        }
        do throws(OutputError) {
            let journal = try MemoJournal(opening: store.journalURL, checkedEnd: records)
            let keep = min(records, checkpoint.state.memo.capacity)
            guard records - keep >= journal.firstIndex else {
                throw OutputError(
                    path: store.journalURL.path,
                    detail: "the memo journal starts at record \(journal.firstIndex), the memo needs \(records - keep)")
            }
            checkpoint.state.restoreMemo(try journal.read((records - keep)..<records), total: records)
            store.journal = journal
        } catch {
            throw SearchError.corruptCheckpoint(path: url.path, detail: error.detail)
        }
        try checkpoint.check(path: url.path, validate: validate)
        store.savedGeneration = checkpoint.state.generation
        return (checkpoint, store)
    }

    struct JournalReference: Codable, Sendable {
        var file: String
        var records: Int
    }

    struct Snapshot: Codable, Sendable {
        var format: String
        var meta: Meta
        var settings: NSGA2Settings
        var state: SearchState<Genome, Payload>
        var journal: JournalReference
    }

    struct FormatHeader: Decodable { var format: String }
}
