import Foundation
import HAONetwork
import HAOSolver
import Testing

@testable import HAOHardware

/// A profile with every subgraph parameter away from its default.
private func profile(_ values: [String: Double]? = nil) -> CalibrationProfile {
    CalibrationProfile(
        name: "test", target: SubgraphTarget.id, device: "XCZU3EG",
        parameters: values ?? [
            "ddr_efficiency": 0.45, "launch_overhead_us": 120, "stage_overhead_us": 7.5,
            "layer_overhead_us": 1.25, "efficiency_pointwise": 0.8, "efficiency_depthwise_k3": 0.4,
            "efficiency_depthwise_k5": 0.3, "efficiency_depthwise_k7": 0.2, "efficiency_fc": 0.6, "efficiency_se": 0.5,
            "se_gate_cycles_per_element": 0.75,
        ],
        measurementFiles: [], measurementFingerprint: "", crossValidation: nil, macsBaseline: nil)
}

@Suite struct CalibrationModelTests {
    /// The latency a calibrated target reports (whole cycles, the constants rounded into the
    /// solvers' tables) equals what calibration predicts from the same network's terms (continuous),
    /// up to that rounding: the profile means the same thing to both.
    @Test func calibratedTargetAgreesWithItsCalibrationTerms() throws {
        let target = try SubgraphTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: profile()))
        let values = try profile().values(for: SubgraphTarget.calibrationParameters)
        for network in try Fixtures.shippedNetworks() {
            let solution = try target.solve(network, solver: .native)
            let report = try #require(solution.report)
            let terms = try target.latencyTerms(of: network, scope: .network, configuration: report.configuration)
            let predicted = target.predictedLatencyMs(terms, parameters: values)
            #expect(abs(predicted / report.latencyMs - 1) < 2e-3, "\(network.name): terms \(predicted) ms, target \(report.latencyMs) ms")
        }
        // At the defaults the terms reproduce the uncalibrated target exactly (but for ceilings).
        let plain = SubgraphTarget(device: Fixtures.zu3eg)
        let network = try Fixtures.shippedNetworks()[0]
        let report = try #require(try plain.solve(network, solver: .native).report)
        let terms = try plain.latencyTerms(of: network, scope: .network, configuration: report.configuration)
        let defaults = SubgraphTarget.calibrationParameters.map(\.defaultValue)
        #expect(abs(plain.predictedLatencyMs(terms, parameters: defaults) / report.latencyMs - 1) < 1e-3)
    }

    /// Calibrated constants enter the program as constants: GLPK, native and enumeration agree.
    @Test func solversAgreeOnACalibratedTarget() throws {
        var parameters = SubgraphParameters.standard
        parameters.pointwiseUnrolls = [2, 4, 8, 16, 32]
        parameters.depthwiseChannelUnrolls = [4, 8, 16, 32]
        parameters.latency = SubgraphLatencyParameters(values: try profile().values(for: SubgraphTarget.calibrationParameters))
        let target = SubgraphTarget(device: Fixtures.zu3eg, parameters: parameters)
        for network in try Fixtures.shippedNetworks().prefix(3) {
            for bits in [8, 4] {
                let check = try target.checkAgreement(network.withBlockBits(bits), maxEnumeration: 1_000_000)
                #expect(check.enumerated && check.agree, "\(network.name) W\(bits): \(check.rows)")
            }
        }
    }

    @Test func profilesAreCheckedAgainstTheTarget() throws {
        var wrongTarget = profile()
        wrongTarget.target = TargetID("dpu")
        #expect(throws: HardwareError.self) {
            try SubgraphTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: wrongTarget))
        }
        #expect(throws: HardwareError.self) {
            try SubgraphTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: profile(["ddr_efficiency": 3])))
        }
        #expect(throws: HardwareError.self) {
            try SubgraphTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: profile(["dram_speed": 1])))
        }
        let target = try SubgraphTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: profile(["launch_overhead_us": 100])))
        #expect(target.parameters.latency.launchOverheadUs == 100 && target.parameters.latency.ddrEfficiency == 1)
        #expect(target.latencyModel.calibrated && target.latencyModel.summary.hasPrefix("calibrated: profile test"))
        #expect(SubgraphTarget(device: Fixtures.zu3eg).latencyModel.summary == "uncalibrated: ideal pipeline")
    }

    /// Overheads add to every stage exactly once; the launch to the first stage only.
    @Test func overheadsAreChargedPerStageLayerAndLaunch() throws {
        let network = try Fixtures.shippedNetworks()[0]
        let plain = SubgraphTarget(device: Fixtures.zu3eg)
        let configuration = try #require(try plain.solve(network, solver: .native).configuration)
        var parameters = SubgraphParameters.standard
        parameters.latency.stageOverheadUs = 2
        parameters.latency.layerOverheadUs = 0.5
        parameters.latency.launchOverheadUs = 100
        let base = try plain.evaluate(configuration, for: network)
        let charged = try SubgraphTarget(device: Fixtures.zu3eg, parameters: parameters).evaluate(configuration, for: network)
        // 200 MHz: 2 us = 400 cycles a stage, 0.5 us = 100 cycles a layer, 100 us = 20,000 cycles once.
        let expected = base.stages.count * 400 + network.layers.count * 100 + 20_000
        #expect(charged.latencyCycles - base.latencyCycles == expected)
        #expect(charged.stages[0].overheadCycles == 400 + 100 + 20_000 && charged.stages[1].overheadCycles > 0)
    }
}

