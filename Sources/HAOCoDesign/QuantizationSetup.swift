import Foundation
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSupport

/// Why a bit-allocation problem could not be built from a network and a penalty source.
public enum QuantizationSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    case badSensitivity(path: String, reason: String)
    case noPenaltySource(String)

    /// One line for the user naming the sensitivity file or the missing source.
    public var description: String {
        switch self {
        case .badSensitivity(let path, let reason): return "sensitivity file \(path): \(reason)"
        case .noPenaltySource(let m): return "no accuracy penalties: \(m)"
        }
    }
}

/// A bit-allocation problem with where its penalties and its float top-1 come from, and how to
/// turn a solution's widths into a predicted top-1.
public struct QuantizationSetup: Sendable {
    /// Allowed widths and per-width top-1 penalties of each block, with residual groups and the latency (cycles) or model-size (bits) limit.
    public var problem: BitAllocationProblem
    /// Predicted top-1 of the network with the given widths per block.
    public var top1: @Sendable ([Int]) -> Double?
    /// Where the float top-1 and the penalties come from, in words.
    public var top1Source: String
    /// Where the per-block penalties come from, in words (predictor quantization model, sensitivity file or layer-kind rule).
    public var penaltySource: String
    /// The network's point in the search space, when it is one.
    public var point: ArchitecturePoint?

    /// Builds the problem for `network` with widths {4, 8} per block.
    ///
    /// - Network in `space` (and a predictor given): the predictor's float top-1, and per-block
    ///   penalties from its quantization model (or from a `hao-sensitivity-v1` slot file): the model
    ///   is additive over blocks, so block b's penalty at 4 bits is `penalty(only b at 4) - penalty(all at 8)`;
    ///   the space's fixed first block stays at its width.
    /// - Otherwise: the published float top-1 from the network's reference, and the quantization
    ///   model's layer-kind rule over the network's own layers (`QuantizationModel.lowBitBlockPenalties`),
    ///   or a `block,penalty_4bit` CSV sensitivity file with one row per block.
    /// In both cases the 8-bit part (`int8Penalty`) is subtracted once, and residual groups apply
    /// (``BitAllocationProblem/residualGroups(_:)``) unless `groups` is false.
    public static func make(
        network: Network, limit: BitAllocationLimit, space: SearchSpace?, predictor: AccuracyPredictor?,
        quantization: QuantizationModel?, sensitivity: URL?, groups useGroups: Bool = true
    ) throws -> QuantizationSetup {
        let n = network.blocks.count
        let (groups, pinned) = useGroups ? BitAllocationProblem.residualGroups(network) : ([], [])
        var allowed = (0..<n).map { pinned.contains($0) ? [network.stem.precision.operandBits] : [4, 8] }
        var penalties = allowed.map { $0.map { _ in 0.0 } }
        let baseQ = quantization ?? predictor?.quantization ?? .none
        if let space, let predictor, let point = try? space.point(for: network) {
            var q = baseQ
            var source = "predictor \(predictor.modelName) quantization model (\(q.source))"
            if let sensitivity {
                do { q = try QuantizationModel.userSensitivity(contentsOf: sensitivity, base: baseQ) } catch {
                    throw QuantizationSetupError.badSensitivity(path: sensitivity.path, reason: "\(error)")
                }
                source = q.source
            }
            let model = predictor.with(quantization: q)
            // Block i >= 1 sits in the i-th active slot; block 0 is the space's fixed first block.
            let slots = (0..<ArchitecturePoint.slotCount).filter { point.isActive(slot: $0) }
            var all8 = point
            all8.bits = all8.bits.map { _ in 8 }
            let base = q.penalty(all8).points
            allowed[0] = [network.blocks[0].precision.operandBits]
            penalties[0] = [0]
            for (i, slot) in slots.enumerated() where i + 1 < n {
                var p = all8
                p.bits[slot] = 4
                let extra = q.penalty(p).points - base
                if !pinned.contains(i + 1) { penalties[i + 1] = [extra, 0] }
            }
            let problem = BitAllocationProblem(network: network, allowedBits: allowed, penalties: penalties, groups: groups, limit: limit)
            let reference = all8
            let top1: @Sendable ([Int]) -> Double? = { bits in
                var p = reference
                for (i, slot) in slots.enumerated() where i + 1 < bits.count { p.bits[slot] = bits[i + 1] }
                return model.predict(p).top1
            }
            return QuantizationSetup(
                problem: problem, top1: top1,
                top1Source: "the predictor's float top-1 for this point of the search space minus its quantization penalty",
                penaltySource: source, point: point)
        }
        // Not in the space.
        var source: String
        if let sensitivity {
            let rows = try readBlockSensitivity(sensitivity, blocks: n)
            for b in 0..<n where !pinned.contains(b) { penalties[b] = [rows[b], 0] }
            source = "block sensitivity file \(sensitivity.lastPathComponent)"
        } else {
            let perBlock = baseQ.lowBitBlockPenalties(network)
            for b in 0..<n where !pinned.contains(b) { penalties[b] = [perBlock[b], 0] }
            source = "quantization model, \(baseQ.regime.rawValue) regime: \(baseQ.source)"
        }
        let problem = BitAllocationProblem(network: network, allowedBits: allowed, penalties: penalties, groups: groups, limit: limit)
        let float = network.reference?.top1
        let int8 = baseQ.int8Penalty
        let top1: @Sendable ([Int]) -> Double? = { bits in float.map { $0 - int8 - problem.penalty(bits) } }
        return QuantizationSetup(
            problem: problem, top1: top1,
            top1Source: float == nil
                ? "no float top-1 (the network has no published figure and is not in the search space)"
                : String(format: "the published float top-1 (%.1f%%) minus the 8-bit penalty (%.2f) and the block penalties", float!, int8),
            penaltySource: source, point: nil)
    }

