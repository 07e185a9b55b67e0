import Foundation
import HAONetwork
import HAOTestSupport
import Testing

/// The block and head variants that imported networks need: MobileNetV1's activated pointwise
/// convs, missing residuals and missing head conv, and timm's unit expand conv (FBNet-C).
@Suite struct BlockVariantTests {
    /// MobileNetV1-like: stem 3->8, ds 8->16 (s1), ds 16->16 (s1, no skip), pooled directly.
    private func mobileNetV1Like() -> Network {
        Network(
            name: "v1-like", resolution: 32,
            stem: Stem(outChannels: 8, kernel: 3, stride: 2, activation: .relu),
            blocks: [
                Block(
                    inChannels: 8, outChannels: 16, expandedChannels: 8, kernel: 3, stride: 1,
                    activation: .relu, projectActivation: .relu),
                Block(
                    inChannels: 16, outChannels: 16, expandedChannels: 16, kernel: 3, stride: 1,
                    activation: .relu, projectActivation: .relu, noSkip: true),
            ],
            head: Head(convChannels: 16, classes: 10, activation: .relu, hasConv: false))
    }

    @Test func headWithoutConvHasNoHeadConvLayer() throws {
        let network = mobileNetV1Like()
        try network.validate()
        #expect(!network.layers.contains { $0.role == .headConv })
        // Hand count at 32x32: stem 16x16 output, blocks at 16x16.
        let stem = 3 * 3 * 3 * 8 * 16 * 16
        let block0 = 3 * 3 * 8 * 256 + 8 * 16 * 256
        let block1 = 3 * 3 * 16 * 256 + 16 * 16 * 256
        let classifier = 16 * 10
        #expect(network.macs == stem + block0 + block1 + classifier)
        #expect(network.parameters == 3 * 3 * 3 * 8 + (9 * 8 + 8 * 16) + (9 * 16 + 16 * 16) + 16 * 10 + 10)
    }

    @Test func noSkipRemovesTheResidual() {
        let network = mobileNetV1Like()
        #expect(network.blocks[1].canHaveResidual)
        #expect(!network.blocks[1].hasResidual)
    }

    @Test func variantsSurviveAJSONRoundTrip() throws {
        var network = mobileNetV1Like()
        network.blocks.append(
            Block(
                inChannels: 16, outChannels: 16, expandedChannels: 16, kernel: 3, stride: 1,
                activation: .relu, unitExpandConv: true))
        network.head = Head(convChannels: 16, classes: 10, activation: .relu, hasConv: false)
        let data = try network.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"no_skip\" : true") && text.contains("\"unit_expand_conv\" : true"))
        #expect(text.contains("\"project_activation\" : \"relu\"") && text.contains("\"conv\" : false"))
        #expect(try Network.decode(from: data) == network)
        #expect(network.blocks[2].hasExpand)
    }

    @Test func defaultsAreNotWritten() throws {
        let text = String(decoding: try tinyNetwork().jsonData(), as: UTF8.self)
        for key in ["no_skip", "unit_expand_conv", "project_activation", "\"conv\""] { #expect(!text.contains(key)) }
    }

    @Test func inconsistentVariantsAreNamed() throws {
        var unit = tinyNetwork()
        unit.blocks[0].unitExpandConv = true
        #expect(
            throws: NetworkError.invalidField(
                location: "block 0", field: "unit_expand_conv",
                message: "applies only when expanded_channels equals in_channels (96 != 16); a wider block has its expand conv anyway")
        ) {
            try unit.validate()
        }
        var skip = tinyNetwork()
        skip.blocks[0].noSkip = true
        #expect(
            throws: NetworkError.invalidField(
                location: "block 0", field: "no_skip",
                message: "has nothing to remove: a block with stride 2 from 16 to 24 channels has no residual add")
        ) {
            try skip.validate()
        }
        var head = mobileNetV1Like()
        head.head.convChannels = 32
        #expect(
            throws: NetworkError.invalidField(
                location: "head", field: "conv_channels",
                message: "32 must equal the last block's out_channels 16 when the head has no conv (conv: false)")
        ) {
            try head.validate()
        }
    }
}
