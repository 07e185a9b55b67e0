import Foundation
import HAONetwork
import HAOTestSupport

/// The package's `Models/` directory, found from this file's location.
let modelsURL = TestPaths.models.url

let networksURL = modelsURL.appendingPathComponent("networks", isDirectory: true)

/// The shipped baseline files, by file name.
let baselineFiles = [
    "mobilenet_v2_1.0.json", "mnasnet_a1.json", "fbnet_b.json",
    "proxylessnas_mobile.json", "mobilenet_v3_large_1.0.json",
]

func loadBaseline(_ file: String) throws -> Network {
    try Network.load(contentsOf: networksURL.appendingPathComponent(file))
}

/// A fresh empty temporary directory.
func temporaryDirectory() throws -> URL { try TestPaths.temporaryDirectory("hao-netdev") }
