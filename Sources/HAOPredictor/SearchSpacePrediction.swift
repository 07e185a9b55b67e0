import Foundation
import HAONetwork

extension SearchSpace {
    /// Resolutions a predictor of this space answers for: its smallest to largest choice. The
    /// teacher samples every choice and the calibration treats resolution as continuous (the
    /// fine-tuned networks include 156, 220, ...), so values between grid points are in range.
    public var trainedResolutions: ClosedRange<Int> { resolutionChoices.min()!...resolutionChoices.max()! }

    /// The grid resolution nearest `resolution` (the smaller on a tie).
    func nearestGridResolution(_ resolution: Int) -> Int {
        resolutionChoices.min { (abs($0 - resolution), $0) < (abs($1 - resolution), $1) }!
    }

    /// Checks a point for prediction: every field as ``check(_:)`` does, except that the resolution
    /// may lie anywhere in ``trainedResolutions``. Returns a warning when it is off the search grid.
    public func checkForPrediction(_ point: ArchitecturePoint) throws -> String? {
        var onGrid = point
        onGrid.resolution = nearestGridResolution(point.resolution)
        try check(onGrid)
        return try resolutionWarning(point.resolution)
    }

    /// ``point(for:)`` for prediction: the resolution may lie anywhere in ``trainedResolutions``
    /// (the returned point keeps it). Returns the point and a warning when it is off the search grid.
    public func predictionPoint(for network: Network) throws -> (point: ArchitecturePoint, warning: String?) {
        let warning: String?
        do { warning = try resolutionWarning(network.resolution) } catch SearchSpaceError.pointOutsideSpace(let reason) {
            throw SearchSpaceError.networkOutsideSpace(network: network.name, reason: reason)
        }
        var onGrid = network
        onGrid.resolution = nearestGridResolution(network.resolution)
        var point = try self.point(for: onGrid)
        point.resolution = network.resolution
        return (point, warning)
    }

    func resolutionWarning(_ resolution: Int) throws -> String? {
        let range = trainedResolutions
        guard range.contains(resolution) else {
            throw SearchSpaceError.pointOutsideSpace(
                "resolution \(resolution) is outside the predictor's trained range \(range.lowerBound)...\(range.upperBound)")
        }
        guard !resolutionChoices.contains(resolution) else { return nil }
        return
            "resolution \(resolution) is not on the search grid \(resolutionChoices); the prediction interpolates within the trained range \(range.lowerBound)...\(range.upperBound) (the teacher surrogate sees bucket (r - 112) / 16 = \(Encoding.resolutionBucket(resolution)))"
    }

    /// Multipliers tried when a network's channels differ from the space's (MobileNet and
    /// once-for-all releases use these).
    static let widthMultipliers: [Double] = [0.35, 0.5, 0.75, 1.2, 1.25, 1.3, 1.4, 1.5, 2.0]

    /// Why `network` is outside the space when the reason is its width: its stem, first-block and
    /// stage channels are the space's scaled by a common multiplier (`make_divisible(c x w, 8)`),
    /// e.g. "width multiplier 0.75 (...)". Nil when the channels match the space's or no
    /// multiplier explains them.
    func widthMismatch(_ network: Network) -> String? {
        guard let first = network.blocks.first else { return nil }
        var runs: [Int] = []
        for b in network.blocks.dropFirst() where runs.last != b.outChannels { runs.append(b.outChannels) }
        let ours = [network.stem.outChannels, first.outChannels] + runs
        let base = [stem.outChannels, firstBlock.outChannels] + stages.map(\.outChannels)
        guard ours != base, ours.count == base.count else { return nil }
        for w in Self.widthMultipliers where base.map({ Self.makeDivisible(Double($0) * w, divisor: channelDivisor) }) == ours {
            let list = { (c: [Int]) in c.dropFirst(2).map(String.init).joined(separator: "/") }
            return
                "width multiplier \(w.formatted()) (stem \(ours[0]), stage channels \(list(ours))); the space is width 1.0 (stem \(base[0]), stage channels \(list(base)))"
        }
        return nil
    }
}

extension Double {
    /// `0.75`, `1.2`, `2`: the shortest decimal form.
    fileprivate func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}
