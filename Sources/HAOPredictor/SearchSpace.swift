import Foundation
import HAONetwork
import HAOSupport

/// The default search space: a fixed stem and first block, five searchable MBConv stages
/// and a fixed head, with per-block kernel, expand ratio and bit width, and an input
/// resolution. Loaded from `Models/spaces/*.json` (format `hao-space-v1`).
///
/// The layout is fixed to ``ArchitecturePoint``'s 5 stages x 4 slots.
public struct SearchSpace: Sendable, Hashable, Codable {
    /// The `format` value of a space file; ``validate()`` rejects other values.
    public static let formatName = "hao-space-v1"

    /// A fixed convolution (the stem).
    public struct FixedConv: Sendable, Hashable, Codable {
        /// Output channels (JSON key `out_channels`).
        public var outChannels: Int
        /// Square kernel size.
        public var kernel: Int
        /// Spatial stride.
        public var stride: Int
        /// Activation after the convolution.
        public var activation: Activation
        /// Weight and activation bit width, in 1...32.
        public var bits: Int
        enum CodingKeys: String, CodingKey {
            case outChannels = "out_channels"
            case kernel, stride, activation, bits
        }
    }

    /// The fixed first MBConv block.
    public struct FixedBlock: Sendable, Hashable, Codable {
        /// Output channels (JSON key `out_channels`).
        public var outChannels: Int
        /// Expand ratio of the 1x1 expand convolution; 1 means the block has none (JSON key `expand_ratio`).
        public var expandRatio: Int
        /// Depthwise kernel size.
        public var kernel: Int
        /// Depthwise stride.
        public var stride: Int
        /// Activation of the block's expand and depthwise convolutions.
        public var activation: Activation
        /// Whether the block has a squeeze-excite module (JSON key `squeeze_excite`).
        public var squeezeExcite: Bool
        /// Weight and activation bit width, in 1...32.
        public var bits: Int
        enum CodingKeys: String, CodingKey {
            case outChannels = "out_channels"
            case expandRatio = "expand_ratio"
            case kernel, stride, activation
            case squeezeExcite = "squeeze_excite"
            case bits
        }
    }

    /// One searchable stage: its first block has `stride`, the others stride 1.
    public struct Stage: Sendable, Hashable, Codable {
        /// Output channels of every block of the stage (JSON key `out_channels`).
        public var outChannels: Int
        /// Stride of the stage's first block.
        public var stride: Int
        /// Activation of the stage's blocks.
        public var activation: Activation
        /// Whether the stage's blocks have squeeze-excite (JSON key `squeeze_excite`).
        public var squeezeExcite: Bool
        enum CodingKeys: String, CodingKey {
            case outChannels = "out_channels"
            case stride, activation
            case squeezeExcite = "squeeze_excite"
        }
    }

    /// The fixed head: 1x1 conv, pooling, 1x1 conv on the pooled vector, classifier.
    public struct FixedHead: Sendable, Hashable, Codable {
        /// Output channels of the 1x1 head convolution (JSON key `conv_channels`).
        public var convChannels: Int
        /// Channels of the 1x1 hidden layer after pooling; nil when the head has none (JSON key `hidden_channels`).
        public var hiddenChannels: Int?
        /// Classifier outputs (1000 for ImageNet).
        public var classes: Int
        /// Activation of the head convolution and hidden layer.
        public var activation: Activation
        /// Weight and activation bit width of every head layer, in 1...32.
        public var bits: Int
        enum CodingKeys: String, CodingKey {
            case convChannels = "conv_channels"
            case hiddenChannels = "hidden_channels"
            case classes, activation, bits
        }
    }

    /// Must equal ``formatName``.
    public var format: String
    /// Short label of the space.
    public var name: String
    /// What the space is, in words; optional.
    public var description: String?
    /// Where the space comes from (paper or code); optional.
    public var reference: String?
    /// Channels of the input image (3 for RGB) (JSON key `input_channels`).
    public var inputChannels: Int
    /// The fixed stem convolution.
    public var stem: FixedConv
    /// The fixed first MBConv block (JSON key `first_block`).
    public var firstBlock: FixedBlock
    /// The five searchable stages, in order (exactly ``ArchitecturePoint/stageCount``).
    public var stages: [Stage]
    /// Allowed blocks per stage, each at most ``ArchitecturePoint/slotsPerStage`` (JSON key `depth_choices`).
    public var depthChoices: [Int]
    /// Allowed depthwise kernel sizes, odd (JSON key `kernel_choices`).
    public var kernelChoices: [Int]
    /// Allowed expand ratios (JSON key `expand_choices`).
    public var expandChoices: [Int]
    /// Allowed per-block bit widths, in 1...32 (JSON key `bit_choices`).
    public var bitChoices: [Int]
    /// Allowed input resolutions in pixels (JSON key `resolution_choices`).
    public var resolutionChoices: [Int]
    /// Squeeze-excite bottleneck = make_divisible(expanded / seReduction, channelDivisor).
    public var seReduction: Int
    /// Channel counts are rounded to multiples of this (make_divisible) (JSON key `channel_divisor`).
    public var channelDivisor: Int
    /// The fixed head.
    public var head: FixedHead

