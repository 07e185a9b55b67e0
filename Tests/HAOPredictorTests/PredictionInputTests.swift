import Foundation
import HAONetwork
import HAOSupport
import Testing

@testable import HAOPredictor

/// What `hao predict` accepts (issue 15): resolutions between the grid's values within the
/// trained range, and refusals that name the real reason.
@Suite struct PredictionInputTests {
    /// `network` with every channel count scaled by `w` and rounded as MobileNet releases do.
    static func scaled(_ network: Network, by w: Double, space: SearchSpace) -> Network {
        func c(_ x: Int) -> Int { SearchSpace.makeDivisible(Double(x) * w, divisor: space.channelDivisor) }
        var n = network
        n.stem.outChannels = c(n.stem.outChannels)
        for i in n.blocks.indices {
            n.blocks[i].inChannels = c(n.blocks[i].inChannels)
            n.blocks[i].outChannels = c(n.blocks[i].outChannels)
            // Expand ratios kept, so that only the width differs.
            let ratio = Double(network.blocks[i].expandedChannels) / Double(network.blocks[i].inChannels)
            n.blocks[i].expandedChannels = SearchSpace.makeDivisible(Double(n.blocks[i].inChannels) * ratio, divisor: space.channelDivisor)
            if n.blocks[i].seChannels > 0 { n.blocks[i].seChannels = space.seChannels(expanded: n.blocks[i].expandedChannels) }
        }
        return n
    }

    /// Issue 15's example: a width-0.75 once-for-all MobileNetV3 used to be refused as "stage 2 (40
    /// channels) has 0 blocks"; the width is the reason. Width 1.2 (the once-for-all release's other
    /// width) is named too; width 1.0 still converts.
    @Test func widthMultipliersAreNamed() throws {
        let space = try loadSpace()
        var rng = SplitMix64(seed: 75)
        let net = try space.network(for: space.sample(using: &rng))
        for (w, label) in [(0.75, "width multiplier 0.75"), (1.2, "width multiplier 1.2")] {
            #expect { _ = try space.point(for: Self.scaled(net, by: w, space: space)) } throws: { e in
                "\(e)".contains(label) && !"\(e)".contains("0 blocks") && "\(e)".contains("24/40/80/112/160")
            }
        }
        #expect(throws: Never.self) { _ = try space.point(for: net) }
        #expect(space.widthMismatch(net) == nil)
    }

    @Test func offGridResolutionsWithinTheTrainedRangeArePredicted() throws {
        let space = try loadSpace()
        #expect(space.trainedResolutions == 128...224)
        var rng = SplitMix64(seed: 156)
        var point = space.sample(using: &rng)
        point.resolution = 156
        #expect(throws: SearchSpaceError.self) { try space.check(point) }
        let warning = try #require(try space.checkForPrediction(point))
        #expect(warning.contains("156") && warning.contains("not on the search grid"))
        var net = try space.network(
            for: space.canonical(
                ArchitecturePoint(
                    depths: point.depths, kernels: point.kernels,
                    expandRatios: point.expandRatios, bits: point.bits,
                    resolution: 160)))
        net.resolution = 156
        let (fromNetwork, networkWarning) = try space.predictionPoint(for: net)
        #expect(fromNetwork.resolution == 156 && networkWarning != nil)
        point.resolution = 160
        #expect(try space.checkForPrediction(point) == nil)
        for outside in [112, 127, 225, 256] {
            point.resolution = outside
            #expect { _ = try space.checkForPrediction(point) } throws: { e in
                "\(e)".contains("outside the predictor's trained range 128...224")
            }
            net.resolution = outside
            #expect { _ = try space.predictionPoint(for: net) } throws: { e in "\(e)".contains("trained range") }
        }
    }
}
