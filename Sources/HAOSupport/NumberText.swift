import Foundation

/// `value` with exactly `digits` decimals, e.g. `fixedPoint(3.14159, 2)` is "3.14".
public func fixedPoint(_ value: Double, _ digits: Int = 2) -> String {
    String(format: "%.\(digits)f", value)
}

/// A user's target (fps, MB) as given: one decimal for ordinary values, but in full when that
/// would hide it (1e-300 would print as 0.0, 1e300 as 301 digits).
public func targetText(_ value: Double) -> String {
    value >= 0.05 && value < 1e9 ? fixedPoint(value, 1) : "\(value)"
}
