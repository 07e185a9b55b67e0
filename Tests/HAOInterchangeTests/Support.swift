import Foundation
import HAONetwork

/// The package's directories, found from this file's location.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let networksURL = packageRoot.appendingPathComponent("Models/networks", isDirectory: true)
let fixturesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures", isDirectory: true)

/// Every shipped network file's base name.
func shippedNetworkNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: networksURL.path)
        .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
}

func shippedNetwork(_ name: String) throws -> Network {
    try Network.loadValidated(contentsOf: networksURL.appendingPathComponent(name + ".json"))
}
