import Foundation
import HAONetwork
import HAOTestSupport
import Testing

/// The shipped baselines against their published figures and the reference definitions.
@Suite struct BaselineNetworkTests {
    /// Figures computed independently from the reference block definitions in the team's
    /// design notes (HAO.md section 7): MACs in millions, parameters in millions.
    static let designNoteFigures: [String: (macs: Double, params: Double)] = [
        "mobilenet_v2_1.0.json": (300.8, 3.47),
        "mnasnet_a1.json": (311.6, 3.85),
        "fbnet_b.json": (291.0, 4.78),
        "proxylessnas_mobile.json": (320.4, 4.05),
        "mobilenet_v3_large_1.0.json": (216.6, 5.46),
    ]

    @Test("every baseline loads and validates", arguments: baselineFiles)
    func loadsAndValidates(file: String) throws {
        let network = try loadBaseline(file)
        try network.validate()
        #expect(network.resolution == 224)
        #expect(network.reference?.top1 != nil)
        #expect(network.reference?.paper.isEmpty == false)
    }

    @Test("MACs within 2% of the published (or release) figure", arguments: baselineFiles)
    func macsMatchPublished(file: String) throws {
        let network = try loadBaseline(file)
        let expected = try #require(network.reference?.expectedMacsMillions)
        let measured = Double(network.macs) / 1e6
        #expect(abs(measured - expected) / expected <= 0.02, "\(network.name): \(measured)M MACs vs \(expected)M")
    }

    @Test("parameters within 2% of the published (or release) figure", arguments: baselineFiles)
    func parametersMatchPublished(file: String) throws {
        let network = try loadBaseline(file)
        let expected = try #require(network.reference?.expectedParamsMillions)
        let measured = Double(network.parameters) / 1e6
        #expect(abs(measured - expected) / expected <= 0.02, "\(network.name): \(measured)M params vs \(expected)M")
    }

    @Test("counts agree with the design notes' computed figures to 0.5%", arguments: baselineFiles)
    func countsMatchDesignNotes(file: String) throws {
        let network = try loadBaseline(file)
        let figures = try #require(Self.designNoteFigures[file])
        let macs = Double(network.macs) / 1e6
        let params = Double(network.parameters) / 1e6
        #expect(abs(macs - figures.macs) / figures.macs <= 0.005, "\(network.name): \(macs)M MACs")
        #expect(abs(params - figures.params) / figures.params <= 0.005, "\(network.name): \(params)M params")
    }

    /// The pytorchcv transcription of the released ProxylessNAS-Mobile asserts 4,080,512
    /// trainable parameters, batch-norm scales and shifts included. Adding two per output
    /// channel of every convolution to our count must give exactly that.
    @Test func proxylessMatchesReleasedParameterCountExactly() throws {
        let network = try loadBaseline("proxylessnas_mobile.json")
        let batchNorm = network.layers.filter { $0.kind != .fullyConnected }.reduce(0) { $0 + 2 * $1.outChannels }
        #expect(network.parameters == 4_046_016)
        #expect(network.parameters + batchNorm == 4_080_512)
    }

    /// The paper's rounded MobileNetV2 figure (3.4M) is more than 2% off; the release (3.47M) is what we check.
    @Test func mobileNetV2PaperParameterFigureIsRounded() throws {
        let network = try loadBaseline("mobilenet_v2_1.0.json")
        let reference = try #require(network.reference)
        #expect(reference.paramsMillions == 3.4)
        #expect(reference.releaseParamsMillions == 3.47)
        #expect(network.parameters == 3_470_760)
    }

    @Test("the blocks equal what the transcribed arch_def parses to", arguments: baselineFiles)
    func blocksEqualArchDef(file: String) throws {
        let network = try loadBaseline(file)
        let archDef = try #require(network.reference?.archDef)
        let rebuilt = try Network(
            name: network.name, reference: network.reference, resolution: network.resolution,
            inputChannels: network.inputChannels, stem: network.stem, archDef: archDef,
            head: network.head)
        #expect(rebuilt.blocks.count == network.blocks.count)
        for (index, (expected, actual)) in zip(network.blocks, rebuilt.blocks).enumerated() {
            #expect(expected == actual, "\(network.name) block \(index)")
        }
        #expect(rebuilt == network)
    }

