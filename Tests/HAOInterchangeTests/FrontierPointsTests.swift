import Foundation
import HAOInterchange
import HAONetwork
import Testing

/// Reading `FRONTIER.json#INDEX` (the end-to-end test against a real search is in HAOCLITests).
@Suite struct FrontierPointsTests {
    private func write(_ object: Any) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url
    }

    @Test func referencesSplitAtTheLastHash() {
        #expect(FrontierPoints.reference("out/frontier.json#3")! == ("out/frontier.json", 3))
        #expect(FrontierPoints.reference("a#b/frontier.json#12")! == ("a#b/frontier.json", 12))
        for text in ["frontier.json", "frontier.json#", "frontier.json#x1", "frontier.json#-1", "frontier.json#٣"] {
            #expect(FrontierPoints.reference(text) == nil, "\(text)")
        }
    }

    @Test func pointsAreReadInFileOrder() throws {
        let networks = try ["mobilenet_v2_1.0", "fbnet_b"].map(shippedNetwork)
        let points = try networks.map { try JSONSerialization.jsonObject(with: $0.jsonData()) }
        let url = try write(["format": "hao-frontier-v1", "frontier": points.map { ["network": $0, "top1": 70.0] }])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try FrontierPoints.network(contentsOf: url, index: 1) == networks[1])
        #expect(throws: FrontierReadError(description: "point 2 does not exist: '\(url.path)' has 2 frontier points (0...1)")) {
            try FrontierPoints.network(contentsOf: url, index: 2)
        }
    }

    @Test func otherFilesAreRefusedWithTheReason() throws {
        let network = try write(try JSONSerialization.jsonObject(with: shippedNetwork("mnasnet_a1").jsonData()))
        let empty = try write(["format": "hao-frontier-v1", "frontier": [Any]()])
        defer { for url in [network, empty] { try? FileManager.default.removeItem(at: url) } }
        #expect(
            throws: FrontierReadError(
                description: "'\(network.path)' has format none; expected 'hao-frontier-v1' (a search's frontier.json)")
        ) {
            try FrontierPoints.network(contentsOf: network, index: 0)
        }
        #expect(throws: FrontierReadError(description: "'\(empty.path)' has no frontier points")) {
            try FrontierPoints.network(contentsOf: empty, index: 0)
        }
    }
}
