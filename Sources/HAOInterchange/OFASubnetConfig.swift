import HAONetwork

/// Why a network is not a subnet of once-for-all's MobileNetV3 supernet.
public struct OFAConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first part of the network that differs from the supernet, in words.
    public var reason: String
    /// One line for the user, prefixed "not a once-for-all MobileNetV3 subnet".
    public var description: String { "not a once-for-all MobileNetV3 subnet: \(reason)" }
    /// Creates an error from its reason.
    public init(reason: String) { self.reason = reason }
}

/// A subnet of once-for-all's MobileNetV3 supernet (`ofa_mbv3_d234_e346_k357_w1.0`), as its
/// `set_active_subnet(ks=, e=, d=)` takes it, with the input resolution as OFA's search code
/// writes it (`"r": [224]`).
///
/// The supernet (Cai et al., ICLR 2020; mit-han-lab/once-for-all,
/// `ofa/imagenet_classification/elastic_nn/networks/ofa_mbv3.py`, width 1.0): stem 3x3/2 to 16
/// channels (h_swish); a fixed first block 16 -> 16 (3x3 depthwise, no expand, relu); five stages
/// of 2 to 4 blocks with widths 24, 40, 80, 112, 160, strides 2, 2, 2, 1, 2, activations relu,
/// relu, h_swish, h_swish, h_swish and squeeze-excite in the 40-, 112- and 160-wide stages;
/// kernels 3, 5, 7 and expand ratios 3, 4, 6 per block; expanded width
/// `make_divisible(round(in x e), 8)`, squeeze-excite width `make_divisible(expanded // 4, 8)`;
/// head 1x1 conv to 960, pooling, 1x1 conv to 1280, classifier (1000). It was trained at every
/// multiple of 4 from 128 to 224 pixels.
///
/// OFA has no bit widths: the configuration describes the float architecture only.
public struct OFASubnetConfig: Sendable, Hashable, Codable {
    /// Depthwise kernel per block slot (5 stages x 4 slots). Slots beyond a stage's depth
    /// are ignored by OFA; they repeat the stage's last active value.
    public var ks: [Int]
    /// Expand ratio per block slot (20 entries), likewise.
    public var e: [Int]
    /// Blocks per stage (5 entries).
    public var d: [Int]
    /// `[resolution]`.
    public var r: [Int]

    /// Creates a configuration from OFA's fields; nothing is checked (``init(network:)`` builds a valid one).
    public init(ks: [Int], e: [Int], d: [Int], r: [Int]) {
        self.ks = ks
        self.e = e
        self.d = d
        self.r = r
    }

    /// The supernet's fixed parts and choices.
    public enum Space {
        /// Output channels of each of the five searchable stages.
        public static let stageWidths = [24, 40, 80, 112, 160]
        /// Stride of each stage's first block.
        public static let stageStrides = [2, 2, 2, 1, 2]
        /// Activation of each stage's blocks.
        public static let stageActivations: [Activation] = [.relu, .relu, .hardSwish, .hardSwish, .hardSwish]
        /// Whether each stage's blocks have squeeze-excite.
        public static let stageSqueezeExcite = [false, true, false, true, true]
        /// Depthwise kernel choices.
        public static let kernels = [3, 5, 7]
        /// Expand ratio choices.
        public static let expandRatios = [3, 4, 6]
        /// Blocks per stage.
        public static let depths = 2...4
        /// Block slots per stage in ``OFASubnetConfig/ks`` and ``OFASubnetConfig/e``.
        public static let slotsPerStage = 4
        /// Input resolutions in pixels; only multiples of 4 in this range are accepted.
        public static let resolutions = 128...224
        /// The fixed stem: 3x3 stride-2 convolution to 16 channels, h_swish, W8A8.
        public static let stem = Stem(outChannels: 16, kernel: 3, stride: 2, activation: .hardSwish)
        /// The fixed first block: 16 -> 16, 3x3 depthwise, no expand conv, relu.
        public static let firstBlock = Block(
            inChannels: 16, outChannels: 16, expandedChannels: 16, kernel: 3, stride: 1,
            activation: .relu)
        /// The fixed head: 1x1 conv to 960, pooling, 1x1 conv to 1280, 1000-way classifier, h_swish.
        public static let head = Head(convChannels: 960, hiddenChannels: 1280, classes: 1000, activation: .hardSwish)

        static func expanded(_ inChannels: Int, _ ratio: Int) -> Int {
            ArchDefinition.makeDivisible(Double(inChannels * ratio))
        }

        static func squeezeExcite(_ expanded: Int) -> Int {
            ArchDefinition.makeDivisible(Double(expanded / 4))
        }
    }

