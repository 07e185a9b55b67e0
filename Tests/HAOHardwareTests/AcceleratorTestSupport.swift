import Foundation
import HAONetwork
import HAOSupport
import HAOTestSupport

@testable import HAOHardware

enum Fixtures {
    static var packageRoot: URL { TestPaths.packageRoot }
    static var modelsDirectory: ModelsDirectory { TestPaths.models }
    static var sharedData: URL { TestPaths.sharedData }

    /// XCZU3EG as the tests assume it (DS891 figures), independent of the shipped file.
    static let zu3eg = Device(
        part: "XCZU3EG", board: "Ultra96", aliases: ["zu3eg"], family: .zynqUltraScalePlus,
        resources: Resources(dsp: 360, bram18: 432, uram: 0, lut: 70_560, ff: 141_120),
        clockMHz: 200, ddrBandwidthGBps: 4.0, sources: ["test"])

    static func shippedNetworks() throws -> [Network] { try TestPaths.shippedNetworks() }

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
            list.append(
                Block(
                    inChannels: channels, outChannels: out, expandedChannels: channels * expand,
                    kernel: [3, 5, 7].randomElement(using: &rng)!, stride: [1, 2].randomElement(using: &rng)!,
                    seChannels: se, activation: .relu, precision: .uniform(bits)))
            channels = out
        }
        let head = Head(
            convChannels: [64, 128].randomElement(using: &rng)!, hiddenChannels: Bool.random(using: &rng) ? 128 : nil,
            classes: 100, activation: .relu)
        return Network(name: "random", resolution: [32, 48, 64].randomElement(using: &rng)!, stem: stem, blocks: list, head: head)
    }
}
