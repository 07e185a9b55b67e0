import Foundation
import HAONetwork

/// Why a network cannot be written as a timm-style `arch_def`.
public struct ArchDefExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// "block 3", "network", ...
    public var location: String
    /// What has no `arch_def` form, in words.
    public var reason: String

    /// One line for the user: where the network has no `arch_def` form and why.
    public var description: String { "cannot write an arch_def: \(location): \(reason)" }
    /// Creates an error from its location and reason.
    public init(location: String, reason: String) {
        self.location = location
        self.reason = reason
    }
}

extension Network {
    /// The blocks as timm-style `arch_def` stages (see ``archDefinition()``).
    public func archDefStrings() throws(ArchDefExportError) -> [[String]] {
        try archDefinition().stages
    }

    /// The blocks as a timm-style `arch_def` that the project's parser (and timm's
    /// `decode_arch_def` with the EfficientNet builder) turns back into exactly these blocks.
    ///
    /// Blocks without an expand conv are `ds` (or `dsa` with an activated pointwise conv and no
    /// residual, as MobileNetV1's), all others `ir`, so the definition uses timm's convention that
    /// an `ir` block always has an expand conv (``UnitExpansion/conv``). Consecutive equal blocks
    /// become repeats (`rN`); a new stage starts wherever the output width changes. Expand and
    /// squeeze-excite ratios are the shortest decimals that reproduce the widths under
    /// `make_divisible` and the chosen squeeze-excite rounding. Refused, with the block and the
    /// reason: grouped 1x1 convs, activations timm's strings cannot name (linear blocks), widths no
    /// ratio reproduces, and activated project convs in blocks with an expand conv.
    public func archDefinition() throws(ArchDefExportError) -> ArchDefinition {
        let activation = defaultBlockActivation
        let rounding = try seRounding()
        var stages: [[String]] = []
        var current: [(key: String, stride: Int, count: Int)] = []
        var stageChannels = -1
        func closeStage() {
            guard !current.isEmpty else { return }
            stages.append(
                current.map { run in
                    run.key.replacingOccurrences(of: "_R_", with: "_r\(run.count)_").replacingOccurrences(
                        of: "_S_", with: "_s\(run.stride)_")
                })
            current = []
        }
        for (index, block) in blocks.enumerated() {
            let key = try archDefKey(block, index: index, defaultActivation: activation, rounding: rounding)
            if block.outChannels != stageChannels {
                closeStage()
                stageChannels = block.outChannels
            }
            if let last = current.last, last.key == key, block.stride == 1 {
                current[current.count - 1].count += 1
            } else {
                current.append((key, block.stride, 1))
            }
        }
        closeStage()
        if head.hasConv && head.hiddenChannels != nil {
            // MobileNetV3-style: the conv before pooling is the definition's final `cn` entry.
            stages.append(["cn_r1_k1_s1_c\(head.convChannels)"])
        }
        return ArchDefinition(stages: stages, defaultActivation: activation, seRounding: rounding, unitExpansion: .conv)
    }

