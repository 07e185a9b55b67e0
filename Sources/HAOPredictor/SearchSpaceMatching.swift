import HAONetwork

// Recognising a network as a point of the space: every part the space fixes must match, and
// each searchable block must be one of the space's choices in its slot.
extension SearchSpace {
    /// The (canonical) point describing `network`, or an error naming what lies outside the space.
    public func point(for network: Network) throws -> ArchitecturePoint {
        func fail(_ s: String) -> SearchSpaceError { .networkOutsideSpace(network: network.name, reason: s) }
        try checkFixedParts(network, fail)
        var depths: [Int] = []
        var kernels = [Int](repeating: kernelChoices[0], count: ArchitecturePoint.slotCount)
        var expands = [Int](repeating: expandChoices[0], count: ArchitecturePoint.slotCount)
        var bits = [Int](repeating: bitChoices[0], count: ArchitecturePoint.slotCount)
        var index = 1
        var channels = firstBlock.outChannels
        for (s, stage) in stages.enumerated() {
            var depth = 0
            while index < network.blocks.count, network.blocks[index].outChannels == stage.outChannels,
                depth < ArchitecturePoint.slotsPerStage + 1
            {
                let b = network.blocks[index]
                if depth == ArchitecturePoint.slotsPerStage {
                    throw fail("stage \(s + 1) has more than \(ArchitecturePoint.slotsPerStage) blocks")
                }
                let e = try expandRatio(
                    of: b, at: "block \(index) (stage \(s + 1), \(Self.describe(b)))", stage: stage, depth: depth,
                    inChannels: channels, fail)
                let slot = s * ArchitecturePoint.slotsPerStage + depth
                kernels[slot] = b.kernel
                expands[slot] = e
                bits[slot] = b.precision.weightBits
                channels = stage.outChannels
                depth += 1
                index += 1
            }
            guard depthChoices.contains(depth) else {
                let found = index < network.blocks.count ? "; next block is \(Self.describe(network.blocks[index]))" : ""
                throw fail("stage \(s + 1) (\(stage.outChannels) channels) has \(depth) blocks, allowed \(depthChoices)\(found)")
            }
            depths.append(depth)
        }
        guard index == network.blocks.count else {
            throw fail("block \(index) (\(Self.describe(network.blocks[index]))) is beyond the space's last stage")
        }
        try checkHead(network.head, fail)
        return ArchitecturePoint(
            depths: depths, kernels: kernels, expandRatios: expands, bits: bits,
            resolution: network.resolution)
    }

    /// Resolution, input channels, width, stem and the fixed first block.
    private func checkFixedParts(_ network: Network, _ fail: (String) -> SearchSpaceError) throws {
        guard resolutionChoices.contains(network.resolution) else {
            throw fail("resolution \(network.resolution) not in \(resolutionChoices)")
        }
        guard network.inputChannels == inputChannels else {
            throw fail("input channels \(network.inputChannels), the space has \(inputChannels)")
        }
        if let width = widthMismatch(network) { throw fail(width) }
        let st = network.stem
        guard st.outChannels == stem.outChannels, st.kernel == stem.kernel, st.stride == stem.stride,
            st.activation == stem.activation
        else {
            throw fail(
                "stem is \(st.kernel)x\(st.kernel) s\(st.stride) \(network.inputChannels)->\(st.outChannels) \(st.activation.rawValue); the space's is \(stem.kernel)x\(stem.kernel) s\(stem.stride) ->\(stem.outChannels) \(stem.activation.rawValue)"
            )
        }
        guard st.precision == .uniform(stem.bits) else {
            throw fail("stem precision W\(st.precision.weightBits)A\(st.precision.activationBits); the space fixes it at \(stem.bits) bits")
        }
        guard let first = network.blocks.first else { throw fail("it has no blocks") }
        let firstExpanded = expandedChannels(inChannels: stem.outChannels, expand: firstBlock.expandRatio)
        let firstSE = firstBlock.squeezeExcite ? seChannels(expanded: firstExpanded) : 0
        guard first.inChannels == stem.outChannels, first.outChannels == firstBlock.outChannels,
            first.expandedChannels == firstExpanded, first.kernel == firstBlock.kernel,
            first.stride == firstBlock.stride, first.seChannels == firstSE,
            first.activation == firstBlock.activation, first.pointwiseGroups == 1
        else {
            throw fail(
                "block 0 (\(Self.describe(first))) is not the space's fixed first block (\(stem.outChannels)->\(firstBlock.outChannels) e\(firstBlock.expandRatio) k\(firstBlock.kernel) s\(firstBlock.stride) \(firstBlock.activation.rawValue)\(firstSE > 0 ? " se\(firstSE)" : ""))"
            )
        }
        guard first.precision == .uniform(firstBlock.bits) else {
            throw fail(
                "block 0 precision W\(first.precision.weightBits)A\(first.precision.activationBits); the space fixes it at \(firstBlock.bits) bits"
            )
        }
    }

    /// Checks searchable block `b` against its stage and slot and returns its expand ratio.
    private func expandRatio(
        of b: Block, at location: String, stage: Stage, depth: Int, inChannels channels: Int,
        _ fail: (String) -> SearchSpaceError
    ) throws -> Int {
        guard b.inChannels == channels else { throw fail("\(location): input channels \(b.inChannels), expected \(channels)") }
        guard kernelChoices.contains(b.kernel) else { throw fail("\(location): kernel \(b.kernel) not in \(kernelChoices)") }
        guard let e = expandChoices.first(where: { expandedChannels(inChannels: channels, expand: $0) == b.expandedChannels }) else {
            throw fail(
                "\(location): expanded channels \(b.expandedChannels) match no expand ratio in \(expandChoices) for \(channels) input channels"
            )
        }
        let wantStride = depth == 0 ? stage.stride : 1
        guard b.stride == wantStride else { throw fail("\(location): stride \(b.stride), expected \(wantStride)") }
        let wantSE = stage.squeezeExcite ? seChannels(expanded: b.expandedChannels) : 0
        guard b.seChannels == wantSE else {
            throw fail("\(location): squeeze-excite channels \(b.seChannels), expected \(wantSE)")
        }
        guard b.activation == stage.activation else {
            throw fail("\(location): activation \(b.activation.rawValue), expected \(stage.activation.rawValue)")
        }
        guard b.pointwiseGroups == 1 else { throw fail("\(location): grouped 1x1 convs (groups \(b.pointwiseGroups))") }
        guard b.precision.weightBits == b.precision.activationBits, bitChoices.contains(b.precision.weightBits) else {
            throw fail(
                "\(location): precision W\(b.precision.weightBits)A\(b.precision.activationBits); the space allows W=A in \(bitChoices)")
        }
        return e
    }

    /// The head the space fixes.
    private func checkHead(_ h: Head, _ fail: (String) -> SearchSpaceError) throws {
        guard h.convChannels == head.convChannels, h.hiddenChannels == head.hiddenChannels, h.classes == head.classes,
            h.activation == head.activation
        else {
            throw fail(
                "head \(h.convChannels)/\(h.hiddenChannels.map(String.init) ?? "none")/\(h.classes) \(h.activation.rawValue); the space's is \(head.convChannels)/\(head.hiddenChannels.map(String.init) ?? "none")/\(head.classes) \(head.activation.rawValue)"
            )
        }
        guard h.precision == .uniform(head.bits) else {
            throw fail("head precision W\(h.precision.weightBits)A\(h.precision.activationBits); the space fixes it at \(head.bits) bits")
        }
    }
}
