import Foundation
import HAONetwork
import Testing

@testable import HAOHardware

/// One block worked by hand (docs/cost-model.md, "A worked example").
private func handNetwork(blockBits: Int = 8) -> Network {
    Network(
        name: "hand", resolution: 16,
        stem: Stem(outChannels: 8, kernel: 3, stride: 2, activation: .relu),
        blocks: [
            Block(
                inChannels: 8, outChannels: 16, expandedChannels: 32, kernel: 3, stride: 1,
                activation: .relu, precision: .uniform(blockBits))
        ],
        head: Head(convChannels: 32, classes: 10, activation: .relu))
}

private let handConfiguration = SubgraphConfiguration(
    expand: EngineConfiguration(kind: .expand, unrollA: 4, unrollB: 8),
    depthwise: EngineConfiguration(kind: .depthwise, unrollA: 8, unrollB: 9),
    project: EngineConfiguration(kind: .project, unrollA: 8, unrollB: 4))

@Test func handComputedBlockCyclesAt8Bit() {
    let model = SubgraphCostModel(network: handNetwork(), device: Fixtures.zu3eg)
    let block = model.stages[1]
    #expect(block.name == "block 0")
    // expand: 8 columns x ceil(8/4) x ceil(32/8) = 64 cycles a row, 8 rows, depth 3 + log2(4) + 3 = 8.
    #expect(model.cycles(block.expandLayer!, on: handConfiguration.expand) == LayerCycles(row: 64, rows: 8, depth: 8))
    // depthwise: 8 columns x ceil(32/8) x ceil(9/9) = 32 a row, depth 3 + ceil(log2 9) + 3 = 10.
    #expect(model.cycles(block.depthwiseLayer!, on: handConfiguration.depthwise) == LayerCycles(row: 32, rows: 8, depth: 10))
    // project: 8 x ceil(32/8) x ceil(16/4) = 128 a row, depth 3 + 3 + 3 = 9.
    #expect(model.cycles(block.projectLayer!, on: handConfiguration.project) == LayerCycles(row: 128, rows: 8, depth: 9))
    // Paths: expand-bound 520 + 42 + 137, depthwise-bound 136 + 266 + 137, project-bound 136 + 42 + 1033.
    #expect(model.pathTerms(block, handConfiguration.expand) == [520, 136, 136])
    #expect(model.pathTerms(block, handConfiguration.depthwise) == [42, 266, 42])
    #expect(model.pathTerms(block, handConfiguration.project) == [137, 137, 1033])
    // DDR: weights 2048 + 2304 + 4096 bits, input 8x8x8x8, output 8x8x16x8 bits = 2592 bytes; 4 GB/s at 200 MHz = 20 B/cycle.
    #expect(model.memoryBytes(block) == 2592)
    #expect(model.memoryCycles(block) == 130)
    let report = model.evaluate(handConfiguration)
    #expect(report.stages[1].latencyCycles == 1211)
    #expect(report.stages[1].bound == .project)
}

@Test func handComputedResourcesAt8Bit() {
    let model = SubgraphCostModel(network: handNetwork(), device: Fixtures.zu3eg)
    // DSP48E2 packs two 8-bit products: lanes / 2.
    let expand = model.resources(handConfiguration.expand)
    let depthwise = model.resources(handConfiguration.depthwise)
    let project = model.resources(handConfiguration.project)
    #expect(expand.dsp == 16)
    #expect(depthwise.dsp == 36)
    #expect(project.dsp == 16)
    // expand: 256-bit read = 8 banks of 32 bits (512 deep), 2048 bits = 8 words -> 8; output FIFO 64 bits -> 2.
    #expect(expand.bram18 == 10)
    // depthwise: 576-bit read = 16 banks, 4 words -> 16; line buffer 2 rows x 2 banks -> 4; FIFO 2.
    #expect(depthwise.bram18 == 22)
    // project: 8 banks -> 8; FIFO 32 bits -> 1.
    #expect(project.bram18 == 9)
}

