import Foundation

/// The sizes and options a network may use. ``standard`` is what the tool accepts by
/// default; each bound is documented in `Models/networks/README.md`.
public struct NetworkLimits: Sendable, Hashable {
    /// At most this many MBConv blocks. A generous bound, far above any real network,
    /// chosen to keep the integer program's size (rows grow with the blocks) and the
    /// counts bounded; it is not tied to the shipped networks.
    public var maxBlocks: Int
    /// At most this many channels in any layer (and classes in the classifier).
    public var maxChannels: Int
    /// Accepted input resolutions. Below 16 the 32x downsampling of these networks
    /// leaves nothing; above 1024 the line buffers of the template stop making sense.
    public var resolutions: ClosedRange<Int>
    /// Input image channels.
    public var inputChannels: ClosedRange<Int>
    /// Depthwise kernel sizes: odd, up to 7 (the largest any MBConv search space uses).
    public var depthwiseKernels: Set<Int>
    /// Stem kernel sizes.
    public var stemKernels: Set<Int>
    /// Strides of the stem and the depthwise convs.
    public var strides: Set<Int>
    /// Bit widths for weights and activations: what the DSP packing model covers.
    public var bitWidths: Set<Int>
    /// Multiply-accumulates per image; larger networks are reported as too large
    /// (real ImageNet CNNs are below 1e11; this also keeps every count far from overflow).
    public var maxMACs: Double
    /// Weights, likewise.
    public var maxParameters: Double

    /// Creates limits from their fields; the defaults are ``standard``.
    public init(
        maxBlocks: Int = 1000, maxChannels: Int = 65_536, resolutions: ClosedRange<Int> = 16...1024,
        inputChannels: ClosedRange<Int> = 1...16, depthwiseKernels: Set<Int> = [1, 3, 5, 7],
        stemKernels: Set<Int> = [3, 5, 7], strides: Set<Int> = [1, 2], bitWidths: Set<Int> = [2, 4, 8, 16],
        maxMACs: Double = 1e13, maxParameters: Double = 1e10
    ) {
        self.maxBlocks = maxBlocks
        self.maxChannels = maxChannels
        self.resolutions = resolutions
        self.inputChannels = inputChannels
        self.depthwiseKernels = depthwiseKernels
        self.stemKernels = stemKernels
        self.strides = strides
        self.bitWidths = bitWidths
        self.maxMACs = maxMACs
        self.maxParameters = maxParameters
    }

    /// The defaults described above.
    public static let standard = NetworkLimits()
}

extension Network {
    /// Checks that the network is one the accelerator template and the counts handle:
    /// positive sizes, chained channels, supported kernels, strides and bit widths,
    /// group counts that divide the channels, and the size limits.
    ///
    /// Errors name the block index (0-based, as in the `blocks` array) and the field.
    public func validate(limits: NetworkLimits = .standard) throws(NetworkError) {
        // Kernels and strides come from small fixed sets: a value outside them (4e12) is a typo
        // to name, not a large network, so they are checked before the size.
        try checkKernelsAndStrides(limits)
        try checkSize(limits)

        try Self.check(
            limits.resolutions.contains(resolution), "network", "resolution",
            "\(resolution) is outside the supported range \(limits.resolutions.lowerBound)...\(limits.resolutions.upperBound)")
        try Self.check(
            limits.inputChannels.contains(inputChannels), "network", "input_channels",
            "\(inputChannels) is outside \(limits.inputChannels.lowerBound)...\(limits.inputChannels.upperBound)")

        try checkReference()

        // Stem.
        try Self.positive(stem.outChannels, "stem", "out_channels")
        try Self.checkBits(stem.precision, "stem", limits)

        // Blocks.
        try Self.check(!blocks.isEmpty, "network", "blocks", "a network needs at least one block")
        var previousOut = stem.outChannels
        for (index, block) in blocks.enumerated() {
            try checkBlock(block, index: index, previousOut: previousOut, limits)
            previousOut = block.outChannels
        }

        // Head.
        try Self.positive(head.convChannels, "head", "conv_channels")
        try Self.check(
            head.hasConv || head.convChannels == previousOut, "head", "conv_channels",
            "\(head.convChannels) must equal the last block's out_channels \(previousOut) when the head has no conv (conv: false)")
        if let hidden = head.hiddenChannels { try Self.positive(hidden, "head", "hidden_channels") }
        try Self.positive(head.classes, "head", "classes")
        try Self.checkBits(head.precision, "head", limits)
    }

