import Foundation
import HAOHardware
import HAOTestSupport
import Testing

@testable import HAOCalibration

/// The profiles in Models/calibrations are what scripts/calibrate-profiles produces from the shared
/// data: each loads on its target, carries its cross-validated and MACs-only figures, was fitted on
/// the data files as they are now, and was written by a command the script runs.
@Suite struct ShippedProfileTests {
    static func shipped() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: TestPaths.models.calibrations, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    @Test func everyShippedProfileLoadsAndBeatsMACsAlone() throws {
        let files = try Self.shipped()
        #expect(files.count >= 2)
        for url in files {
            let profile = try CalibrationProfile.load(contentsOf: url)
            #expect(profile.name == url.deletingPathExtension().lastPathComponent)
            let target = try #require(HardwareTargets.named(profile.target.rawValue) as? any CalibratableTarget.Type, "\(profile.target)")
            _ = try profile.values(for: target.calibrationParameters)
            let cv = try #require(profile.crossValidation)
            let macs = try #require(profile.macsBaseline)
            #expect(cv.folds == 10 && cv.count == macs.count)
            #expect(cv.spearman > macs.spearman && cv.meanAbsolutePercentageError < macs.meanAbsolutePercentageError, "\(profile.name)")
            #expect(FileManager.default.fileExists(atPath: url.deletingPathExtension().appendingPathExtension("svg").path))
        }
    }

    @Test func everyShippedProfileIsReproducedByTheScript() throws {
        let script = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("scripts/calibrate-profiles"), encoding: .utf8)
            .replacingOccurrences(of: "\\\n", with: "").replacingOccurrences(of: "\"$hao\"", with: "hao")
            .replacingOccurrences(of: "\"$data/", with: "../shared/data/").replacingOccurrences(of: "\"$out/", with: "Models/calibrations/")
            .replacingOccurrences(of: ".csv\"", with: ".csv").replacingOccurrences(of: ".json\"", with: ".json")
        let commands = script.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        for url in try Self.shipped() {
            let profile = try CalibrationProfile.load(contentsOf: url)
            let command = try #require(profile.command)
            #expect(commands.contains(command), "\(profile.name): '\(command)' is not a command of scripts/calibrate-profiles")
            guard profile.measurementFiles.allSatisfy({ TestPaths.hasSharedData($0) }) else {
                print("skipping the fingerprint check of \(profile.name): its measurement files are not in ../shared/data")
                continue
            }
            let files = profile.measurementFiles.map { TestPaths.sharedDataFile($0) }
            #expect(try MeasurementFingerprint.of(files) == profile.measurementFingerprint, "\(profile.name) was fitted on other data")
        }
    }
}
