import Foundation
import HAONetwork
import Testing

@testable import HAOInterchange

/// One file of Fixtures/manifest.json (written by scripts/make-onnx-fixtures.py).
struct FixtureEntry: Decodable, CustomTestStringConvertible, Sendable {
    struct TorchCounts: Decodable, Sendable {
        var macs: Int
        var paramsWithoutNorm: Int
        var weights: Int
        enum CodingKeys: String, CodingKey {
            case macs, weights
            case paramsWithoutNorm = "params_without_norm"
        }
    }
    var file: String
    var expect: String
    var exporter: String
    var opset: Int
    var network: String?
    var torch: TorchCounts?
    var ofaConfig: OFAConfigRecord?
    var refusedNode: String?
    var refusedOp: String?

    enum CodingKeys: String, CodingKey {
        case file, expect, exporter, opset, network, torch
        case ofaConfig = "ofa_config"
        case refusedNode = "refused_node"
        case refusedOp = "refused_op"
    }

    /// The once-for-all subnet configuration the file was made from.
    struct OFAConfigRecord: Decodable, Sendable {
        var ks: [Int], e: [Int], d: [Int], r: [Int]
    }

    var testDescription: String { file }
    var url: URL { fixturesURL.appendingPathComponent(file) }

    static let all: [FixtureEntry] = {
        struct Manifest: Decodable { var files: [FixtureEntry] }
        guard let data = try? Data(contentsOf: fixturesURL.appendingPathComponent("manifest.json")),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.files
    }()
    static var imports: [FixtureEntry] { all.filter { $0.expect == "import" } }
    static var refusals: [FixtureEntry] { all.filter { $0.expect == "refuse" } }
}

/// Real exporter output (torchvision, timm, once-for-all; TorchScript and dynamo exporters,
/// opsets 11 to 18) imported and checked against PyTorch's own counts and the shipped files.
@Suite struct FixtureImportTests {
    @Test func manifestListsTheExpectedFamilies() {
        let files = FixtureEntry.all.map(\.file).joined(separator: " ")
        for family in [
            "mobilenet_v2", "mnasnet_a1", "mnasnet_b1", "fbnetc_100", "fbnet_b", "proxylessnas_mobile",
            "mobilenet_v3_large", "efficientnet_b0", "mobilenetv1_100", "ofa_mbv3", "resnet18", "transformer",
        ] {
            #expect(files.contains(family), "no fixture for \(family)")
        }
        #expect(Set(FixtureEntry.all.map(\.exporter)) == ["torchscript", "dynamo"])
        #expect(Set(FixtureEntry.all.map(\.opset)).isSuperset(of: [11, 13, 17, 18]))
    }

    @Test("imports with PyTorch's exact MAC and weight counts", arguments: FixtureEntry.imports)
    func importsWithExactCounts(entry: FixtureEntry) throws {
        let result = try ONNXImporter.importNetwork(contentsOf: entry.url)
        let network = result.network
        let torch = try #require(entry.torch)
        #expect(network.macs == torch.macs)
        #expect(network.weightElements == torch.weights)
        #expect(result.graphWeightElements == torch.weights)
        // Parameters: the format counts a bias on every SE, hidden and classifier layer; a graph
        // without one (OFA's feature-mix conv, a zero bias an optimiser dropped) differs by it.
        let gap = abs(Double(network.parameters - torch.paramsWithoutNorm)) / Double(torch.paramsWithoutNorm)
        #expect(gap <= 0.005, "parameters \(network.parameters) vs PyTorch \(torch.paramsWithoutNorm)")
        if !result.notes.contains(where: { $0.contains("bias") }) {
            #expect(network.parameters == torch.paramsWithoutNorm)
        }
    }

    @Test("imports equal the shipped network files", arguments: FixtureEntry.imports.filter { $0.network != nil })
    func importsEqualShippedFiles(entry: FixtureEntry) throws {
        let shipped = try shippedNetwork(try #require(entry.network))
        var imported = try ONNXImporter.importNetwork(contentsOf: entry.url).network
        imported.name = shipped.name
        imported.reference = shipped.reference
        #expect(imported == shipped)
    }

    @Test("graphs outside the MBConv family are refused at their first unsupported node", arguments: FixtureEntry.refusals)
    func refusesAtTheFirstUnsupportedNode(entry: FixtureEntry) throws {
        let node = try #require(entry.refusedNode)
        let op = try #require(entry.refusedOp)
        do {
            let result = try ONNXImporter.importNetwork(contentsOf: entry.url)
            Issue.record("imported \(result.network.name) from a graph that is not MBConv")
        } catch {
            guard case .unsupportedNode(let refused, let refusedOp, _) = error else {
                Issue.record("expected a refusal naming node \(node), got: \(error)")
                return
            }
            #expect(refused == node && refusedOp == op, "\(error)")
            #expect(error.description.hasPrefix("node \(node) (\(op)): "))
        }
    }

    @Test func variantsTheFormatGrewForAreRecognised() throws {
        func imported(_ prefix: String) throws -> Network {
            let entry = try #require(FixtureEntry.imports.first { $0.file.hasPrefix(prefix) })
            return try ONNXImporter.importNetwork(contentsOf: entry.url).network
        }
        // MobileNetV1: activated pointwise convs, no residuals, no head conv.
        let v1 = try imported("mobilenetv1_100")
        #expect(v1.blocks.count == 13 && !v1.head.hasConv && v1.head.convChannels == 1024)
        #expect(v1.blocks.allSatisfy { !$0.hasExpand && !$0.hasResidual && $0.projectActivation == .relu6 })
        #expect(v1.blocks.filter(\.noSkip).count == 8)
        // timm's FBNet-C: a 1x1 expand conv in its expand-ratio-1 blocks.
        let fbnetC = try imported("fbnetc_100")
        #expect(fbnetC.blocks.filter(\.unitExpandConv).count == 3)
        // EfficientNet-B0: swish throughout, squeeze-excite on every block, block-input rounding.
        let b0 = try imported("efficientnet_b0.timm.ts13")
        #expect(b0.blocks.count == 16 && b0.blocks.allSatisfy { $0.activation == .swish && $0.seChannels == max(1, $0.inChannels / 4) })
    }
}