    /// Reads a CSV with header `block,penalty_4bit` and one row per block (0-based): top-1 points
    /// lost when that block runs at 4 instead of 8 bits.
    public static func readBlockSensitivity(_ url: URL, blocks: Int) throws -> [Double] {
        let path = url.path
        let text: String
        do { text = try InputFile.text(url) } catch {
            throw QuantizationSetupError.badSensitivity(path: path, reason: error.reason)
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            throw QuantizationSetupError.badSensitivity(
                path: path,
                reason:
                    "a slot sensitivity file (hao-sensitivity-v1) needs a network of the search space; for other networks give a CSV with header block,penalty_4bit"
            )
        }
        var lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty && !$0.hasPrefix("#")
        }
        guard let header = lines.first, header.replacingOccurrences(of: " ", with: "") == "block,penalty_4bit" else {
            throw QuantizationSetupError.badSensitivity(path: path, reason: "expected the header 'block,penalty_4bit'")
        }
        lines.removeFirst()
        var values = [Double?](repeating: nil, count: blocks)
        for (i, line) in lines.enumerated() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, let b = Int(fields[0]), let v = Double(fields[1]), v.isFinite else {
                throw QuantizationSetupError.badSensitivity(
                    path: path, reason: "line \(i + 2): expected 'block,penalty' with an integer and a finite number, got '\(line)'")
            }
            guard (0..<blocks).contains(b) else {
                throw QuantizationSetupError.badSensitivity(path: path, reason: "line \(i + 2): block \(b) is not in 0..<\(blocks)")
            }
            guard values[b] == nil else {
                throw QuantizationSetupError.badSensitivity(path: path, reason: "line \(i + 2): block \(b) listed twice")
            }
            values[b] = v
        }
        if let missing = values.firstIndex(where: { $0 == nil }) {
            throw QuantizationSetupError.badSensitivity(
                path: path, reason: "block \(missing) has no penalty (\(blocks) blocks, one row each)")
        }
        return values.map { $0! }
    }
}

extension QuantizationSetup {
    /// The setup with the space and predictor resolved the way the command line does: the files
    /// given, else the shipped ones in `models` when they exist (without them, the MAC-share rule
    /// or a block sensitivity file supplies the penalties).
    public static func resolve(
        network: Network, limit: BitAllocationLimit, models: ModelsDirectory?, space: URL?, predictor: URL?,
        regime: QuantizationRegime, sensitivity: URL?, groups: Bool
    ) throws -> QuantizationSetup {
        func existing(_ given: URL?, _ shipped: URL?) -> URL? {
            if let given { return given }
            return shipped.flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
        }
        let spaceURL = existing(space, models?.spaces.appendingPathComponent(CoDesignDefaults.spaceFile))
        let predictorURL = existing(predictor, models?.predictors.appendingPathComponent(CoDesignDefaults.predictorFile))
        let searchSpace = try spaceURL.map { try SearchSpace(contentsOf: $0) }
        let model = try predictorURL.map { try AccuracyPredictor(contentsOf: $0).with(regime: regime) }
        return try make(
            network: network, limit: limit, space: searchSpace, predictor: model, quantization: nil,
            sensitivity: sensitivity, groups: groups)
    }
}
