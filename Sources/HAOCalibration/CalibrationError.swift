import HAOHardware

/// Why measurements could not be read or a model could not be calibrated.
public enum CalibrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file that cannot be read or parsed as a whole (line nil when it is not about one line).
    case badFile(file: String, line: Int?, reason: String)
    /// One field of one row is missing or wrong.
    case badField(file: String, line: Int, field: String, reason: String)
    /// Too few measurements to fit or cross-validate.
    case notEnoughData(String)
    /// The target could not evaluate a measurement (e.g. nothing fits the device).
    case target(file: String, line: Int?, HardwareError)
    /// A bad option.
    case invalidOption(String)

    /// One line for the user: the file, and the line or field when known, then the reason.
    public var description: String {
        switch self {
        case .badFile(let file, let line, let reason):
            return "\(file)\(line.map { ", line \($0)" } ?? ""): \(reason)"
        case .badField(let file, let line, let field, let reason):
            return "\(file), line \(line), field '\(field)': \(reason)"
        case .notEnoughData(let message):
            return "not enough measurements: \(message)"
        case .target(let file, let line, let error):
            return "\(file)\(line.map { ", line \($0)" } ?? ""): \(error)"
        case .invalidOption(let message):
            return "invalid option: \(message)"
        }
    }
}