    /// Published figures are shown next to results (baselines, the search headline), so they are
    /// checked like the rest.
    private func checkReference() throws(NetworkError) {
        guard let reference else { return }
        for (field, value, range) in [
            ("top1", reference.top1, 0.0...100.0), ("macs_millions", reference.macsMillions, 0.0...1e7),
            ("params_millions", reference.paramsMillions, 0.0...1e7),
            ("release_macs_millions", reference.releaseMacsMillions, 0.0...1e7),
            ("release_params_millions", reference.releaseParamsMillions, 0.0...1e7),
        ] {
            guard let value else { continue }
            try Self.check(
                value.isFinite && range.contains(value), "reference", field,
                "\(value) is outside \(range.lowerBound)...\(range.upperBound)\(field == "top1" ? " (a top-1 percentage)" : "")")
        }
    }

    /// One block: positive sizes, chaining from the previous block, groups, flags and widths.
    private func checkBlock(_ block: Block, index: Int, previousOut: Int, _ limits: NetworkLimits) throws(NetworkError) {
        let at = "block \(index)"
        try Self.positive(block.inChannels, at, "in_channels")
        try Self.positive(block.outChannels, at, "out_channels")
        try Self.positive(block.expandedChannels, at, "expanded_channels")
        if block.inChannels != previousOut {
            let previous = index == 0 ? "the stem's out_channels" : "block \(index - 1)'s out_channels"
            throw .invalidField(
                location: at, field: "in_channels",
                message: "\(block.inChannels) does not chain: \(previous) is \(previousOut)")
        }
        try Self.check(block.seChannels >= 0, at, "se_channels", "\(block.seChannels) is negative; use 0 for no squeeze-excite")
        try Self.check(
            block.seChannels <= limits.maxChannels, at, "se_channels",
            "\(block.seChannels) exceeds \(limits.maxChannels)")
        let groups = block.pointwiseGroups
        try Self.check(groups >= 1, at, "pointwise_groups", "\(groups) must be at least 1")
        for (field, channels) in [
            ("in_channels", block.inChannels), ("expanded_channels", block.expandedChannels),
            ("out_channels", block.outChannels),
        ] where channels % groups != 0 {
            // The expand conv only exists when expanded != in; the project conv always does.
            if field == "in_channels" && !block.hasExpand { continue }
            throw .invalidField(
                location: at, field: "pointwise_groups",
                message: "\(groups) groups do not divide \(field) \(channels)")
        }
        try Self.check(
            !block.unitExpandConv || block.expandedChannels == block.inChannels, at, "unit_expand_conv",
            "applies only when expanded_channels equals in_channels (\(block.expandedChannels) != \(block.inChannels)); a wider block has its expand conv anyway"
        )
        try Self.check(
            !block.noSkip || block.canHaveResidual, at, "no_skip",
            "has nothing to remove: a block with stride \(block.stride) from \(block.inChannels) to \(block.outChannels) channels has no residual add"
        )
        try Self.checkBits(block.precision, at, limits)
    }

    /// Only the size limits of ``validate(limits:)``: blocks, channels, multiply-accumulates and
    /// weights, computed in floating point so that no field value can overflow them. For callers
    /// that bound a family of networks by its largest member (e.g. a search space).
    public func validateSize(limits: NetworkLimits = .standard) throws(NetworkError) {
        try checkSize(limits)
    }

    private func checkKernelsAndStrides(_ limits: NetworkLimits) throws(NetworkError) {
        try Self.check(
            limits.stemKernels.contains(stem.kernel), "stem", "kernel",
            "\(stem.kernel) is not supported; use one of \(Self.list(limits.stemKernels))")
        try Self.check(
            limits.strides.contains(stem.stride), "stem", "stride",
            "\(stem.stride) is not supported; use one of \(Self.list(limits.strides))")
        for (index, block) in blocks.enumerated() {
            let at = "block \(index)"
            try Self.check(
                block.kernel % 2 == 1 && limits.depthwiseKernels.contains(block.kernel), at, "kernel",
                "\(block.kernel) is not supported; the depthwise kernel must be one of \(Self.list(limits.depthwiseKernels))")
            try Self.check(
                limits.strides.contains(block.stride), at, "stride",
                "\(block.stride) is not supported; use one of \(Self.list(limits.strides))")
        }
    }

