import Foundation
import HAONetwork
@testable import HAOHardware

/// Deterministic 64-bit generator (SplitMix64, Steele, Lea and Flood 2014), so every random
/// instance in these tests is reproducible from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Fixtures {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var modelsDirectory: ModelsDirectory { ModelsDirectory(url: packageRoot.appendingPathComponent("Models")) }
    static var sharedData: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data") }

    /// XCZU3EG as the tests assume it (DS891 figures), independent of the shipped file.
    static let zu3eg = Device(part: "XCZU3EG", board: "Ultra96", aliases: ["zu3eg"], family: .zynqUltraScalePlus,
                              resources: Resources(dsp: 360, bram18: 432, uram: 0, lut: 70_560, ff: 141_120),
                              clockMHz: 200, ddrBandwidthGBps: 4.0, sources: ["test"])

    static func shippedNetworks() throws -> [Network] {
        let dir = modelsDirectory.networks
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try Network.loadValidated(contentsOf: dir.appendingPathComponent($0)) }
    }

    static func shippedDevices() throws -> [Device] {
        try DeviceCatalogue.load(models: modelsDirectory).devices
    }

    /// A small random MBConv network.
    static func randomNetwork(_ rng: inout SplitMix64, blocks: ClosedRange<Int> = 1...4) -> Network {
        let widths = [8, 16, 24, 32, 40, 48]
        var channels = widths.randomElement(using: &rng)!
        let stem = Stem(outChannels: channels, activation: .relu)
        var list: [Block] = []
        for _ in 0..<Int.random(in: blocks, using: &rng) {
            let out = widths.randomElement(using: &rng)!
            let expand = [1, 3, 4, 6].randomElement(using: &rng)!
            let se = Bool.random(using: &rng) ? max(8, channels * expand / 4) : 0
            let bits = [4, 8].randomElement(using: &rng)!
            list.append(Block(inChannels: channels, outChannels: out, expandedChannels: channels * expand,
                              kernel: [3, 5, 7].randomElement(using: &rng)!, stride: [1, 2].randomElement(using: &rng)!,
                              seChannels: se, activation: .relu, precision: .uniform(bits)))
            channels = out
        }
        let head = Head(convChannels: [64, 128].randomElement(using: &rng)!, hiddenChannels: Bool.random(using: &rng) ? 128 : nil,
                        classes: 100, activation: .relu)
        return Network(name: "random", resolution: [32, 48, 64].randomElement(using: &rng)!, stem: stem, blocks: list, head: head)
    }
}