    @Test("baselines are 8-bit throughout", arguments: baselineFiles)
    func eightBit(file: String) throws {
        let network = try loadBaseline(file)
        #expect(network.stem.precision == .w8a8)
        #expect(network.head.precision == .w8a8)
        #expect(network.blocks.allSatisfy { $0.precision == .w8a8 })
    }

    @Test("JSON round trip", arguments: baselineFiles)
    func roundTrip(file: String) throws {
        let network = try loadBaseline(file)
        let data = try network.jsonData()
        let again = try Network.decode(from: data)
        #expect(again == network)
    }

    /// Spot checks of the details the brief singles out.
    @Test func publishedStructureDetails() throws {
        let v3 = try loadBaseline("mobilenet_v3_large_1.0.json")
        #expect(v3.blocks.map(\.expandedChannels) == [16, 64, 72, 72, 120, 120, 240, 200, 184, 184, 480, 672, 672, 960, 960])
        #expect(v3.blocks.map(\.seChannels) == [0, 0, 0, 24, 32, 32, 0, 0, 0, 0, 120, 168, 168, 240, 240])
        #expect(v3.head.convChannels == 960 && v3.head.hiddenChannels == 1280)

        let mnas = try loadBaseline("mnasnet_a1.json")
        // SE = 0.25 x block input: the first 40-channel block takes 24 channels in.
        #expect(mnas.blocks.map(\.seChannels) == [0, 0, 0, 6, 10, 10, 0, 0, 0, 0, 20, 28, 28, 40, 40, 0])
        #expect(!mnas.blocks[0].hasExpand)

        let fbnet = try loadBaseline("fbnet_b.json")
        #expect(fbnet.blocks.count == 21)  // 22 positions, one skip omitted
        #expect(fbnet.head.convChannels == 1984)
        #expect(fbnet.blocks.allSatisfy { $0.pointwiseGroups == 1 })
    }
}

/// Counting on a network small enough to check by hand.
@Suite struct HandCountTests {
    @Test func tinyNetworkCounts() throws {
        let network = tinyNetwork()
        try network.validate()
        // stem 3x3x3x16 on 16x16 out; expand 16->96 on 16x16; depthwise 3x3x96 on 8x8;
        // SE 96->4->96 (with biases); project 96->24 on 8x8; head 24->64 on 8x8; classifier 64->10.
        let macs = 9 * 3 * 16 * 256 + 16 * 96 * 256 + 9 * 96 * 64 + (96 * 4 + 4 * 96) + 96 * 24 * 64 + 24 * 64 * 64 + 64 * 10
        let params = 9 * 3 * 16 + 16 * 96 + 9 * 96 + (96 * 4 + 4 + 4 * 96 + 96) + 96 * 24 + 24 * 64 + (64 * 10 + 10)
        #expect(macs == 806_272)
        #expect(params == 8_190)
        #expect(network.macs == 806_272)
        #expect(network.parameters == 8_190)
        #expect(network.layers.count == 8)  // stem, expand, depthwise, SE reduce, SE expand, project, head conv, classifier
    }

    @Test func groupedPointwiseHalvesTheOneByOneWork() throws {
        var network = tinyNetwork()
        network.blocks[0].pointwiseGroups = 2
        try network.validate()
        let expand = network.layers.first { $0.role == .expand(block: 0) }
        let project = network.layers.first { $0.role == .project(block: 0) }
        #expect(expand?.macs == 16 * 96 / 2 * 256)
        #expect(project?.parameters == 96 * 24 / 2)
    }

    @Test func expandRatioKeyIsAccepted() throws {
        let json = """
            {"name": "r", "resolution": 32, "stem": {"out_channels": 8, "activation": "relu"},
             "blocks": [{"in_channels": 8, "out_channels": 8, "expand_ratio": 3, "kernel": 3, "stride": 1, "activation": "relu"}],
             "head": {"conv_channels": 16, "activation": "relu"}}
            """
        let network = try Network.decode(from: Data(json.utf8))
        try network.validate()
        #expect(network.blocks[0].expandedChannels == 24)
        #expect(network.blocks[0].hasResidual)
        #expect(network.head.classes == 1000)
        #expect(network.stem.kernel == 3 && network.stem.stride == 2)
    }
}
