import Foundation
import HAOSupport
import HAOTestSupport
import Testing

@testable import HAOPredictor

enum Paths {
    static let root = TestPaths.packageRoot
    static let space = root.appendingPathComponent("Models/spaces/ofa-mbv3-w4w8.json")
    static let shippedModel = root.appendingPathComponent("Models/predictors/ofa-mbv3-w4w8-kernel.json")
    /// The public data set: `../shared/data` next to the package, or `HAO_TEST_DATA` when set
    /// (e.g. to a missing folder, to see which tests need the data).
    static let data: URL = TestPaths.sharedData
    static func dataFile(_ name: String) -> URL { data.appendingPathComponent(name) }
    static var haveData: Bool { FileManager.default.fileExists(atPath: dataFile("ofa_predictor/acc_predictor_mlp.json").path) }
    /// Why a data-gated test is skipped; tests use `@Test(.enabled(if: Paths.haveData, Paths.skipComment))`
    /// so a run without the data reports them as skipped, not passed. CI has the data.
    static let skipComment: Comment =
        "needs ../shared/data (the public data set: ofa_predictor/acc_predictor_mlp.json and the CSVs), absent at \(data.path)"
    static var trainingFiles: [URL] {
        [
            "ofa_predictor/acc_predictor_mlp.json", "ofa_specialized.csv", "tfslim_mobilenet_v1_v2.csv",
            "hawqv3_model_zoo.csv", "mpnas201_bitwidth_acc.csv", "mobilenet_quant_acc.csv",
        ].map(dataFile)
    }
}

func loadSpace() throws -> SearchSpace { try SearchSpace(contentsOf: Paths.space) }

func tempFile(_ name: String, _ contents: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "hao-predictor-tests-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try contents.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// A point from per-active-block lists (the ofa_specialized.csv layout).
func pointFromLists(depths: [Int], kernels: [Int], expands: [Int], resolution: Int) -> ArchitecturePoint {
    var p = ArchitecturePoint(
        depths: depths, kernels: .init(repeating: 3, count: 20), expandRatios: .init(repeating: 3, count: 20),
        bits: .init(repeating: 4, count: 20), resolution: resolution)
    var i = 0
    for (s, d) in depths.enumerated() {
        for j in 0..<d {
            p.kernels[s * 4 + j] = kernels[i]
            p.expandRatios[s * 4 + j] = expands[i]
            p.bits[s * 4 + j] = 8
            i += 1
        }
    }
    return p
}
