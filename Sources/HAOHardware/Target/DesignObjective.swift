/// What a target's configuration problem optimises, in target-neutral terms.
public enum DesignObjective: Sendable, Hashable {
    /// Least batch-1 latency within the resource budget.
    case minimiseLatency
    /// Most frames per second within the resource budget, with as many concurrent inferences
    /// (cores, threads) as the target runs. A target that runs one inference at a time (the
    /// subgraph template) answers it as ``minimiseLatency``: its throughput is 1 / latency.
    case maximiseThroughput
    /// Least weighted resource use reaching `targetFPS` (batch 1) within the budget: the inverse question.
    case minimiseResources(weights: ResourceWeights, targetFPS: Double)
}

/// Weights of the resources in the inverse mode's objective.
public struct ResourceWeights: Sendable, Hashable, Codable {
    /// Weight of one DSP slice.
    public var dsp: Double
    /// Weight of one BRAM18.
    public var bram18: Double
    /// Weight of one LUT.
    public var lut: Double
    /// Weight of one flip-flop.
    public var ff: Double

    /// Weights; the default counts DSP slices only.
    public init(dsp: Double = 1, bram18: Double = 0, lut: Double = 0, ff: Double = 0) {
        self.dsp = dsp
        self.bram18 = bram18
        self.lut = lut
        self.ff = ff
    }

    /// Least DSP.
    public static let dsp = ResourceWeights()

    /// The weighted sum of `r`.
    public func cost(_ r: Resources) -> Double {
        dsp * Double(r.dsp) + bram18 * Double(r.bram18) + lut * Double(r.lut) + ff * Double(r.ff)
    }
}
