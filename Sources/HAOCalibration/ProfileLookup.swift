import Foundation
import HAOHardware
import HAOSupport

extension ModelsDirectory {
    /// The shipped calibration profiles (`Models/calibrations/`).
    public var calibrations: URL { url.appendingPathComponent("calibrations", isDirectory: true) }
}

/// Finds the calibration profile a `--calibration` value names.
public enum CalibrationProfileLookup {
    /// A profile file, or the name of a shipped profile (`Models/calibrations/NAME.json`).
    public static func resolve(_ argument: String, models: ModelsDirectory?) throws -> CalibrationProfile {
        let file = URL(fileURLWithPath: argument)
        if FileManager.default.fileExists(atPath: file.path) || argument.contains("/") || argument.hasSuffix(".json") {
            return try CalibrationProfile.load(contentsOf: file)
        }
        guard let models else {
            throw CalibrationError.invalidOption(
                "--calibration \(argument): no such file, and no Models directory to look up shipped profiles in")
        }
        let shipped = models.calibrations.appendingPathComponent(argument + ".json")
        guard FileManager.default.fileExists(atPath: shipped.path) else {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: models.calibrations.path)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
            throw CalibrationError.invalidOption(
                "--calibration \(argument): no such file or shipped profile (shipped: \(names.isEmpty ? "none" : names.joined(separator: ", ")))"
            )
        }
        return try CalibrationProfile.load(contentsOf: shipped)
    }
}
