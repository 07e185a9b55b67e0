import Foundation
import HAONetwork
import HAOSupport
import Testing

@testable import HAOPredictor

/// The layer-kind quantization penalty (issue 15): its physical shape, its two code paths
/// (points and networks), the regime choice and the breakdown `hao predict` prints.
@Suite struct QuantizationPenaltyTests {
    /// Known constants, so that expectations follow from the formula rather than from a fit.
    static let model = QuantizationModel(
        qat: QuantizationPenaltyParameters(
            int8Penalty: 0.5, int8PenaltyStd: 0.3, int4WeightPenalty: 0.8, int4ActivationPenalty: 0.8,
            int4PenaltyStd: 0.5, source: "test"),
        ptq: QuantizationPenaltyParameters(
            int8Penalty: 0.6, int8PenaltyStd: 0.3, int4WeightPenalty: 0.2, int4ActivationPenalty: 4.6,
            int4PenaltyStd: 1, source: "test"),
        source: "test")

    static func point(kernel: Int = 3, bits: Int, depth: Int = 4) -> ArchitecturePoint {
        ArchitecturePoint(
            depths: .init(repeating: depth, count: 5), kernels: .init(repeating: kernel, count: 20),
            expandRatios: .init(repeating: 4, count: 20), bits: .init(repeating: bits, count: 20), resolution: 176)
    }