extension CalibrationModelTests {
    /// The squeeze-excite gate adds its cycles per element of the depthwise output to every SE
    /// block whose paths bound it, and nothing to blocks without SE or to memory-bound stages.
    @Test func squeezeExciteGateIsChargedPerElementOfSEBlocks() throws {
        let network = try #require(try Fixtures.shippedNetworks().first { $0.name == "MobileNetV3-Large 1.0" })
        let plain = SubgraphTarget(device: Fixtures.zu3eg)
        let configuration = try #require(try plain.solve(network, solver: .native).configuration)
        var parameters = SubgraphParameters.standard
        parameters.latency.squeezeExciteCyclesPerElement = 2
        let base = try plain.evaluate(configuration, for: network)
        let gated = try SubgraphTarget(device: Fixtures.zu3eg, parameters: parameters).evaluate(configuration, for: network)
        var charged = 0
        for (s, stage) in base.stages.enumerated() {
            let delta = gated.stages[s].latencyCycles - stage.latencyCycles
            guard stage.name.hasPrefix("block "), let b = Int(stage.name.dropFirst(6)), network.blocks[b].seChannels > 0 else {
                #expect(delta == 0, "\(stage.name) has no SE")
                continue
            }
            let dw = try #require(network.layers.first { $0.blockIndex == b && $0.kind == .depthwise })
            let elements = dw.outputSize * dw.outputSize * dw.outChannels
            if stage.bound != .memory { #expect(delta == 2 * elements, "\(stage.name)") }
            charged += delta
        }
        #expect(charged > 0, "MobileNetV3-Large has SE blocks")
    }
}

@Suite struct WeightTilingTests {
    /// Two blocks whose project weights (256 x 64 x 8 bits = 131,072) exceed a tiled buffer: PI=1 x
    /// PO=1 reads 8 bits a cycle, one bank 2,048 deep = 16,384 bits, so 8 tiles. The project
    /// engine re-reads the depthwise output (256 x 8 x 8 bytes): written once, read 8 times.
    @Test func handComputedTiles() throws {
        let block = Block(inChannels: 64, outChannels: 64, expandedChannels: 256, kernel: 3, stride: 1, activation: .relu)
        let network = Network(
            name: "two blocks", resolution: 16, stem: Stem(outChannels: 64, kernel: 3, stride: 2, activation: .relu),
            blocks: [block, block], head: Head(convChannels: 64, classes: 10, activation: .relu))
        let model = SubgraphCostModel(network: network, device: Fixtures.zu3eg)
        let tiled = EngineConfiguration(kind: .project, unrollA: 1, unrollB: 1, weightBuffering: .tiled)
        let single = EngineConfiguration(kind: .project, unrollA: 1, unrollB: 1, weightBuffering: .single)
        let stage = model.stages[1]
        #expect(model.tileCapacityBits(tiled) == 16_384)
        let (tiles, extra) = model.tiling(stage, tiled)
        #expect(tiles == 8 && extra == 9 * 256 * 8 * 8)
        // The tiled path terms are the single-buffered ones plus the re-reads, at 20 bytes a cycle.
        let difference = zip(model.pathTerms(stage, tiled), model.pathTerms(stage, single)).map { $0 - $1 }
        #expect(difference == Array(repeating: ceilDiv(extra, 20), count: difference.count))
        // One BRAM18 for the tile buffer, against a whole block for single buffering.
        #expect(model.resources(single).bram18 - model.resources(tiled).bram18 == 8 - 1)
    }

    /// MobileNetV2 1.4 (582M MACs) maps on the ZU3EG at 8 bits because the largest blocks' weights
    /// are tiled; without tiling it does not fit.
    @Test func mobileNetV2WidthOnePointFourMapsOnTheZU3EGAtEightBits() throws {
        let network = try #require(try Fixtures.shippedNetworks().first { $0.name == "MobileNetV2 1.4" })
        let solution = try SubgraphTarget(device: Fixtures.zu3eg).solve(network.withBlockBits(8), solver: .native)
        let configuration = try #require(solution.configuration, "\(solution.diagnosis ?? "")")
        #expect([configuration.expand, configuration.project].contains { $0.weightBuffering == .tiled })
        var untiled = SubgraphParameters.standard
        untiled.weightBufferings = [.double, .single]
        let without = try SubgraphTarget(device: Fixtures.zu3eg, parameters: untiled).solve(network.withBlockBits(8), solver: .native)
        #expect(without.status == .infeasible)
    }
}