    enum CodingKeys: String, CodingKey {
        case format, name, description, reference
        case inputChannels = "input_channels"
        case stem
        case firstBlock = "first_block"
        case stages
        case depthChoices = "depth_choices"
        case kernelChoices = "kernel_choices"
        case expandChoices = "expand_choices"
        case bitChoices = "bit_choices"
        case resolutionChoices = "resolution_choices"
        case seReduction = "se_reduction"
        case channelDivisor = "channel_divisor"
        case head
    }

    /// Loads and validates a space file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try InputFile.read(url) } catch {
            throw SearchSpaceError.unreadable(path: url.path, reason: error.reason)
        }
        let decoded: SearchSpace
        do { decoded = try JSONFile.decode(SearchSpace.self, from: data, source: "'\(url.path)'") } catch {
            throw SearchSpaceError.unreadable(path: url.path, reason: "not a valid \(Self.formatName) file: \(error.reason)")
        }
        try decoded.validate()
        self = decoded
    }

    /// Checks the definition is self-consistent and fits ``ArchitecturePoint``'s layout.
    public func validate() throws {
        func fail(_ s: String) -> SearchSpaceError { .invalidSpace(s) }
        guard format == Self.formatName else { throw fail("format is '\(format)', expected '\(Self.formatName)'") }
        guard stages.count == ArchitecturePoint.stageCount else {
            throw fail("\(stages.count) stages, the point layout needs \(ArchitecturePoint.stageCount)")
        }
        for (label, list) in [
            ("depth_choices", depthChoices), ("kernel_choices", kernelChoices),
            ("expand_choices", expandChoices), ("bit_choices", bitChoices),
            ("resolution_choices", resolutionChoices),
        ] {
            guard !list.isEmpty else { throw fail("\(label) is empty") }
            guard Set(list).count == list.count else { throw fail("\(label) has duplicates") }
            guard list.allSatisfy({ $0 > 0 }) else { throw fail("\(label) has a non-positive entry") }
        }
        guard depthChoices.allSatisfy({ $0 <= ArchitecturePoint.slotsPerStage }) else {
            throw fail("a depth choice exceeds \(ArchitecturePoint.slotsPerStage) slots per stage")
        }
        guard kernelChoices.allSatisfy({ $0 % 2 == 1 }) else { throw fail("kernel_choices \(kernelChoices): kernel choices must be odd") }
        guard seReduction > 0, channelDivisor > 0, inputChannels > 0 else {
            throw fail("se_reduction, channel_divisor and input_channels must be positive")
        }
        for bits in [stem.bits, firstBlock.bits, head.bits] + bitChoices where !(1...32).contains(bits) {
            throw fail("bit width \(bits) out of 1...32")
        }
        for stage in stages where stage.outChannels <= 0 || stage.stride <= 0 {
            throw fail("stage with non-positive channels or stride")
        }
        // Ranges of the network format, checked here so that the integer channel and MAC
        // arithmetic on points (expandedChannels, the quantization model's per-block MACs) cannot
        // overflow on a hand-edited file (an expand ratio of 4e15 used to trap).
        let limits = NetworkLimits.standard
        let most = limits.maxChannels
        let sizes =
            [
                ("stem.out_channels", stem.outChannels), ("first_block.out_channels", firstBlock.outChannels),
                ("first_block.expand_ratio", firstBlock.expandRatio), ("head.conv_channels", head.convChannels),
                ("head.hidden_channels", head.hiddenChannels ?? 1), ("head.classes", head.classes),
                ("channel_divisor", channelDivisor), ("se_reduction", seReduction),
            ]
            + stages.enumerated().map { ("stages[\($0.offset)].out_channels", $0.element.outChannels) }
            + expandChoices.map { ("expand_choices", $0) }
        for (label, value) in sizes where !(1...most).contains(value) {
            throw fail("\(label) is \(value); it must be in 1...\(most)")
        }
        guard limits.inputChannels.contains(inputChannels) else {
            throw fail(
                "input_channels is \(inputChannels); it must be in \(limits.inputChannels.lowerBound)...\(limits.inputChannels.upperBound)")
        }
        for resolution in resolutionChoices where !limits.resolutions.contains(resolution) {
            throw fail("resolution choice \(resolution) is outside \(limits.resolutions.lowerBound)...\(limits.resolutions.upperBound)")
        }
        let largestKernel = limits.depthwiseKernels.union(limits.stemKernels).max() ?? 7
        for (label, kernel) in [("stem.kernel", stem.kernel), ("first_block.kernel", firstBlock.kernel)]
            + kernelChoices.map({ ("kernel_choices", $0) }) where !(1...largestKernel).contains(kernel)
        {
            throw fail("\(label) \(kernel) is outside 1...\(largestKernel)")
        }
        for (label, stride) in [("stem.stride", stem.stride), ("first_block.stride", firstBlock.stride)]
            + stages.map({ ("stage stride", $0.stride) }) where !limits.strides.contains(stride)
        {
            throw fail("\(label) \(stride) is not one of \(limits.strides.sorted())")
        }
        // Every count grows with depth, kernel, expansion and resolution, so the largest network
        // of the space bounds them all: if it is within the size limits, every network is.
        let n = ArchitecturePoint.slotCount
        let largest = canonical(
            ArchitecturePoint(
                depths: [Int](repeating: depthChoices.max()!, count: ArchitecturePoint.stageCount),
                kernels: [Int](repeating: kernelChoices.max()!, count: n),
                expandRatios: [Int](repeating: expandChoices.max()!, count: n),
                bits: [Int](repeating: bitChoices.max()!, count: n),
                resolution: resolutionChoices.max()!))
        do { try network(for: largest).validateSize(limits: limits) } catch {
            throw fail("\(error) (the largest network of the space)")
        }
    }

    // MARK: - Points

    /// Whether `point` is in the space (arrays of the right length, every field a
    /// listed choice). Inactive slots must also hold listed choices, so that mutation
    /// can activate them.
    public func contains(_ point: ArchitecturePoint) -> Bool { (try? check(point)) != nil }

    /// Throws ``SearchSpaceError/pointOutsideSpace(_:)`` naming the first field outside the space.
    public func check(_ point: ArchitecturePoint) throws {
        func fail(_ s: String) -> SearchSpaceError { .pointOutsideSpace(s) }
        guard point.depths.count == ArchitecturePoint.stageCount else {
            throw fail("depths has \(point.depths.count) entries, expected \(ArchitecturePoint.stageCount)")
        }
        for (label, list) in [("kernels", point.kernels), ("expand_ratios", point.expandRatios), ("bits", point.bits)]
        where list.count != ArchitecturePoint.slotCount {
            throw fail("\(label) has \(list.count) entries, expected \(ArchitecturePoint.slotCount)")
        }
        for (s, d) in point.depths.enumerated() where !depthChoices.contains(d) {
            throw fail("stage \(s + 1) depth \(d) not in \(depthChoices)")
        }
        for slot in 0..<ArchitecturePoint.slotCount {
            if !kernelChoices.contains(point.kernels[slot]) {
                throw fail("slot \(slot) kernel \(point.kernels[slot]) not in \(kernelChoices)")
            }
            if !expandChoices.contains(point.expandRatios[slot]) {
                throw fail("slot \(slot) expand ratio \(point.expandRatios[slot]) not in \(expandChoices)")
            }
            if !bitChoices.contains(point.bits[slot]) {
                throw fail("slot \(slot) bit width \(point.bits[slot]) not in \(bitChoices)")
            }
        }
        if !resolutionChoices.contains(point.resolution) {
            throw fail("resolution \(point.resolution) not in \(resolutionChoices)")
        }
    }

    /// A uniformly random point (each field drawn independently from its choices),
    /// deterministic for the generator's state.
    public func sample(using rng: inout SplitMix64) -> ArchitecturePoint {
        func pick(_ list: [Int]) -> Int { list[rng.nextIndex(list.count)] }
        let n = ArchitecturePoint.slotCount
        let depths = (0..<ArchitecturePoint.stageCount).map { _ in pick(depthChoices) }
        let kernels = (0..<n).map { _ in pick(kernelChoices) }
        let expands = (0..<n).map { _ in pick(expandChoices) }
        let bits = (0..<n).map { _ in pick(bitChoices) }
        return ArchitecturePoint(
            depths: depths, kernels: kernels, expandRatios: expands, bits: bits,
            resolution: pick(resolutionChoices))
    }

    /// `point` with its inactive slots set to the first listed choice of each field, so
    /// that two points describing the same network compare equal. `point(for:)` returns
    /// canonical points.
    public func canonical(_ point: ArchitecturePoint) -> ArchitecturePoint {
        var p = point
        for slot in 0..<min(ArchitecturePoint.slotCount, p.kernels.count, p.expandRatios.count, p.bits.count)
        where !p.isActive(slot: slot) {
            p.kernels[slot] = kernelChoices[0]
            p.expandRatios[slot] = expandChoices[0]
            p.bits[slot] = bitChoices[0]
        }
        return p
    }

    // MARK: - Channel rules

    /// MobileNet's channel rounding (Howard et al. / the once-for-all code's `make_divisible`):
    /// round to the nearest multiple of `divisor`, at least `divisor`, never more than 10% down.
    /// The same rule the network format's `arch_def` parser uses (one definition, in HAONetwork).
    public static func makeDivisible(_ value: Double, divisor: Int) -> Int {
        ArchDefinition.makeDivisible(value, divisor: divisor)
    }

    /// Expanded channels of a block with `inChannels` inputs and expand ratio `expand`.
    public func expandedChannels(inChannels: Int, expand: Int) -> Int {
        Self.makeDivisible(Double(inChannels * expand), divisor: channelDivisor)
    }

    /// Squeeze-excite bottleneck channels for `expanded` channels (integer division first, as the reference does).
    public func seChannels(expanded: Int) -> Int {
        Self.makeDivisible(Double(expanded / seReduction), divisor: channelDivisor)
    }

    // MARK: - Conversion

    /// The network a point describes. Throws if the point is outside the space.
    public func network(for point: ArchitecturePoint, name: String? = nil) throws -> Network {
        try check(point)
        let stemLayer = Stem(
            outChannels: stem.outChannels, kernel: stem.kernel, stride: stem.stride,
            activation: stem.activation, precision: .uniform(stem.bits))
        var blocks: [Block] = []
        let firstExpanded = expandedChannels(inChannels: stem.outChannels, expand: firstBlock.expandRatio)
        blocks.append(
            Block(
                inChannels: stem.outChannels, outChannels: firstBlock.outChannels,
                expandedChannels: firstExpanded, kernel: firstBlock.kernel, stride: firstBlock.stride,
                seChannels: firstBlock.squeezeExcite ? seChannels(expanded: firstExpanded) : 0,
                activation: firstBlock.activation, precision: .uniform(firstBlock.bits)))
        var channels = firstBlock.outChannels
        for (s, stage) in stages.enumerated() {
            for j in 0..<point.depths[s] {
                let slot = s * ArchitecturePoint.slotsPerStage + j
                let expanded = expandedChannels(inChannels: channels, expand: point.expandRatios[slot])
                blocks.append(
                    Block(
                        inChannels: channels, outChannels: stage.outChannels, expandedChannels: expanded,
                        kernel: point.kernels[slot], stride: j == 0 ? stage.stride : 1,
                        seChannels: stage.squeezeExcite ? seChannels(expanded: expanded) : 0,
                        activation: stage.activation, precision: .uniform(point.bits[slot])))
                channels = stage.outChannels
            }
        }
        let headLayer = Head(
            convChannels: head.convChannels, hiddenChannels: head.hiddenChannels, classes: head.classes,
            activation: head.activation, precision: .uniform(head.bits))
        return Network(
            name: name ?? Self.label(point), resolution: point.resolution, inputChannels: inputChannels,
            stem: stemLayer, blocks: blocks, head: headLayer)
    }

    /// A compact label such as `r176-d2.3.4.2.3-...` used as a default network name.
    public static func label(_ p: ArchitecturePoint) -> String {
        var parts = ["r\(p.resolution)", "d" + p.depths.map(String.init).joined(separator: ".")]
        var blocks: [String] = []
        for slot in 0..<min(ArchitecturePoint.slotCount, p.kernels.count, p.expandRatios.count, p.bits.count)
        where p.isActive(slot: slot) {
            blocks.append("k\(p.kernels[slot])e\(p.expandRatios[slot])w\(p.bits[slot])")
        }
        parts.append(blocks.joined(separator: "_"))
        return parts.joined(separator: "-")
    }

    static func describe(_ b: Block) -> String {
        "\(b.inChannels)->\(b.outChannels) exp\(b.expandedChannels) k\(b.kernel) s\(b.stride) \(b.activation.rawValue)"
            + (b.seChannels > 0 ? " se\(b.seChannels)" : "") + " W\(b.precision.weightBits)A\(b.precision.activationBits)"
    }
}
