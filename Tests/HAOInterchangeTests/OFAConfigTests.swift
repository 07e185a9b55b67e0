import Foundation
import HAOInterchange
import HAONetwork
import Testing

/// `hao export --format ofa`: once-for-all subnet configurations and refusals.
@Suite struct OFAConfigTests {
    /// A deterministic walk over the space: every kernel, ratio and depth occurs.
    static let configurations: [OFASubnetConfig] = (0..<12).map { seed in
        let ks = (0..<20).map { [3, 5, 7][($0 + seed) % 3] }
        let e = (0..<20).map { [3, 4, 6][($0 * 2 + seed) % 3] }
        let d = (0..<5).map { [2, 3, 4][($0 + seed) % 3] }
        return OFASubnetConfig(ks: ks, e: e, d: d, r: [128 + 8 * seed])
    }

    @Test("configuration -> network -> configuration", arguments: configurations)
    func roundTrip(config: OFASubnetConfig) throws {
        var network = try config.network()
        try network.validate()
        network.blocks[3].precision = .w4a4  // OFA has no bit widths: they are ignored
        let back = try OFASubnetConfig(network: network)
        #expect(back.d == config.d && back.r == config.r)
        for stage in 0..<5 {
            let active = stage * 4..<(stage * 4 + config.d[stage])
            #expect(Array(back.ks[active]) == Array(config.ks[active]))
            #expect(Array(back.e[active]) == Array(config.e[active]))
            // Inactive slots repeat the stage's last active choice.
            for slot in active.upperBound..<(stage * 4 + 4) {
                #expect(back.ks[slot] == config.ks[active.upperBound - 1] && back.e[slot] == config.e[active.upperBound - 1])
            }
        }
        #expect(try back.network() == config.network())
    }

    @Test func jsonHasOFAsKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(Self.configurations[0]), as: UTF8.self)
        #expect(text.hasPrefix("{\"d\":[2,3,4,2,3],\"e\":["))
        #expect(text.hasSuffix("\"r\":[128]}"))
    }

    @Test func theLargestSubnetCountsAsOFAsOwnCodeDoes() throws {
        let largest = OFASubnetConfig(
            ks: Array(repeating: 7, count: 20), e: Array(repeating: 6, count: 20),
            d: Array(repeating: 4, count: 5), r: [224])
        let network = try largest.network()
        #expect(network.blocks.count == 21)
        // Counted on OFAMobileNetV3(ks 3,5,7, e 3,4,6, d 2,3,4).set_max_net().get_active_subnet() from
        // the ofa package (0.1.0.post202307202001) with scripts/make-onnx-fixtures.py's hooks:
        // 566,170,656 MACs, 7,613,280 weight elements, 7,622,936 parameters without batch norm. The
        // format counts a bias on the 960 -> 1280 conv, which OFA's feature-mix layer lacks (+1280).
        #expect(network.macs == 566_170_656)
        #expect(network.weightElements == 7_613_280)
        #expect(network.parameters == 7_622_936 + 1280)
    }

    @Test func networksOutsideTheSpaceAreRefusedWithTheReason() throws {
        #expect(
            throws: OFAConfigError(
                reason: "block 7 (stage 3, 80 channels): 200 expanded channels from 80 is none of OFA's expand ratios 3, 4, 6")
        ) {
            try OFASubnetConfig(network: try shippedNetwork("mobilenet_v3_large_1.0"))
        }
        #expect(throws: OFAConfigError(reason: "the stem is 3x3/2 to 32 channels (relu6); OFA's is 3x3/2 to 16 (h_swish)")) {
            try OFASubnetConfig(network: try shippedNetwork("mobilenet_v2_1.0"))
        }
        var network = try Self.configurations[1].network()
        network.resolution = 230
        #expect(throws: OFAConfigError(reason: "resolution 230; OFA's supernet was trained at multiples of 4 from 128 to 224")) {
            try OFASubnetConfig(network: network)
        }
        var shallow = try Self.configurations[0].network()  // depths 2, 3, 4, 2, 3
        shallow.blocks.remove(at: 2)  // the second 24-channel block
        #expect(throws: OFAConfigError(reason: "stage 1 (24 channels) has 1 blocks; OFA's stages have 2 to 4")) {
            try OFASubnetConfig(network: shallow)
        }
    }

    @Test func outOfRangeChoicesAreRefused() {
        var config = Self.configurations[0]
        config.ks[0] = 9
        #expect(throws: OFAConfigError.self) { try config.network() }
        config = Self.configurations[0]
        config.d = [1, 2, 3, 4, 4]
        #expect(throws: OFAConfigError(reason: "d[0] = 1 is not 2, 3 or 4")) { try config.network() }
    }

    @Test("once-for-all subnets give back their configuration", arguments: FixtureEntry.imports.filter { $0.ofaConfig != nil })
    func ofaSubnetsGiveBackTheirConfiguration(entry: FixtureEntry) throws {
        let recorded = try #require(entry.ofaConfig)
        let network = try ONNXImporter.importNetwork(contentsOf: entry.url).network
        let config = try OFASubnetConfig(network: network)
        #expect(config.d == recorded.d && config.r == recorded.r)
        // Slots beyond a stage's depth are ignored by OFA; compare the active ones.
        for stage in 0..<5 {
            for slot in stage * 4..<(stage * 4 + recorded.d[stage]) {
                #expect(config.ks[slot] == recorded.ks[slot] && config.e[slot] == recorded.e[slot], "slot \(slot)")
            }
        }
    }
}
