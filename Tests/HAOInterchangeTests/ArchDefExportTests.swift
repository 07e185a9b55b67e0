import Foundation
import HAONetwork
import HAOTestSupport
import Testing

@testable import HAOInterchange

/// `hao export --format arch_def`: the strings timm's builder takes, parsing back to the network.
@Suite struct ArchDefExportTests {
    @Test("every shipped network parses back", arguments: try shippedNetworkNames())
    func shippedNetworksParseBack(name: String) throws {
        var network = try shippedNetwork(name)
        network.blocks[0].precision = .w4a4
        let document = try ArchDefDocument(network: network)
        var parsed = try document.network()
        parsed.reference = network.reference
        #expect(parsed == network)
        // And through its JSON, as a user gets it.
        let data = try JSONEncoder().encode(document)
        #expect(try JSONDecoder().decode(ArchDefDocument.self, from: data) == document)
    }

    @Test("imported networks parse back", arguments: FixtureEntry.imports.map(\.file))
    func importedNetworksParseBack(file: String) throws {
        let network = try ONNXImporter.importNetwork(contentsOf: fixturesURL.appendingPathComponent(file)).network
        var parsed = try ArchDefDocument(network: network).network()
        parsed.reference = network.reference
        #expect(parsed == network)
    }

    @Test func mobileNetV2IsTimmsDefinition() throws {
        // timm's _gen_mobilenet_v2 arch_def, which the shipped file transcribes.
        let network = try shippedNetwork("mobilenet_v2_1.0")
        #expect(
            try network.archDefStrings() == [
                ["ds_r1_k3_s1_c16"], ["ir_r2_k3_s2_e6_c24"], ["ir_r3_k3_s2_e6_c32"], ["ir_r4_k3_s2_e6_c64"],
                ["ir_r3_k3_s1_e6_c96"], ["ir_r3_k3_s2_e6_c160"], ["ir_r1_k3_s1_e6_c320"],
            ])
        let document = try ArchDefDocument(network: network)
        #expect(document.timm.modelClass == "EfficientNet" && document.timm.numFeatures == 1280)
        #expect(document.timm.actLayer == "relu6" && document.timmNotes.isEmpty)
    }

    @Test func mobileNetV3UsesExpandedRoundingAndAHeadConvEntry() throws {
        let network = try shippedNetwork("mobilenet_v3_large_1.0")
        let definition = try network.archDefinition()
        #expect(definition.seRounding == .expandedDivisibleBy8 && definition.defaultActivation == .hardSwish)
        #expect(definition.stages.last == ["cn_r1_k1_s1_c960"])
        #expect(definition.stages[3] == ["ir_r1_k3_s2_e6_c80", "ir_r1_k3_s1_e2.5_c80", "ir_r2_k3_s1_e2.3_c80"])
        #expect(definition.stages[2] == ["ir_r3_k5_s2_e3_c40_se0.25_nre"])
        let document = try ArchDefDocument(network: network)
        #expect(document.timm.modelClass == "MobileNetV3" && document.timm.numFeatures == 1280)
        #expect(document.timm.seGate == "hard_sigmoid" && document.timm.seFromExp)
    }

    @Test func documentsThatDoNotFitTheirDefinitionAreRefused() throws {
        var document = try ArchDefDocument(network: try shippedNetwork("mobilenet_v2_1.0"))
        document.blockPrecisions.removeLast()
        #expect(throws: ArchDefError.badDocument(field: "block_precisions", reason: "has 16 entries for 17 blocks")) {
            try document.network()
        }
        document = try ArchDefDocument(network: try shippedNetwork("mobilenet_v2_1.0"))
        document.format = "hao-arch-def-v0"
        #expect(throws: ArchDefError.self) { try document.network() }
    }

    @Test func anExpandRatioOnADepthwiseSeparableBlockIsRefusedNotDropped() throws {
        #expect(throws: ArchDefError.self) { try ArchDefBlock(parsing: "ds_r1_k3_s1_e6_c16") }
        #expect(try ArchDefBlock(parsing: "ds_r1_k3_s1_e1_c16").expandRatio == 1)
    }

    @Test func shortestRatiosReproduceTheWidths() {
        // 200 from 80 is 2.5; 184 from 80 needs make_divisible(80 x 2.3) = 184.
        #expect(Network.shortestRatio(matching: { ArchDefinition.makeDivisible(80 * $0) == 184 }, near: 2.3) == "2.3")
        #expect(Network.shortestRatio(matching: { ArchDefinition.makeDivisible(24 * $0) == 144 }, near: 6) == "6")
        #expect(Network.shortestRatio(matching: { ArchDefinition.makeDivisible(24 * $0) == 100 }, near: 100.0 / 24) == nil)
    }

    @Test func whatTimmCannotWriteIsRefusedWithTheBlock() throws {
        var grouped = try shippedNetwork("fbnet_b")
        grouped.blocks[4].pointwiseGroups = 2
        #expect(throws: ArchDefExportError(location: "block 4", reason: "grouped 1x1 convs (groups 2) have no arch_def option")) {
            try grouped.archDefinition()
        }
        var odd = tinyNetwork()
        odd.blocks[0].expandedChannels = 100
        #expect(
            throws: ArchDefExportError(
                location: "block 0", reason: "no expand ratio e gives make_divisible(16 x e, 8) = 100 expanded channels")
        ) {
            try odd.archDefinition()
        }
        var linear = tinyNetwork()
        linear.blocks[0].activation = .linear
        #expect(throws: ArchDefExportError.self) { try linear.archDefinition() }
    }

    @Test func mobileNetV1BlocksAreDsa() throws {
        let entry = try #require(FixtureEntry.imports.first { $0.file.hasPrefix("mobilenetv1_100") })
        let network = try ONNXImporter.importNetwork(contentsOf: entry.url).network
        // timm's _gen_mobilenet_v1 definition.
        #expect(
            try network.archDefStrings() == [
                ["dsa_r1_k3_s1_c64"], ["dsa_r2_k3_s2_c128"], ["dsa_r2_k3_s2_c256"], ["dsa_r6_k3_s2_c512"], ["dsa_r2_k3_s2_c1024"],
            ])
        #expect(try ArchDefDocument(network: network).timm.numFeatures == 0)
    }
}
