import HAONetwork
import Testing

@Suite struct ArchDefTests {
    @Test func parsesAllOptions() throws {
        let block = try ArchDefBlock(parsing: "ir_r2_k5_s2_e2.5_c40_se0.25_nhs")
        #expect(block.kind == .invertedResidual)
        #expect(block.repeats == 2 && block.kernel == 5 && block.stride == 2 && block.outChannels == 40)
        #expect(block.expandRatio == 2.5 && block.seRatio == 0.25 && block.activation == .hardSwish)
        let ds = try ArchDefBlock(parsing: "ds_r1_k3_s1_c16_noskip")
        #expect(ds.kind == .depthwiseSeparable && ds.expandRatio == 1 && ds.noSkip)
    }

    @Test(
        "malformed strings are rejected",
        arguments: [
            "xx_r1_k3_s1_c16", "ir_r1_k3_s1_c16", "ir_r1_k3_s1_e6", "ir_r0_k3_s1_e6_c16", "ir_r1_k3_s1_e6_c16_q7",
            "ir_r1_k3_s1_e6_c16_nxx", "ir_r1__k3_s1_e6_c16", "", "ir_r1_k3_s1_e-1_c16",
        ])
    func rejectsMalformed(text: String) {
        #expect(throws: ArchDefError.self) { try ArchDefBlock(parsing: text) }
    }

    @Test func expandsRepeatsWithStrideOnlyOnTheFirst() throws {
        let definition = ArchDefinition(stages: [["ir_r3_k3_s2_e6_c24"]], defaultActivation: .relu6)
        let (blocks, head) = try definition.blocks(inChannels: 16)
        #expect(head == nil)
        #expect(blocks.map(\.stride) == [2, 1, 1])
        #expect(blocks.map(\.inChannels) == [16, 24, 24])
        #expect(blocks.map(\.expandedChannels) == [96, 144, 144])
        #expect(blocks.allSatisfy { $0.activation == .relu6 })
    }

    @Test func squeezeExciteRoundingRules() throws {
        let input = ArchDefinition(stages: [["ir_r2_k5_s2_e3_c40_se0.25"]], defaultActivation: .relu, seRounding: .blockInput)
        #expect(try input.blocks(inChannels: 24).blocks.map(\.seChannels) == [6, 10])
        let expanded = ArchDefinition(stages: [["ir_r2_k5_s2_e3_c40_se0.25"]], defaultActivation: .relu, seRounding: .expandedDivisibleBy8)
        // 72 / 4 = 18 -> 24; 120 / 4 = 30 -> 32.
        #expect(try expanded.blocks(inChannels: 24).blocks.map(\.seChannels) == [24, 32])
    }

    @Test func makeDivisibleMatchesTheReferenceRounding() {
        #expect(ArchDefinition.makeDivisible(80 * 2.3) == 184)
        #expect(ArchDefinition.makeDivisible(18) == 24)
        #expect(ArchDefinition.makeDivisible(30) == 32)
        #expect(ArchDefinition.makeDivisible(10) == 16)  // 8 would be more than 10% below
        #expect(ArchDefinition.makeDivisible(3) == 8)
    }

    @Test func headConvOnlyAtTheEnd() throws {
        let good = ArchDefinition(stages: [["ir_r1_k3_s1_e6_c16"], ["cn_r1_k1_s1_c960"]], defaultActivation: .relu)
        #expect(try good.blocks(inChannels: 16).headConv == 960)
        let bad = ArchDefinition(stages: [["cn_r1_k1_s1_c960"], ["ir_r1_k3_s1_e6_c16"]], defaultActivation: .relu)
        #expect(throws: ArchDefError.misplacedConv(block: "cn_r1_k1_s1_c960")) { try bad.blocks(inChannels: 16) }
        #expect(throws: ArchDefError.empty) { try ArchDefinition(stages: [[]], defaultActivation: .relu).blocks(inChannels: 16) }
    }

    @Test func noSkipRemovesAResidualWhereThereWouldBeOne() throws {
        let definition = ArchDefinition(stages: [["ir_r2_k3_s1_e6_c16_noskip"]], defaultActivation: .relu)
        let blocks = try definition.blocks(inChannels: 16).blocks
        #expect(blocks.map(\.noSkip) == [true, true])
        #expect(blocks.allSatisfy { !$0.hasResidual })
        // ... and is not recorded where there is no residual anyway, so equal networks stay equal.
        let fine = ArchDefinition(stages: [["ds_r1_k3_s1_c16_noskip"]], defaultActivation: .relu)
        let block = try #require(try fine.blocks(inChannels: 32).blocks.first)
        #expect(!block.noSkip && !block.hasResidual)
    }

    @Test func dsaBlocksHaveAPointwiseActivationAndNoResidual() throws {
        // timm's MobileNetV1 definition.
        let definition = ArchDefinition(stages: [["dsa_r1_k3_s1_c64"], ["dsa_r2_k3_s2_c128"]], defaultActivation: .relu6)
        let blocks = try definition.blocks(inChannels: 32).blocks
        #expect(blocks.map(\.outChannels) == [64, 128, 128])
        #expect(blocks.allSatisfy { !$0.hasExpand && $0.projectActivation == .relu6 && !$0.hasResidual })
        #expect(blocks.map(\.noSkip) == [false, false, true])
    }

    @Test func unitExpansionFollowsTheBuilderConvention() throws {
        let stages = [["ir_r1_k3_s1_e1_c16"], ["ir_r1_k3_s1_e6_c16"]]
        let mobileVision = try ArchDefinition(stages: stages, defaultActivation: .relu).blocks(inChannels: 16).blocks
        #expect(mobileVision.map(\.hasExpand) == [false, true])
        let timm = try ArchDefinition(stages: stages, defaultActivation: .relu, unitExpansion: .conv).blocks(inChannels: 16).blocks
        #expect(timm.map(\.hasExpand) == [true, true])
        #expect(timm.map(\.unitExpandConv) == [true, false])
    }
}
