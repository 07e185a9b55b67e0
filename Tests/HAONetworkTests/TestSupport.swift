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

/// A small valid network: 32x32 input, stem 3->16, one MBConv 16->24 (e6, k3, s2, SE 4), head 64, 10 classes.
func tinyNetwork() -> Network {
    Network(
        name: "tiny", resolution: 32,
        stem: Stem(outChannels: 16, kernel: 3, stride: 2, activation: .relu),
        blocks: [
            Block(
                inChannels: 16, outChannels: 24, expandedChannels: 96, kernel: 3, stride: 2,
                seChannels: 4, activation: .relu)
        ],
        head: Head(convChannels: 64, classes: 10, activation: .relu))
}

/// A fresh empty temporary directory.
func temporaryDirectory() throws -> URL { try TestPaths.temporaryDirectory("hao-netdev") }
