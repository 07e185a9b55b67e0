import Foundation
import HAOSupport

/// The training data readers: the once-for-all fine-tuned rows, active-list architectures and
/// user-supplied labelled rows, each checked against the search space.
extension PredictorTrainer {
    /// Width-1.0 once-for-all MobileNetV3 rows whose block pattern fits the space.
    func fineTuned(_ t: CSVTable) throws -> ([LabelledNetwork], [String]) {
        let cName = try t.column("name")
        let cSpace = try t.column("space")
        let cTop1 = try t.column("top1")
        let cRes = try t.column("resolution")
        let cDepths = try t.column("stage_depths")
        let cKs = try t.column("ks")
        let cEx = try t.column("expand")
        let cSE = try t.column("use_se")
        let cFirst = try t.column("first_conv_out")
        var nets: [LabelledNetwork] = []
        var excluded: [String] = []
        for row in t.rows {
            let name = try row.string(cName)
            guard try row.string(cSpace) == "MobileNetV3" else {
                excluded.append("\(name): ProxylessNAS space, not MobileNetV3")
                continue
            }
            guard try row.int(cFirst) == space.stem.outChannels else {
                excluded.append("\(name): width multiplier 1.2 (stem \(try row.int(cFirst)) channels), outside the width-1.0 space")
                continue
            }
            let depths = try row.intList(cDepths)
            let ks = try row.intList(cKs)
            let ex = try row.intList(cEx)
            let se = try row.intList(cSE)
            let point = try activeListsToPoint(
                depths: depths, kernels: ks, expands: ex, bits: nil,
                resolution: try row.int(cRes), file: t.file, line: row.line)
            var slotIndex = 0
            for (s, d) in depths.enumerated() {
                for _ in 0..<d {
                    if (se[slotIndex] != 0) != space.stages[s].squeezeExcite {
                        throw PredictorError.badData(
                            file: t.file, line: row.line, reason: "\(name): squeeze-excite pattern differs from the space's stage \(s + 1)")
                    }
                    slotIndex += 1
                }
            }
            nets.append(.init(name: name, point: point, top1: try row.double(cTop1), source: "ofa_specialized.csv"))
        }
        return (nets, excluded)
    }

    /// Builds a point from per-active-block lists; inactive slots take the space's first choices.
    func activeListsToPoint(
        depths: [Int], kernels: [Int], expands: [Int], bits: [Int]?, resolution: Int,
        file: String, line: Int
    ) throws -> ArchitecturePoint {
        func bad(_ s: String) -> PredictorError { .badData(file: file, line: line, reason: s) }
        guard depths.count == ArchitecturePoint.stageCount else { throw bad("\(depths.count) stage depths, expected 5") }
        let n = depths.reduce(0, +)
        guard kernels.count == n, expands.count == n, bits.map({ $0.count == n }) ?? true else {
            throw bad("depths sum to \(n) blocks but kernels/expand/bits list \(kernels.count)/\(expands.count)/\(bits?.count ?? n)")
        }
        guard let lo = space.resolutionChoices.min(), let hi = space.resolutionChoices.max(), (lo...hi).contains(resolution) else {
            throw bad("resolution \(resolution) outside \(space.resolutionChoices.min() ?? 0)...\(space.resolutionChoices.max() ?? 0)")
        }
        var p = ArchitecturePoint(
            depths: depths,
            kernels: .init(repeating: space.kernelChoices[0], count: 20),
            expandRatios: .init(repeating: space.expandChoices[0], count: 20),
            bits: .init(repeating: space.bitChoices[0], count: 20), resolution: space.resolutionChoices[0])
        var i = 0
        for (s, d) in depths.enumerated() where d <= ArchitecturePoint.slotsPerStage {
            for j in 0..<d {
                let slot = s * ArchitecturePoint.slotsPerStage + j
                p.kernels[slot] = kernels[i]
                p.expandRatios[slot] = expands[i]
                p.bits[slot] = bits?[i] ?? 8
                i += 1
            }
        }
        do { try space.check(p) } catch let e as SearchSpaceError { throw bad("\(e)") }
        p.resolution = resolution
        return p
    }

    /// The columns a user label CSV may have.
    static let userColumns = ["name", "resolution", "depths", "kernels", "expand_ratios", "bits", "top1"]

    /// ``userRows(_:file:quantization:)`` plus checks on the file as a whole: unknown columns and
    /// over-long rows are refused (a misspelt or extra column would otherwise be dropped silently);
    /// top-1 given as fractions is refused when every value is at most 1 (no real ImageNet
    /// classifier is below 1%: chance is 0.1%), and warned about when only some are.
    func userRowsChecked(_ t: CSVTable, file: String, quantization: QuantizationModel) throws
        -> (rows: [LabelledNetwork], warnings: [String])
    {
        let unknown = t.header.filter { !Self.userColumns.contains($0) }
        guard unknown.isEmpty else {
            throw PredictorError.badData(
                file: file, line: 1,
                reason:
                    "unknown column\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); a user label CSV has \(Self.userColumns.joined(separator: ",")) (bits and name optional)"
            )
        }
        if let dup = t.header.first(where: { h in t.header.filter { $0 == h }.count > 1 }) {
            throw PredictorError.badData(file: file, line: 1, reason: "column '\(dup)' appears twice")
        }
        for row in t.rows where row.fields.count > t.header.count {
            throw PredictorError.badData(
                file: file, line: row.line, reason: "\(row.fields.count) fields but the header has \(t.header.count) columns")
        }
        let rows = try userRows(t, file: file, quantization: quantization)
        let cT = try t.column("top1")
        let small = try t.rows.filter { try $0.double(cT) <= 1.0 }
        if !small.isEmpty && small.count == t.rows.count {
            throw PredictorError.badData(
                file: file, line: t.rows[0].line,
                reason:
                    "every top1 is at most 1.0 (e.g. \(try t.rows[0].string(cT))): these look like fractions; give top1 in percent (77.0, not 0.77)"
            )
        }
        let warnings = try small.map { row in
            "\(file):\(row.line): top1 \(try row.string(cT)) looks like a fraction among percent values; it was used as \(try row.string(cT))%"
        }
        return (rows, warnings)
    }

    func userRows(_ t: CSVTable, file: String, quantization: QuantizationModel) throws -> [LabelledNetwork] {
        let cRes = try t.column("resolution")
        let cD = try t.column("depths")
        let cK = try t.column("kernels")
        let cE = try t.column("expand_ratios")
        let cT = try t.column("top1")
        let cB = t.header.firstIndex(of: "bits")
        let cN = t.header.firstIndex(of: "name")
        guard !t.rows.isEmpty else { throw PredictorError.badData(file: file, line: 2, reason: "no data rows") }
        return try t.rows.map { row in
            let p = try activeListsToPoint(
                depths: try row.intList(cD), kernels: try row.intList(cK),
                expands: try row.intList(cE),
                // An empty bits cell means all-8-bit, like a missing column (docs, --help).
                bits: try cB.flatMap { row.isBlank($0) ? nil : try row.intList($0) },
                resolution: try row.int(cRes), file: file, line: row.line)
            let top1 = try row.double(cT)
            guard (0...100).contains(top1) else {
                throw PredictorError.badData(file: file, line: row.line, reason: "top1 \(top1) not a percentage")
            }
            // Measured on a quantized net: add back the modelled penalty to get a full-precision label.
            let name = try cN.map { try row.string($0) } ?? "\(URL(fileURLWithPath: file).lastPathComponent):\(row.line)"
            return LabelledNetwork(name: name, point: p, top1: top1 + quantization.penalty(p).points, source: file)
        }
    }
}
