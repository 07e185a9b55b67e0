import Foundation

/// A 128-bit key of a canonical genome: what the search's memo holds per evaluated candidate.
///
/// A problem whose genomes pack into 128 bits (the co-design space: the index of every gene in
/// its choice list) gives a lossless key. The default (``SearchProblem/memoKey(_:)``) is a
/// 128-bit digest of the genome's JSON, for small generic problems; two genomes with one digest
/// (odds about n^2 / 2^129, nil in practice) would only make the second count as a repeat that is
/// evaluated again, never give it the first one's score (scores are looked up by genome).
public struct GenomeKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The upper 64 bits of the key.
    public var high: UInt64
    /// The lower 64 bits of the key.
    public var low: UInt64

    /// A key from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The key as two hex numbers, "high:low", for logs.
    public var description: String { String(high, radix: 16) + ":" + String(low, radix: 16) }

    /// A digest of `bytes` (two independently seeded 64-bit FNV-1a passes, each finished by the
    /// SplitMix64 mixer).
    public static func digest<Bytes: Sequence>(_ bytes: Bytes) -> GenomeKey where Bytes.Element == UInt8 {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
        }
        return GenomeKey(high: mix(a), low: mix(b ^ 0x9e37_79b9_7f4a_7c15))
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension SearchProblem {
    /// The default memo key: a digest of the genome's JSON (see ``GenomeKey``).
    public func memoKey(_ canonical: Genome) -> GenomeKey {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(canonical)) ?? Data()
        return GenomeKey.digest(data)
    }
}

/// The keys of the most recently evaluated distinct candidates, at most `capacity` of them,
/// oldest evicted first: the memo's membership test, bounded.
///
/// An evicted candidate bred again is evaluated again (deterministically, to the same score) and
/// counted again among the evaluations, so eviction costs time, never changes a score; since
/// eviction follows evaluation order, an uninterrupted and a resumed run evict alike.
public struct MemoWindow: Sendable {
    /// Most keys held.
    public let capacity: Int
    private var ring: [GenomeKey] = []
    private var next = 0
    private var members: Set<GenomeKey> = []
    /// Keys ever inserted (evicted ones included): the global index of the next one.
    public private(set) var totalInserted = 0

    /// An empty window of `capacity` keys.
    public init(capacity: Int) {
        precondition(capacity >= 1, "a memo holds at least one key")
        self.capacity = capacity
    }

    /// Keys held.
    public var count: Int { members.count }

    /// Whether `key` is held.
    public func contains(_ key: GenomeKey) -> Bool { members.contains(key) }

    /// Adds `key` (evicting the oldest when full); returns false when it was already held.
    @discardableResult
    public mutating func insert(_ key: GenomeKey) -> Bool {
        guard members.insert(key).inserted else { return false }
        totalInserted += 1
        if ring.count < capacity {
            ring.append(key)
        } else {
            members.remove(ring[next])
            ring[next] = key
            next = (next + 1) % capacity
        }
        return true
    }

    /// The held keys, oldest first.
    public var keysInOrder: [GenomeKey] { Array(ring[next...] + ring[..<next]) }

    /// The `n` most recently inserted keys, oldest first (`n` at most ``count``).
    public func newest(_ n: Int) -> [GenomeKey] {
        precondition(n >= 0 && n <= ring.count, "asked for \(n) of \(ring.count) keys")
        guard n > 0 else { return [] }
        let end = ring.count < capacity ? ring.count : next  // one past the newest, cyclically
        let start = end - n
        if start >= 0 { return Array(ring[start..<end]) }
        return Array(ring[(ring.count + start)...] + ring[..<end])
    }

    /// Replaces the window's content with `keys` (oldest first, distinct), the last `total`
    /// insertions of a run, as a journal restores them.
    mutating func restore(_ keys: [GenomeKey], total: Int) {
        ring = []
        next = 0
        members = []
        totalInserted = 0
        for key in keys.suffix(capacity) { insert(key) }
        totalInserted = total
    }
}
