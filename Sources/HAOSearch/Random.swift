import HAOPredictor

// The search draws every random number from the predictor module's `SplitMix64` (seedable,
// platform-independent) on the calling thread; its state is saved in checkpoints as hex text,
// because JSON numbers above 2^53 do not survive every reader.
extension SplitMix64 {
    /// A uniformly chosen element of a non-empty array.
    mutating func element<T>(of array: [T]) -> T { array[nextIndex(array.count)] }

    /// The state as 16 hex digits.
    var stateHex: String { String(state, radix: 16) }

    /// A generator continuing from a saved `stateHex`.
    init?(stateHex: String) {
        guard let value = UInt64(stateHex, radix: 16) else { return nil }
        self.init(seed: value)   // SplitMix64's state is its seed: restoring is re-seeding.
    }
}
