import Foundation
import HAONetwork
import HAOTestSupport
import Testing

@testable import HAOInterchange

/// `export --format onnx` then `import` is the identity: on every shipped network, on networks
/// imported from real exporter output (MobileNetV1's and FBNet-C's variants), on mixed bit
/// widths, and with the metadata removed (then up to name, reference and bit widths).
@Suite struct ONNXRoundTripTests {
    private func roundTrip(_ network: Network, weights: ONNXExportOptions.Weights = .none) throws -> ONNXImportResult {
        let data = try ONNXExporter.modelData(for: network, options: ONNXExportOptions(weights: weights, seed: 1))
        return try ONNXImporter.importNetwork(from: data)
    }

    @Test("every shipped network", arguments: try shippedNetworkNames())
    func shippedNetwork(name: String) throws {
        let network = try HAOInterchangeTests.shippedNetwork(name)
        let result = try roundTrip(network)
        #expect(result.network == network)
        #expect(result.graphWeightElements == network.weightElements)
        #expect(result.opset == 14 && result.producer == "hao")
    }

    @Test("networks imported from exporter output", arguments: FixtureEntry.imports.map(\.file))
    func importedNetworks(file: String) throws {
        let network = try ONNXImporter.importNetwork(contentsOf: fixturesURL.appendingPathComponent(file)).network
        #expect(try roundTrip(network).network == network)
    }

    @Test func mixedBitWidthsAndAReferenceSurvive() throws {
        var network = try HAOInterchangeTests.shippedNetwork("mnasnet_a1")
        for index in network.blocks.indices where index % 3 == 1 { network.blocks[index].precision = .w4a4 }
        network.blocks[2].precision = Precision(weightBits: 4, activationBits: 8)
        network.head.precision = .uniform(16)
        #expect(try roundTrip(network).network == network)
    }

    @Test func withoutMetadataTheStructureStillRoundTrips() throws {
        var network = try HAOInterchangeTests.shippedNetwork("mobilenet_v3_large_1.0")
        network.blocks[5].precision = .w4a4
        var model = try ONNXExporter.model(for: network, options: .init())
        model.metadataProps = []
        let result = try ONNXImporter.importNetwork(from: try model.serializedBytes(), defaultName: "bare")
        var expected = network
        expected.name = "bare"
        expected.reference = nil
        expected.blocks[5].precision = .w8a8
        #expect(result.network == expected)
    }

    @Test func randomWeightsAreInitializersOfTheRightSize() throws {
        let network = try HAOInterchangeTests.shippedNetwork("proxylessnas_mobile")
        let model = try ONNXExporter.model(for: network, options: ONNXExportOptions(weights: .random, seed: 7))
        let floats = model.graph.initializer.filter { $0.name.hasSuffix(".weight") }.reduce(0) { $0 + $1.rawData.count / 4 }
        #expect(floats == network.weightElements)
        #expect(model.graph.input.count == 1)
        // Seeded: the same seed gives the same bytes, another seed other bytes.
        let again = try ONNXExporter.model(for: network, options: ONNXExportOptions(weights: .random, seed: 7))
        let other = try ONNXExporter.model(for: network, options: ONNXExportOptions(weights: .random, seed: 8))
        func bytes(_ model: Onnx_ModelProto) -> Data? { model.graph.initializer.first { $0.name == "blocks.3.dw.weight" }?.rawData }
        #expect(bytes(model)?.count == 4 * 96 * 7 * 7)  // block 3: 7x7 depthwise on 96 channels
        #expect(bytes(again) == bytes(model))
        #expect(bytes(other) != bytes(model))
        #expect(try roundTrip(network, weights: .random).network == network)
    }

    @Test func weightlessExportDeclaresEveryWeightAsAnInput() throws {
        let network = try HAOInterchangeTests.shippedNetwork("mobilenet_v2_1.0")
        let model = try ONNXExporter.model(for: network, options: .init())
        // image + one weight and one bias per conv/FC layer.
        #expect(model.graph.input.count == 1 + 2 * network.layers.count)
        #expect(model.graph.initializer.map(\.name).sorted() == ["const.six", "const.zero"])
        #expect(model.irVersion == 7 && model.opsetImport.map(\.version) == [14])
    }

    @Test func anInvalidNetworkIsNotExported() {
        var network = tinyNetwork()
        network.blocks[0].kernel = 4
        #expect(throws: NetworkError.self) { try ONNXExporter.modelData(for: network) }
    }
}
