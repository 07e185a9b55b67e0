import Foundation
import HAONetwork
import Testing

@testable import HAOInterchange

/// Graphs just outside the family, made by editing an exported one, and malformed files:
/// each gives one error naming the place, never a crash or a wrong network.
@Suite struct ImportRefusalTests {
    private func exported(_ name: String = "mnasnet_a1") throws -> Onnx_ModelProto {
        try ONNXExporter.model(for: try shippedNetwork(name), options: .init())
    }

    private func importError(_ model: Onnx_ModelProto) throws -> ONNXImportError? {
        let data: Data = try model.serializedBytes()
        do {
            _ = try ONNXImporter.importNetwork(from: data)
            return nil
        } catch {
            return error
        }
    }

    private func edit(_ model: inout Onnx_ModelProto, node name: String, _ change: (inout Onnx_NodeProto) -> Void) throws {
        let index = try #require(model.graph.node.firstIndex { $0.name == name }, "no node \(name)")
        change(&model.graph.node[index])
    }

    private func setInts(_ node: inout Onnx_NodeProto, _ attribute: String, _ values: [Int64]) {
        node.attribute = node.attribute.map {
            var a = $0
            if a.name == attribute { a.ints = values }
            return a
        }
    }

    @Test func groupedDepthwiseMismatchNamesTheNode() throws {
        var model = try exported()
        try edit(&model, node: "blocks.1.dw") { node in
            node.attribute = node.attribute.map {
                var a = $0
                if a.name == "group" { a.i = 2 }
                return a
            }
        }
        let error = try #require(try importError(model))
        #expect(
            error.description.hasPrefix(
                "node blocks.1.dw (Conv): groups 2 with a weight of 1 input channels per group does not fit the 96 channels reaching it"))
    }

    @Test func paddingThatIsNotSameIsRefused() throws {
        var model = try exported()
        try edit(&model, node: "blocks.1.dw") { setInts(&$0, "pads", [0, 0, 0, 0]) }
        let error = try #require(try importError(model))
        #expect(
            error
                == .unsupportedNode(
                    node: "blocks.1.dw", op: "Conv",
                    reason: "its padding gives a 55x55 output from 112x112; the format's convolutions use 'same' padding (ceil(112/2) = 56)"
                ))
    }

    @Test func dilationIsRefused() throws {
        var model = try exported()
        try edit(&model, node: "blocks.4.dw") { setInts(&$0, "dilations", [2, 2]) }
        #expect(try importError(model) == .unsupportedNode(node: "blocks.4.dw", op: "Conv", reason: "dilation [2, 2] is not supported"))
    }

    @Test func anActivationTheFormatLacksIsNamed() throws {
        var model = try exported()
        try edit(&model, node: "blocks.2.expand.relu") { $0.opType = "LeakyRelu" }
        let error = try #require(try importError(model))
        #expect(
            error.description.hasPrefix("node blocks.2.expand.relu (LeakyRelu): activation LeakyRelu is not one the network format has"))
    }

    @Test func clipBoundsOtherThanReluSixAreRefused() throws {
        var model = try exported("mobilenet_v2_1.0")
        let index = try #require(model.graph.initializer.firstIndex { $0.name == "const.six" })
        model.graph.initializer[index].floatData = [4]
        #expect(
            try importError(model)
                == .unsupportedNode(
                    node: "stem.relu6", op: "Clip",
                    reason: "Clip to [0, 4] is neither relu [0, inf) nor relu6 [0, 6]"))
    }

    @Test func aSideBranchIsRefusedAtItsNode() throws {
        var model = try exported()
        var tap = Onnx_NodeProto()
        tap.opType = "Relu"
        tap.name = "tap"
        tap.input = ["blocks.4.add"]
        tap.output = ["tap"]
        let position = try #require(model.graph.node.firstIndex { $0.name == "blocks.4.add" })
        model.graph.node.insert(tap, at: position + 1)
        let error = try #require(try importError(model))
        guard case .unsupportedNode(let node, _, _) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(node == "tap", "\(error)")
    }

    @Test func cyclesAndTwiceProducedTensorsAreRefusedBeforeAnyWalk() throws {
        var cycle = try exported()
        try edit(&cycle, node: "blocks.2.dw") { $0.input[0] = "blocks.2.dw.relu" }
        #expect(
            try importError(cycle)
                == .unsupportedGraph(
                    "node blocks.2.dw reads 'blocks.2.dw.relu' before it is produced: the graph is not in topological order or has a cycle")
        )
        var loop = try exported()
        try edit(&loop, node: "blocks.2.dw.relu") { $0.input[0] = "blocks.2.dw.relu" }
        #expect(try importError(loop) != nil)
        var twice = try exported()
        try edit(&twice, node: "blocks.2.dw.relu") { $0.output[0] = "blocks.2.expand.relu" }
        #expect(
            try importError(twice)
                == .unsupportedGraph(
                    "tensor 'blocks.2.expand.relu' is produced twice (by node blocks.2.expand.relu and node blocks.2.dw.relu)"))
    }

    @Test func customDomainOpsAreRefused() throws {
        var model = try exported()
        try edit(&model, node: "blocks.0.dw") { $0.domain = "com.microsoft" }
        #expect(
            try importError(model)
                == .unsupportedNode(
                    node: "blocks.0.dw", op: "Conv",
                    reason: "custom-domain op 'com.microsoft' is not a standard ONNX operator"))
    }

    @Test func twoOutputsAreRefused() throws {
        var model = try exported()
        model.graph.output.append(ONNXGraphBuilder.valueInfo("blocks.4.add", shape: [1, 40, 28, 28]))
        let error = try #require(try importError(model))
        #expect(error == .unsupportedGraph("the graph has 2 outputs (classifier, blocks.4.add); an image classifier has one"))
    }

    @Test func symbolicSizesNeedTheResolution() throws {
        var model = try exported()
        model.graph.input[0].type.tensorType.shape.dim[2].dimParam = "height"
        let data: Data = try model.serializedBytes()
        #expect(
            throws: ONNXImportError.unsupportedGraph(
                "the image input 'image' has a symbolic height or width; give the resolution (--resolution)")
        ) {
            try ONNXImporter.importNetwork(from: data)
        }
        let network = try ONNXImporter.importNetwork(from: data, options: ONNXImportOptions(resolution: 192)).network
        #expect(network.resolution == 192 && network.blocks.count == 16)
    }

    // MARK: - Malformed files

    @Test func emptyAndForeignBytesAreNotModels() throws {
        #expect(throws: ONNXImportError.notAModel(source: "the input", detail: "the file is empty")) {
            try ONNXImporter.importNetwork(from: Data())
        }
        let json = try Data(contentsOf: networksURL.appendingPathComponent("fbnet_b.json"))
        #expect(throws: ONNXImportError.self) { try ONNXImporter.importNetwork(from: json) }
        var generator = SplitMix64(seed: 42)
        for length in [1, 7, 64, 1000, 20_000] {
            let bytes = Data((0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            #expect(throws: ONNXImportError.self) { try ONNXImporter.importNetwork(from: bytes) }
        }
    }

    @Test(
        "a truncated file is an error or, cut only after the graph, the same network",
        arguments: ["mobilenet_v3_large.torchvision.ts13.onnx", "efficientnet_b0.timm.dynamo18.onnx"])
    func truncatedFiles(file: String) throws {
        let data = try Data(contentsOf: fixturesURL.appendingPathComponent(file))
        let full = try ONNXImporter.importNetwork(from: data).network
        for length in stride(from: 0, to: data.count, by: max(1, data.count / 97)) {
            do {
                let network = try ONNXImporter.importNetwork(from: data.prefix(length)).network
                #expect(network == full, "a \(length)-byte prefix imported as a different network")
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func missingFilesAndDirectoriesAreUnreadable() {
        #expect(throws: ONNXImportError.unreadable(path: "/nonexistent/model.onnx", reason: "no such file")) {
            try ONNXImporter.importNetwork(contentsOf: URL(fileURLWithPath: "/nonexistent/model.onnx"))
        }
        #expect(throws: ONNXImportError.unreadable(path: fixturesURL.path, reason: "it is a directory")) {
            try ONNXImporter.importNetwork(contentsOf: fixturesURL)
        }
    }
}
