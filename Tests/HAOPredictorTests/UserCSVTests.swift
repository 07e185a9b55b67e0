import Foundation
import Testing

@testable import HAOPredictor

/// User label CSVs (`name,resolution,depths,kernels,expand_ratios,bits,top1`): what
/// `hao predictor train --help` and docs/predictor.md promise about them.
@Suite struct UserCSVTests {
    static let header = "name,resolution,depths,kernels,expand_ratios,bits,top1\n"

    /// A row of the all-depth-4 space corner (20 active blocks).
    static func row(_ name: String, resolution: Int = 224, kernel: Int = 3, bits: String? = nil, top1: String) -> String {
        let k = Array(repeating: String(kernel), count: 20).joined(separator: "-")
        let e = Array(repeating: "4", count: 20).joined(separator: "-")
        return "\(name),\(resolution),4-4-4-4-4,\(k),\(e),\(bits ?? ""),\(top1)\n"
    }

    static func trainer() throws -> PredictorTrainer {
        PredictorTrainer(space: try loadSpace(), options: PredictorTests.smallOptions(seed: 1))
    }

    static func failure(_ csv: String) throws -> String? {
        let url = try tempFile("user-\(UUID().uuidString).csv", csv)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try trainer().train(files: [url])
            return nil
        } catch { return "\(error)" }
    }

    @Test func emptyBitsCellMeansEightBits() throws {
        let eights = Array(repeating: "8", count: 20).joined(separator: "-")
        let csv =
            Self.header + Self.row("b", top1: "77.0") + Self.row("c", bits: eights, top1: "77.0")
            + Self.row("d", bits: " ", top1: "77.0")
        let table = try CSVTable(text: csv, file: "user.csv")
        // With a nonzero quantization model, the label of an all-8-bit net gets the 8-bit penalty added back.
        let q = QuantizationModel(int8Penalty: 1.5, int8PenaltyStd: 0.1, int4Penalty: 4, int4PenaltyStd: 0.5, source: "test")
        let rows = try Self.trainer().userRows(table, file: "user.csv", quantization: q)
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.point == rows[1].point })
        #expect(rows[0].point.bits.allSatisfy { $0 == 8 })
        #expect(rows.allSatisfy { abs($0.top1 - 78.5) < 1e-12 })
        // And end to end: such a file trains.
        let url = try tempFile(
            "user-empty-bits.csv",
            Self.header + Self.row("b", top1: "77.0")
                + Self.row("c", resolution: 160, top1: "74.0") + Self.row("d", resolution: 192, kernel: 5, top1: "76.0"))
        _ = try Self.trainer().train(files: [url])
    }
}