    /// Size checks run first (after kernels and strides), so a huge network is reported as too large rather than
    /// by whichever of its fields happens to fail first, and before any count overflows.
    private func checkSize(_ limits: NetworkLimits) throws(NetworkError) {
        if blocks.count > limits.maxBlocks {
            throw .tooLarge("\(blocks.count) blocks; at most \(limits.maxBlocks) are supported")
        }
        func channels(_ value: Int, _ location: String, _ field: String) throws(NetworkError) {
            if value > limits.maxChannels {
                throw .tooLarge("\(location), \(field) is \(value); at most \(limits.maxChannels) channels are supported")
            }
        }
        try channels(stem.outChannels, "stem", "out_channels")
        for (index, block) in blocks.enumerated() {
            try channels(block.inChannels, "block \(index)", "in_channels")
            try channels(block.expandedChannels, "block \(index)", "expanded_channels")
            try channels(block.outChannels, "block \(index)", "out_channels")
        }
        try channels(head.convChannels, "head", "conv_channels")
        if let hidden = head.hiddenChannels { try channels(hidden, "head", "hidden_channels") }
        try channels(head.classes, "head", "classes")

        // Counts in floating point: the integer counts in Layers.swift could overflow
        // before this check has had a chance to reject the network.
        guard resolution > 0, resolution <= limits.resolutions.upperBound else { return }
        var macs = 0.0
        var parameters = 0.0
        var size = Double(resolution)
        func out(_ s: Double, _ stride: Int) -> Double { stride > 0 ? (s / Double(stride)).rounded(.up) : s }
        let stemOut = out(size, stem.stride)
        // Every product in Double: the kernel, like any field, may be huge here (4e12 * 4e12
        // overflows Int); its own check comes later, in validate().
        let stemWeights = Double(stem.kernel) * Double(stem.kernel) * Double(inputChannels) * Double(stem.outChannels)
        macs += stemWeights * stemOut * stemOut
        parameters += stemWeights
        size = stemOut
        for block in blocks {
            let groups = Double(max(block.pointwiseGroups, 1))
            let expand = block.hasExpand ? Double(block.inChannels) * Double(block.expandedChannels) / groups : 0
            let o = out(size, block.stride)
            let depthwise = Double(block.kernel) * Double(block.kernel) * Double(block.expandedChannels)
            let se = 2 * Double(block.expandedChannels) * Double(max(block.seChannels, 0))
            let project = Double(block.expandedChannels) * Double(block.outChannels) / groups
            macs += expand * size * size + depthwise * o * o + se + project * o * o
            parameters += expand + depthwise + se + project
            size = o
        }
        let headWeights = head.hasConv ? Double(head.convChannels) * Double(blocks.last?.outChannels ?? stem.outChannels) : 0
        macs += headWeights * size * size
        let classifier =
            Double(head.hiddenChannels ?? head.convChannels) * Double(head.classes)
            + Double(head.hiddenChannels ?? 0) * Double(head.convChannels)
        macs += classifier
        parameters += headWeights + classifier
        if macs > limits.maxMACs {
            throw .tooLarge(String(format: "%.3g multiply-accumulates per image; at most %.3g are supported", macs, limits.maxMACs))
        }
        if parameters > limits.maxParameters {
            throw .tooLarge(String(format: "%.3g weights; at most %.3g are supported", parameters, limits.maxParameters))
        }
    }

    private static func check(
        _ condition: Bool, _ location: String, _ field: String,
        _ message: @autoclosure () -> String
    ) throws(NetworkError) {
        if !condition { throw .invalidField(location: location, field: field, message: message()) }
    }

    private static func positive(_ value: Int, _ location: String, _ field: String) throws(NetworkError) {
        if value <= 0 { throw .invalidField(location: location, field: field, message: "\(value) must be positive") }
    }

    private static func checkBits(_ precision: Precision, _ location: String, _ limits: NetworkLimits) throws(NetworkError) {
        try check(
            limits.bitWidths.contains(precision.weightBits), location, "weight_bits",
            "\(precision.weightBits) is not supported; use one of \(list(limits.bitWidths))")
        try check(
            limits.bitWidths.contains(precision.activationBits), location, "activation_bits",
            "\(precision.activationBits) is not supported; use one of \(list(limits.bitWidths))")
    }

    private static func list(_ values: Set<Int>) -> String {
        values.sorted().map(String.init).joined(separator: ", ")
    }
}