    /// The activation blocks without an `n<act>` option get: the stem's (timm applies its
    /// `act_layer` to stem, head and blocks alike), or the blocks' most common one when the stem is linear.
    var defaultBlockActivation: Activation {
        if stem.activation != .linear { return stem.activation }
        let counts = Dictionary(grouping: blocks.map(\.activation), by: { $0 }).mapValues(\.count)
        return counts.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }?.key ?? .relu
    }

    /// One block's string with placeholders `_R_` and `_S_` for repeats and stride, so that
    /// equal blocks have equal keys.
    private func archDefKey(
        _ block: Block, index: Int, defaultActivation: Activation,
        rounding: SqueezeExciteRounding
    ) throws(ArchDefExportError) -> String {
        func fail(_ reason: String) -> ArchDefExportError { ArchDefExportError(location: "block \(index)", reason: reason) }
        guard block.pointwiseGroups == 1 else { throw fail("grouped 1x1 convs (groups \(block.pointwiseGroups)) have no arch_def option") }
        guard block.activation != .linear else { throw fail("a block without activation has no arch_def option (nre, nr6, nhs, nsw)") }
        var parts: [String]
        if block.hasExpand {
            guard block.projectActivation == .linear else {
                throw fail("an activated project conv in a block with an expand conv has no arch_def option")
            }
            guard
                let ratio = Self.shortestRatio(
                    matching: { ArchDefinition.makeDivisible(Double(block.inChannels) * $0) == block.expandedChannels },
                    near: Double(block.expandedChannels) / Double(block.inChannels))
            else {
                throw fail(
                    "no expand ratio e gives make_divisible(\(block.inChannels) x e, 8) = \(block.expandedChannels) expanded channels")
            }
            parts = ["ir", "R", "k\(block.kernel)", "S", "e\(ratio)"]
        } else if block.projectActivation != .linear {
            guard block.projectActivation == block.activation else {
                throw fail(
                    "the pointwise conv's activation (\(block.projectActivation.rawValue)) differs from the depthwise conv's; timm's dsa uses one"
                )
            }
            guard !block.hasResidual else { throw fail("timm's dsa blocks (activated pointwise conv) never add a residual") }
            parts = ["dsa", "R", "k\(block.kernel)", "S"]
        } else {
            parts = ["ds", "R", "k\(block.kernel)", "S"]
        }
        parts.append("c\(block.outChannels)")
        if block.hasSqueezeExcite {
            guard let ratio = Self.seRatio(block, rounding) else {
                throw fail("no ratio gives \(block.seChannels) squeeze-excite channels with \(rounding.rawValue) rounding")
            }
            parts.append("se\(ratio)")
        }
        if block.activation != defaultActivation { parts.append(Self.activationOption(block.activation)) }
        if block.noSkip && parts[0] != "dsa" { parts.append("noskip") }
        return parts.joined(separator: "_")
    }

    /// The squeeze-excite rounding under which every SE width has a ratio, preferring the one
    /// with fewer distinct ratios (MobileNetV3's 0.25 of the expanded width, EfficientNet's 0.25 of the input).
    private func seRounding() throws(ArchDefExportError) -> SqueezeExciteRounding {
        let se = blocks.filter(\.hasSqueezeExcite)
        var best: (SqueezeExciteRounding, Int)?
        for rounding in [SqueezeExciteRounding.blockInput, .expandedDivisibleBy8] {
            let ratios = se.map { Self.seRatio($0, rounding) }
            guard ratios.allSatisfy({ $0 != nil }) else { continue }
            let distinct = Set(ratios.map { $0! }).count
            if best == nil || distinct < best!.1 { best = (rounding, distinct) }
        }
        guard let best else {
            let index = blocks.firstIndex { $0.hasSqueezeExcite && Self.seRatio($0, .blockInput) == nil }!
            throw ArchDefExportError(
                location: "block \(index)",
                reason:
                    "no se ratio reproduces \(blocks[index].seChannels) squeeze-excite channels under either rounding (block input or make_divisible of the expanded width)"
            )
        }
        return best.0
    }

    /// The block's `se` ratio under a rounding: the usual 0.25 when it reproduces the width,
    /// else the shortest decimal that does.
    private static func seRatio(_ block: Block, _ rounding: SqueezeExciteRounding) -> String? {
        let matches: (Double) -> Bool
        let base: Int
        switch rounding {
        case .blockInput:
            base = block.inChannels
            matches = { max(1, Int((Double(block.inChannels) * $0).rounded(.down))) == block.seChannels }
        case .expandedDivisibleBy8:
            base = block.expandedChannels
            matches = { ArchDefinition.makeDivisible(Double(block.expandedChannels) * $0) == block.seChannels }
        }
        if matches(0.25) { return "0.25" }
        return shortestRatio(matching: matches, near: Double(block.seChannels) / Double(base))
    }

    /// The decimal with the fewest digits (up to 6) near `target` that satisfies `matches`,
    /// written as the parser reads it ("6", "2.5", "0.25").
    static func shortestRatio(matching matches: (Double) -> Bool, near target: Double) -> String? {
        for digits in 0...6 {
            let scale = pow(10.0, Double(digits))
            for candidate in [(target * scale).rounded() / scale, (target * scale).rounded(.up) / scale] where candidate > 0 {
                if matches(candidate) { return format(candidate, digits: digits) }
            }
        }
        return nil
    }

    private static func format(_ value: Double, digits: Int) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func activationOption(_ activation: Activation) -> String {
        switch activation {
        case .relu: return "nre"
        case .relu6: return "nr6"
        case .hardSwish: return "nhs"
        case .swish: return "nsw"
        case .linear: return ""
        }
    }
}
