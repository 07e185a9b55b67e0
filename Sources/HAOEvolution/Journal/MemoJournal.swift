import Foundation
import HAOSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The append-only file of memo keys beside a checkpoint (`memo.journal`): the keys of the
/// search's distinct candidates in evaluation order, so that a checkpoint need not rewrite them.
///
/// Layout: a 16-byte header -- the magic `HAOMEMO1` and the global index of the first record
/// (little-endian UInt64) -- then 16-byte records (the key's high and low words, little-endian).
/// Keys are appended after every generation; the file is flushed to disk before each snapshot
/// that refers to it, so a snapshot never names a record that is not on disk. When the file holds
/// more than twice the memo's capacity it is compacted (rewritten with the records the memo still
/// needs, then renamed over the old one), so it stays under 32 bytes x capacity (32 MB at the
/// default 2^20 keys).
public final class MemoJournal {
    static let magic = Array("HAOMEMO1".utf8)
    static let headerSize = 16
    static let recordSize = 16

    /// The file.
    public let url: URL
    private var descriptor: Int32
    /// Global index of the file's first record, and records in the file.
    public private(set) var firstIndex: Int
    /// Records in the file now, from ``firstIndex``.
    public private(set) var recordCount: Int

    /// Global index one past the last record.
    public var endIndex: Int { firstIndex + recordCount }

    /// A new, empty journal at `url` (replacing any file there) whose first record will have the
    /// global index `firstIndex`.
    public static func create(at url: URL, firstIndex: Int = 0) throws(OutputError) -> MemoJournal {
        try writeFile(keys: [], firstIndex: firstIndex, to: url)
        return try MemoJournal(opening: url, checkedEnd: nil)
    }

    /// Opens an existing journal for appending; with `checkedEnd`, checks that it holds the record
    /// before that global index and drops anything after it (records appended after the last snapshot).
    public init(opening url: URL, checkedEnd: Int?) throws(OutputError) {
        self.url = url
        descriptor = open(url.path, O_RDWR | O_APPEND)
        guard descriptor >= 0 else { throw OutputError(path: url.path, detail: "cannot open the memo journal: \(Self.errnoText())") }
        var header = [UInt8](repeating: 0, count: Self.headerSize)
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= Self.headerSize, pread(descriptor, &header, Self.headerSize, 0) == Self.headerSize,
            Array(header[0..<8]) == Self.magic
        else {
            close(descriptor)
            throw OutputError(path: url.path, detail: "not a memo journal (bad header)")
        }
        firstIndex = Int(Self.word(header, at: 8))
        recordCount = (Int(size) - Self.headerSize) / Self.recordSize
        if let end = checkedEnd {
            guard end >= firstIndex, end <= endIndex else {
                close(descriptor)
                throw OutputError(
                    path: url.path,
                    detail: "the memo journal holds records \(firstIndex)..<\(endIndex), the checkpoint needs the ones before \(end)")
            }
            recordCount = end - firstIndex
        }
        guard ftruncate(descriptor, off_t(Self.headerSize + recordCount * Self.recordSize)) == 0 else {
            close(descriptor)
            throw OutputError(path: url.path, detail: "cannot trim the memo journal: \(Self.errnoText())")
        }
    }

    deinit { close(descriptor) }

    /// Appends `keys` (not yet on disk until ``synchronize()``).
    public func append(_ keys: [GenomeKey]) throws(OutputError) {
        guard !keys.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keys.count * Self.recordSize)
        for key in keys { Self.put(key, into: &bytes) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw OutputError(path: url.path, detail: "cannot append to the memo journal: \(Self.errnoText())")
        }
        recordCount += keys.count
    }

    /// Flushes the file to disk.
    public func synchronize() throws(OutputError) {
        guard fsync(descriptor) == 0 else {
            throw OutputError(path: url.path, detail: "cannot flush the memo journal: \(Self.errnoText())")
        }
    }

    /// The records with global indices in `range` (which must lie within the file).
    public func read(_ range: Range<Int>) throws(OutputError) -> [GenomeKey] {
        precondition(range.lowerBound >= firstIndex && range.upperBound <= endIndex, "records outside the journal")
        guard !range.isEmpty else { return [] }
        var bytes = [UInt8](repeating: 0, count: range.count * Self.recordSize)
        let offset = off_t(Self.headerSize + (range.lowerBound - firstIndex) * Self.recordSize)
        guard pread(descriptor, &bytes, bytes.count, offset) == bytes.count else {
            throw OutputError(path: url.path, detail: "cannot read the memo journal: \(Self.errnoText())")
        }
        return (0..<range.count).map { GenomeKey(high: Self.word(bytes, at: $0 * 16), low: Self.word(bytes, at: $0 * 16 + 8)) }
    }

    /// Rewrites the file with the last `keep` records only (temporary file, fsync, rename).
    public func compact(keeping keep: Int) throws(OutputError) {
        let start = max(firstIndex, endIndex - keep)
        let keys = try read(start..<endIndex)
        try Self.writeFile(keys: keys, firstIndex: start, to: url)
        let reopened = open(url.path, O_RDWR | O_APPEND)
        guard reopened >= 0 else { throw OutputError(path: url.path, detail: "cannot reopen the memo journal: \(Self.errnoText())") }
        close(descriptor)
        descriptor = reopened
        firstIndex = start
        recordCount = keys.count
    }

    private static func writeFile(keys: [GenomeKey], firstIndex: Int, to url: URL) throws(OutputError) {
        var bytes = magic
        withUnsafeBytes(of: UInt64(firstIndex).littleEndian) { bytes += $0 }
        for key in keys { put(key, into: &bytes) }
        try AtomicFile.write(Data(bytes), to: url)
    }

    private static func put(_ key: GenomeKey, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: key.high.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: key.low.littleEndian) { bytes += $0 }
    }

    private static func word(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }

    private static func errnoText() -> String { String(validatingCString: strerror(errno)) ?? "errno \(errno)" }
}