    /// The configuration of a network that is an OFA subnet; throws naming the first part that
    /// is not (bit widths are ignored).
    public init(network: Network) throws(OFAConfigError) {
        func fail(_ reason: String) -> OFAConfigError { OFAConfigError(reason: reason) }
        guard network.inputChannels == 3 else { throw fail("\(network.inputChannels) input channels; OFA takes RGB (3)") }
        guard Space.resolutions.contains(network.resolution), network.resolution % 4 == 0 else {
            throw fail("resolution \(network.resolution); OFA's supernet was trained at multiples of 4 from 128 to 224")
        }
        var stem = network.stem
        stem.precision = Space.stem.precision
        guard stem == Space.stem else {
            throw fail(
                "the stem is \(network.stem.kernel)x\(network.stem.kernel)/\(network.stem.stride) to \(network.stem.outChannels) channels (\(network.stem.activation.rawValue)); OFA's is 3x3/2 to 16 (h_swish)"
            )
        }
        var head = network.head
        head.precision = Space.head.precision
        guard head == Space.head else {
            throw fail("the head is not OFA's (1x1 conv to 960, pooling, 1x1 conv to 1280, 1000 classes, h_swish)")
        }
        guard var first = network.blocks.first else { throw fail("the network has no blocks") }
        first.precision = Space.firstBlock.precision
        guard first == Space.firstBlock else {
            throw fail("block 0 is not OFA's fixed first block (16 -> 16, 3x3 depthwise without expand conv or squeeze-excite, relu)")
        }
        var ks: [Int] = []
        var e: [Int] = []
        var d: [Int] = []
        var index = 1
        for stage in 0..<Space.stageWidths.count {
            let (kernels, ratios) = try Self.stage(stage, of: network, from: &index)
            d.append(kernels.count)
            ks += kernels + Array(repeating: kernels.last!, count: Space.slotsPerStage - kernels.count)
            e += ratios + Array(repeating: ratios.last!, count: Space.slotsPerStage - ratios.count)
        }
        guard index == network.blocks.count else {
            throw fail("block \(index) follows OFA's last stage (160 channels)")
        }
        self.init(ks: ks, e: e, d: d, r: [network.resolution])
    }

    /// Reads one stage's blocks starting at `index`: their kernels and expand ratios.
    private static func stage(_ stage: Int, of network: Network, from index: inout Int) throws(OFAConfigError) -> ([Int], [Int]) {
        let width = Space.stageWidths[stage]
        var kernels: [Int] = []
        var ratios: [Int] = []
        while index < network.blocks.count, network.blocks[index].outChannels == width {
            let block = network.blocks[index]
            let at = "block \(index) (stage \(stage + 1), \(width) channels)"
            let stride = kernels.isEmpty ? Space.stageStrides[stage] : 1
            guard Space.kernels.contains(block.kernel) else {
                throw OFAConfigError(reason: "\(at): kernel \(block.kernel) is not one of OFA's 3, 5, 7")
            }
            guard let ratio = Space.expandRatios.first(where: { Space.expanded(block.inChannels, $0) == block.expandedChannels }) else {
                throw OFAConfigError(
                    reason:
                        "\(at): \(block.expandedChannels) expanded channels from \(block.inChannels) is none of OFA's expand ratios 3, 4, 6"
                )
            }
            let expected = Block(
                inChannels: block.inChannels, outChannels: width, expandedChannels: block.expandedChannels,
                kernel: block.kernel, stride: stride,
                seChannels: Space.stageSqueezeExcite[stage] ? Space.squeezeExcite(block.expandedChannels) : 0,
                activation: Space.stageActivations[stage], precision: block.precision)
            guard block == expected else {
                throw OFAConfigError(
                    reason:
                        "\(at): stride, activation, squeeze-excite or residual differ from OFA's stage (stride \(stride), \(expected.activation.rawValue), squeeze-excite \(expected.seChannels))"
                )
            }
            kernels.append(block.kernel)
            ratios.append(ratio)
            index += 1
        }
        guard Space.depths.contains(kernels.count) else {
            throw OFAConfigError(
                reason: "stage \(stage + 1) (\(width) channels) has \(kernels.count) blocks; OFA's stages have 2 to 4"
                    + (kernels.isEmpty && index < network.blocks.count
                        ? " (block \(index) has \(network.blocks[index].outChannels) channels)" : ""))
        }
        return (kernels, ratios)
    }

    /// The subnet as a network in the project's format (W8A8 throughout); throws when a
    /// field is outside OFA's choices.
    public func network(name: String = "ofa-subnet") throws(OFAConfigError) -> Network {
        let slots = Space.stageWidths.count * Space.slotsPerStage
        guard ks.count == slots, e.count == slots, d.count == Space.stageWidths.count, r.count == 1 else {
            throw OFAConfigError(reason: "ks and e need \(slots) entries, d \(Space.stageWidths.count) and r one")
        }
        var blocks = [Space.firstBlock]
        var channels = Space.firstBlock.outChannels
        for stage in 0..<Space.stageWidths.count {
            guard Space.depths.contains(d[stage]) else { throw OFAConfigError(reason: "d[\(stage)] = \(d[stage]) is not 2, 3 or 4") }
            for position in 0..<d[stage] {
                let slot = stage * Space.slotsPerStage + position
                guard Space.kernels.contains(ks[slot]), Space.expandRatios.contains(e[slot]) else {
                    throw OFAConfigError(reason: "slot \(slot): kernel \(ks[slot]) or expand ratio \(e[slot]) is not one of OFA's")
                }
                let expanded = Space.expanded(channels, e[slot])
                blocks.append(
                    Block(
                        inChannels: channels, outChannels: Space.stageWidths[stage], expandedChannels: expanded,
                        kernel: ks[slot], stride: position == 0 ? Space.stageStrides[stage] : 1,
                        seChannels: Space.stageSqueezeExcite[stage] ? Space.squeezeExcite(expanded) : 0,
                        activation: Space.stageActivations[stage]))
                channels = Space.stageWidths[stage]
            }
        }
        return Network(name: name, resolution: r[0], stem: Space.stem, blocks: blocks, head: Space.head)
    }
}