    @Test func bitNoiseIsAnchoredAndGrowsAsBitsFall() {
        #expect(QuantizationModel.bitNoise(8) == 0)
        #expect(QuantizationModel.bitNoise(16) == 0)
        #expect(abs(QuantizationModel.bitNoise(4) - 1) < 1e-12)
        for b in 2..<8 { #expect(QuantizationModel.bitNoise(b) > QuantizationModel.bitNoise(b + 1), "g(\(b))") }
        // One bit less quadruples the noise power (plus the offset that makes g(8) = 0).
        #expect(abs(QuantizationModel.bitNoise(5) - 63.0 / 255) < 1e-12)
        #expect(QuantizationModel.kernelMultiplier(3) == 1)
        #expect(QuantizationModel.kernelMultiplier(7) > QuantizationModel.kernelMultiplier(5))
        #expect(QuantizationModel.kernelMultiplier(5) > 1)
    }

    /// Lowering any block's width never raises the predicted accuracy, in either regime, for the
    /// shipped model and for the test constants.
    @Test func fewerBitsNeverRaiseAccuracy() throws {
        let space = try loadSpace()
        let shipped = try AccuracyPredictor(contentsOf: Paths.shippedModel).quantization
        var rng = SplitMix64(seed: 15)
        for q in [Self.model, shipped] {
            for regime in QuantizationRegime.allCases {
                let m = try q.with(regime: regime)
                for _ in 0..<40 {
                    var p = space.sample(using: &rng)
                    for slot in 0..<20 where p.isActive(slot: slot) && p.bits[slot] == 8 {
                        let before = m.penalty(p).points
                        p.bits[slot] = 4
                        #expect(m.penalty(p).points > before, "\(regime) slot \(slot)")
                    }
                }
            }
        }
        // A network layer by layer, weights and activations separately.
        let net = try space.network(for: Self.point(bits: 8))
        var layers = QuantizedLayer.census(net)
        for i in layers.indices {
            for operand in 0..<2 {
                let before = Self.model.penalty(layers: layers).points
                if operand == 0 { layers[i].weightBits = 4 } else { layers[i].activationBits = 4 }
                #expect(Self.model.penalty(layers: layers).points > before, "layer \(i) operand \(operand)")
            }
        }
    }

    /// `penalty(point)` (no Network built, used by every prediction) and `penalty(network)`
    /// (baselines, `hao quantize`) agree on every point; the breakdown sums to the total.
    @Test func pointAndNetworkPathsAgree() throws {
        let space = try loadSpace()
        let q = Self.model.with(layout: PointLayout(space: space))
        var rng = SplitMix64(seed: 2)
        for _ in 0..<60 {
            let p = space.sample(using: &rng)
            let fromPoint = q.penaltyDetail(p)
            let fromNetwork = q.penalty(try space.network(for: p))
            #expect(abs(fromPoint.points - fromNetwork.points) < 1e-9)
            #expect(abs(fromPoint.std - fromNetwork.std) < 1e-9)
            #expect(fromPoint.breakdown == fromNetwork.breakdown)
            #expect(abs(fromPoint.breakdown.map(\.points).reduce(0, +) - fromPoint.points) < 1e-9)
        }
        #expect(PointLayout(space: space) == .onceForAllMobileNetV3)
    }

    @Test func breakdownNamesEachKindAndKernel() {
        var p = Self.point(bits: 4)
        p.kernels[0] = 7
        p.kernels[1] = 5
        let terms = Self.model.penaltyDetail(p).breakdown
        #expect(terms.map(\.name) == ["int8_base", "expand", "depthwise_k3", "depthwise_k5", "depthwise_k7", "squeeze_excite", "project"])
        #expect(terms.first { $0.name == "depthwise_k7" }?.layers == 1)
        #expect(terms.first { $0.name == "squeeze_excite" }?.layers == 24)  // 12 SE blocks x 2 FC layers
        #expect(Self.model.penaltyDetail(Self.point(bits: 8)).breakdown.map(\.name) == ["int8_base"])
    }

    @Test func largerDepthwiseKernelsCostMoreAtFourBitsOnly() {
        let k3 = Self.model.penalty(Self.point(kernel: 3, bits: 4)).points
        let k7 = Self.model.penalty(Self.point(kernel: 7, bits: 4)).points
        #expect(k7 > k3)
        #expect(Self.model.penalty(Self.point(kernel: 7, bits: 8)).points == Self.model.penalty(Self.point(kernel: 3, bits: 8)).points)
    }

    /// The normalisation: a network whose blocks are all at W4A4 pays P8 + Sw + Sa (3x3 depthwise),
    /// however deep; the all-8 network pays P8.
    @Test func allFourBitBlocksCostTheFittedConstantAtAnyDepth() {
        for blocks in [6, 17, 40] {
            var layers = [QuantizedLayer(kind: .stem, kernel: 3, weightBits: 8, activationBits: 8)]
            for _ in 0..<blocks {
                layers += [
                    QuantizedLayer(kind: .expand, weightBits: 4, activationBits: 4),
                    QuantizedLayer(kind: .depthwise, kernel: 3, weightBits: 4, activationBits: 4),
                    QuantizedLayer(kind: .project, weightBits: 4, activationBits: 4),
                ]
            }
            layers.append(QuantizedLayer(kind: .head, weightBits: 8, activationBits: 8))
            #expect(abs(Self.model.penalty(layers: layers).points - (0.5 + 1.6)) < 1e-9, "\(blocks) blocks")
            let all8 = layers.map { QuantizedLayer(kind: $0.kind, kernel: $0.kernel, weightBits: 8, activationBits: 8) }
            #expect(abs(Self.model.penalty(layers: all8).points - 0.5) < 1e-12)
        }
    }

    @Test func regimesDifferAndAMissingRegimeIsRefused() throws {
        let p = Self.point(bits: 4)
        let ptq = try Self.model.with(regime: .ptq)
        #expect(ptq.penalty(p).points > Self.model.penalty(p).points + 2)
        // PTQ: 4-bit weights alone cost little, 4-bit activations most (W4A8 vs W4A4).
        let weightsOnly = QuantizedLayer.census(try loadSpace().network(for: p)).map {
            QuantizedLayer(kind: $0.kind, kernel: $0.kernel, weightBits: $0.weightBits, activationBits: 8)
        }
        #expect(ptq.penalty(layers: weightsOnly).points < 1.0)
        let qatOnly = QuantizationModel(int8Penalty: 1, int8PenaltyStd: 0, int4Penalty: 2, int4PenaltyStd: 0, source: "t")
        #expect(throws: PredictorError.self) { _ = try qatOnly.with(regime: .ptq) }
        #expect(throws: Never.self) { _ = try qatOnly.with(regime: .qat) }
    }

    /// Bit allocation outside the space charges each block its layers' share; the shares add up
    /// to the whole network's penalty (the program sums them).
    @Test func blockPenaltiesAddUpToTheNetworkPenalty() throws {
        let net = try BaselineTests.network("mobilenet_v2_1.0")
        let perBlock = Self.model.lowBitBlockPenalties(net)
        #expect(perBlock.count == net.blocks.count)
        #expect(perBlock.allSatisfy { $0 > 0 })
        var low = net
        for i in low.blocks.indices { low.blocks[i].precision = .w4a4 }
        let total = Self.model.penalty(low).points - Self.model.penalty(net).points
        #expect(abs(perBlock.reduce(0, +) - total) < 1e-9)
        // MobileNetV2's blocks are all 3x3: all at W4A4 costs exactly Sw + Sa beyond the 8-bit part.
        #expect(abs(total - 1.6) < 1e-9)
        // The first block (no expand: depthwise + project) costs 2/3 of a full block.
        #expect(abs(perBlock[0] / perBlock[1] - 2.0 / 3.0) < 1e-9)
    }

    @Test func sensitivityFileOverridesTheLayerKindRule() throws {
        let slots = (0..<20).map { Double($0) / 10 }
        let url = try tempFile("sens15.json", "{\"format\":\"hao-sensitivity-v1\",\"slot_penalties_4bit\":\(slots)}")
        let q = try QuantizationModel.userSensitivity(contentsOf: url, base: Self.model)
        var p = Self.point(bits: 8, depth: 2)
        p.bits[4] = 4
        let detail = q.penaltyDetail(p)
        #expect(abs(detail.points - (0.5 + 0.4)) < 1e-12)
        #expect(detail.breakdown.map(\.name) == ["int8_base", "sensitivity_file"])
        #expect(abs(Self.model.penalty(p).points - detail.points) > 1e-3)
    }
}

extension QuantizationModel {
    func with(layout: PointLayout) -> QuantizationModel {
        var copy = self
        copy.layout = layout
        return copy
    }
}
