/// A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64,
/// "Fast splittable pseudorandom number generators", OOPSLA 2014).
///
/// Deterministic for a seed on every platform, which the standard library's generator is
/// not; this is what makes sampling, training and searches reproducible. Its whole state is
/// one 64-bit word, so a checkpoint can save and restore it exactly (``stateHex``).
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The generator's state; restoring it is re-seeding with it.
    public private(set) var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        // Constants are the published SplitMix64 increment and finaliser multipliers.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0), without modulo bias.
    public mutating func nextIndex(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next(upperBound: UInt64(bound)))
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniformly chosen element of a non-empty array.
    public mutating func element<T>(of array: [T]) -> T { array[nextIndex(array.count)] }

    /// The state as hexadecimal text. Checkpoints store it this way because JSON numbers above
    /// 2^53 do not survive every reader.
    public var stateHex: String { String(state, radix: 16) }

    /// A generator continuing from a saved ``stateHex``; nil if the text is not a 64-bit hex number.
    public init?(stateHex: String) {
        guard let value = UInt64(stateHex, radix: 16) else { return nil }
        self.init(seed: value)
    }
}
