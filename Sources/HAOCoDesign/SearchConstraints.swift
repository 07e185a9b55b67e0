import HAOEvolution

/// User constraints on the searched network.
public struct SearchConstraints: Sendable, Hashable, Codable {
    /// Minimum frames per second (batch 1).
    public var minFps: Double?
    /// Maximum latency in milliseconds.
    public var maxLatencyMs: Double?

    /// Constraints (none by default).
    public init(minFps: Double? = nil, maxLatencyMs: Double? = nil) {
        self.minFps = minFps
        self.maxLatencyMs = maxLatencyMs
    }

    enum CodingKeys: String, CodingKey {
        case minFps = "min_fps"
        case maxLatencyMs = "max_latency_ms"
    }

    /// The binding latency limit, if any: the tighter of `maxLatencyMs` and 1000 / `minFps`.
    public var latencyLimitMs: Double? {
        switch (minFps, maxLatencyMs) {
        case (let f?, let l?): return min(1000 / f, l)
        case (let f?, nil): return 1000 / f
        case (nil, let l?): return l
        case (nil, nil): return nil
        }
    }

    /// Throws unless each given limit is a positive finite number.
    public func validate() throws {
        if let f = minFps, !(f.isFinite && f > 0) { throw SearchError.invalidSetting("--min-fps must be a positive number, got \(f)") }
        if let l = maxLatencyMs, !(l.isFinite && l > 0) {
            throw SearchError.invalidSetting("--max-latency-ms must be a positive number, got \(l)")
        }
    }
}