@Test func fourBitBlockRunsFasterOnAnEightBitEngine() {
    let model = SubgraphCostModel(network: handNetwork(blockBits: 4), device: Fixtures.zu3eg)
    let block = model.stages[1]
    // The expand engine also runs the 8-bit stem, so it is built for 8 bits (2 per DSP); a 4-bit
    // layer gets 4 per DSP: twice the output channels per cycle.
    #expect(model.designBits == [8, 4, 8])
    #expect(model.cycles(block.expandLayer!, on: handConfiguration.expand) == LayerCycles(row: 32, rows: 8, depth: 8))
    // The depthwise engine runs only 4-bit layers: built for 4 bits, 4 products per DSP.
    #expect(model.resources(handConfiguration.depthwise).dsp == 18)
    #expect(model.cycles(block.depthwiseLayer!, on: handConfiguration.depthwise) == LayerCycles(row: 32, rows: 8, depth: 10))
}

@Test func packingFactorsPerFamily() {
    #expect(DeviceFamily.zynqUltraScalePlus.macsPerDSP(bits: 8) == 2)
    #expect(DeviceFamily.zynqUltraScalePlus.macsPerDSP(bits: 4) == 4)
    #expect(DeviceFamily.zynqUltraScalePlus.macsPerDSP(bits: 16) == 1)
    #expect(DeviceFamily.zynq7000.macsPerDSP(bits: 8) == 1)
    #expect(DeviceFamily.zynq7000.macsPerDSP(bits: 4) == 4)
}

@Test func squeezeExciteSerialisesProjection() {
    var network = handNetwork()
    network.blocks[0].seChannels = 8
    let model = SubgraphCostModel(network: network, device: Fixtures.zu3eg)
    let block = model.stages[1]
    #expect(model.pathCount(block) == 2)
    // SE FCs on the project engine (PI=8, PO=4): 32->8: ceil(32/8) x ceil(8/4) + 9 = 17; 8->32: 1 x 8 + 9 = 17.
    #expect(model.pathTerms(block, handConfiguration.project) == [17 + 17 + 1033, 17 + 17 + 1033])
}

@Test func stagesCoverEveryLayerOnce() throws {
    for network in try Fixtures.shippedNetworks() {
        let stages = network.stages
        #expect(stages.reduce(0) { $0 + $1.layers.count } == network.layers.count)
        #expect(stages.reduce(0) { $0 + $1.layers.reduce(0) { $0 + $1.macs } } == network.macs)
        #expect(stages.count == network.blocks.count + 3 + (network.head.hiddenChannels == nil ? 0 : 1))
    }
}

@Test func headWithoutConvKeepsEveryBlockStage() throws {
    // MobileNetV1 pools its last block directly; the blocks must still become stages.
    var network = try #require(try Fixtures.shippedNetworks().first)
    network.head = Head(convChannels: network.blocks.last!.outChannels, classes: 1000, activation: .relu, hasConv: false)
    try network.validate()
    let stages = network.stages
    #expect(stages.count == network.blocks.count + 2)
    #expect(stages.reduce(0) { $0 + $1.layers.count } == network.layers.count)
    #expect(stages.reduce(0) { $0 + $1.layers.reduce(0) { $0 + $1.macs } } == network.macs)
}

@Test func singleBufferedWeightsAddTheLoadToEveryPathOfTheBlock() {
    let model = SubgraphCostModel(network: handNetwork(), device: Fixtures.zu3eg)
    let block = model.stages[1]
    func single(_ config: EngineConfiguration) -> EngineConfiguration {
        var config = config
        config.weightBuffering = .single
        return config
    }
    // Weight loads at 20 B/cycle: expand 256 B -> 13 cycles, depthwise 288 B -> 15, project 512 B -> 26.
    #expect(model.weightLoadCycles(block, .expand) == 13)
    #expect(model.weightLoadCycles(block, .depthwise) == 15)
    #expect(model.weightLoadCycles(block, .project) == 26)
    #expect(model.pathTerms(block, single(handConfiguration.expand)) == [533, 149, 149])
    #expect(model.pathTerms(block, single(handConfiguration.depthwise)) == [57, 281, 57])
    #expect(model.pathTerms(block, single(handConfiguration.project)) == [163, 163, 1059])
    // The stem and head stream their weights in tiles either way.
    #expect(
        model.pathTerms(model.stages[0], single(handConfiguration.expand)) == model.pathTerms(model.stages[0], handConfiguration.expand))
}

