/// Identifies a hardware target: the value of `--target` and of `target` in reports and checkpoints.
///
/// An open set of names, so a new target declares its own in its own folder.
public struct TargetID: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    /// The name, e.g. "subgraph".
    public let rawValue: String

    /// The target named `rawValue`; never fails: ``HardwareTargets`` decides whether a target of that name exists.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A target name.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The name as given after `--target`, e.g. "dpu".
    public var description: String { rawValue }

    /// Decodes the name from a JSON string; any string is accepted.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the name as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What every target is built from: the device and how much of it the accelerator may use.
public struct TargetSettings: Sendable, Hashable, Codable {
    /// The FPGA and board.
    public var device: Device
    /// Fractions of each resource the accelerator may use.
    public var cap: UtilisationCap
    /// Fitted latency-model parameters; nil for the uncalibrated model.
    public var calibration: CalibrationProfile?

    /// Settings for `device` under `cap`, optionally calibrated.
    public init(device: Device, cap: UtilisationCap = .standard, calibration: CalibrationProfile? = nil) {
        self.device = device
        self.cap = cap
        self.calibration = calibration
    }

    /// The usable budget: the device's totals under the cap.
    public var budget: Resources { cap.budget(of: device) }
}