@Test func singleBufferedWeightsNeedRoomForOneBlockOnly() {
    // Two equal blocks whose expand weights are 64 x 256 x 8 = 131,072 bits each. At PI = PO = 1
    // the buffer is read 8 bits at a time: one bank, 2,048 words deep per BRAM18.
    let block = Block(inChannels: 64, outChannels: 64, expandedChannels: 256, kernel: 3, stride: 1, activation: .relu)
    let network = Network(
        name: "two blocks", resolution: 16,
        stem: Stem(outChannels: 64, kernel: 3, stride: 2, activation: .relu),
        blocks: [block, block], head: Head(convChannels: 64, classes: 10, activation: .relu))
    let model = SubgraphCostModel(network: network, device: Fixtures.zu3eg)
    let double = model.resources(EngineConfiguration(kind: .expand, unrollA: 1, unrollB: 1))
    let single = model.resources(EngineConfiguration(kind: .expand, unrollA: 1, unrollB: 1, weightBuffering: .single))
    // Double: both blocks, 32,768 words -> 16 BRAM18; single: one block, 16,384 words -> 8.
    #expect(double.bram18 - single.bram18 == 8)
    #expect(double.dsp == single.dsp)
    // Double, single and tiled for each 1x1 unroll; the depthwise engine is never tiled.
    #expect(model.candidates(.expand).count == 3 * model.parameters.pointwiseUnrolls.count * model.parameters.pointwiseUnrolls.count)
    #expect(
        model.candidates(.depthwise).count == 2 * model.parameters.depthwiseChannelUnrolls.count
            * model.parameters.depthwiseTapUnrolls.count)
}

/// The configuration header the subgraph target exports compiles on its own and carries the
/// chosen unrolls and one schedule row per stage.
@Test func hlsHeaderCompilesAndCarriesTheConfiguration() throws {
    let network = try #require(try Fixtures.shippedNetworks().first)
    let target = SubgraphTarget(device: Fixtures.zu3eg)
    let solution = try target.solve(network, solver: .native)
    let configuration = try #require(solution.configuration)
    let header = try target.configurationFile(for: configuration, network: network)
    #expect(header.contains("constexpr int kExpandInputUnroll = \(configuration.expand.unrollA);"))
    #expect(header.contains("constexpr int kDepthwiseTapUnroll = \(configuration.depthwise.unrollB);"))
    #expect(header.contains("constexpr int kProjectOutputUnroll = \(configuration.project.unrollB);"))
    let stages = SubgraphCostModel(network: network, device: Fixtures.zu3eg).stages.count
    #expect(header.contains("constexpr int kStageCount = \(stages);"))
    #expect(header.components(separatedBy: "},  // ").count - 1 == stages, "one commented schedule row per stage")
    let compiler = ["/usr/bin/g++", "/usr/bin/c++", "/usr/bin/clang++"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let compiler else { return }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-config-\(UUID().uuidString).h")
    defer { try? FileManager.default.removeItem(at: path) }
    try header.write(to: path, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: compiler)
    process.arguments = ["-std=c++17", "-fsyntax-only", "-x", "c++", path.path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(compiler) rejects the header")
}

/// A tiled engine's header says so and sizes its buffer for one tile: one BRAM18 deep per read
/// bank (a whole-block depth would be a buffer the configuration's BRAM count never paid for).
@Test func hlsHeaderSizesATiledBufferForOneTile() throws {
    let network = try #require(try Fixtures.shippedNetworks().first { $0.name == "MobileNetV3-Large 1.0" })
    let target = SubgraphTarget(device: Fixtures.zu3eg)
    var configuration = try #require(try target.solve(network, solver: .native).configuration)
    configuration.expand.weightBuffering = .tiled
    let header = try target.configurationFile(for: configuration, network: network)
    let model = SubgraphCostModel(network: network, device: Fixtures.zu3eg)
    let readBits = model.weightBufferReadBits(configuration.expand)
    let depth = model.tileCapacityBits(configuration.expand) / readBits
    #expect(header.contains("constexpr bool kExpandTiledWeights = true;"))
    #expect(header.contains("constexpr int kExpandWeightBufferDepth = \(depth);"), "\(header)")
    #expect(depth >= 512 && depth <= 16_384, "one BRAM18 deep at some aspect ratio")
}
