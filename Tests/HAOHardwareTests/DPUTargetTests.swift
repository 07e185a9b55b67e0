import Foundation
import HAONetwork
import HAOSolver
import HAOSupport
import HAOTestSupport
import Testing

@testable import HAOHardware

/// The DPU target's configuration problem: exactness across solvers, budgets, refusals, export.
@Suite("DPU target")
struct DPUTargetTests {
    private static let objectives: [DesignObjective] = [
        .minimiseLatency, .maximiseThroughput,
        .minimiseResources(weights: .dsp, targetFPS: 150),
    ]

    private func ultraScaleDevices() throws -> [Device] {
        try Fixtures.shippedDevices().filter { $0.family == .zynqUltraScalePlus }
    }

    /// A target with the prototype's ZCU102 parameters (a realistic calibrated model).
    private func calibrated(_ device: Device) throws -> DPUTarget {
        var target = try DPUTarget(settings: TargetSettings(device: device))
        target.parameters = try DPUFixtures.prototypeParameters()["zcu102"]!
        return target
    }

    @Test func glpkNativeAndEnumerationAgreeOnEveryDeviceAndObjective() throws {
        let networks = try Fixtures.shippedNetworks()
        #expect(networks.count >= 4)
        for device in try ultraScaleDevices() {
            for target in [try DPUTarget(settings: TargetSettings(device: device)), try calibrated(device)] {
                for network in networks {
                    for objective in Self.objectives {
                        let check = try target.checkAgreement(network, objective: objective, maxEnumeration: 10_000)
                        #expect(check.agree && check.enumerated, "\(device.part) \(network.name) \(objective): \(check.rows)")
                        // Not only the optimum: the same design from every solver (the tie-break).
                        let designs = try [SolverChoice.glpk, .native, .enumeration].map {
                            try target.solve(network, objective: objective, solver: $0).configuration
                        }
                        #expect(
                            Set(designs.map { $0.map(String.init(describing:)) ?? "none" }).count == 1,
                            "\(device.part) \(network.name) \(objective): \(designs)")
                    }
                }
            }
        }
    }

    @Test func theChosenDesignFitsTheBudgetAndNoFittingDesignIsBetter() throws {
        for device in try ultraScaleDevices() {
            let target = try calibrated(device)
            for network in try Fixtures.shippedNetworks() {
                for objective in Self.objectives.prefix(2) {
                    let solution = try target.solve(network, objective: objective, solver: .glpk)
                    let report = try #require(solution.report, "\(device.part) \(network.name)")
                    #expect(report.totalResources.fits(in: target.budget))
                    let best = try #require(solution.objective)
                    // Every design, evaluated by the cost model itself (not the problem's tables).
                    for design in target.candidateDesigns() where design.resources.fits(in: target.budget) {
                        let value = try target.objectiveValue(of: target.evaluate(design, for: network), for: objective)
                        #expect(value >= best, "\(device.part) \(network.name): \(design) gives \(value) < \(best)")
                    }
                }
            }
        }
    }

    @Test func resourcesAreThePG338FiguresTimesTheCores() {
        let b4096 = DPUConfiguration(architecture: .b4096, cores: 3, dspUsage: .high, ramUsage: .low, clockMHz: 281)
        // (642 + 48) DSP, 255 BRAM36, 40,865 + 4,930 + 1,701 LUT, 92,630 FF per core.
        #expect(b4096.resources == Resources(dsp: 3 * 690, bram18: 3 * 510, lut: 3 * 47_496, ff: 3 * 92_630))
        let b2304 = DPUConfiguration(architecture: .b2304, cores: 1, dspUsage: .low, ramUsage: .high, clockMHz: 200)
        #expect(b2304.resources == Resources(dsp: 326, bram18: 418, lut: 37_055 + 3_943 + 1_710, ff: 72_850))
        for architecture in DPUArchitecture.allCases {
            #expect(architecture.peakOpsPerClock == Int(architecture.rawValue.dropFirst())!)
        }
    }

    @Test func theShippedResourceFileIsTheCompiledTable() throws {
        let url = TestPaths.packageRoot.appendingPathComponent("Models/targets/dpu/pg338_resources.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let rows = try #require(json["architectures"] as? [[String: Any]])
        #expect(rows.count == DPUArchitecture.allCases.count)
        for row in rows {
            let architecture = try #require(DPUArchitecture(rawValue: row["architecture"] as! String))
            let r = architecture.coreResources
            let high = row["high_dsp_usage"] as! [String: Int]
            let low = row["low_dsp_usage"] as! [String: Int]
            let dw = row["depthwise_extra"] as! [String: Any]
            let shipped: [Int?] = [high["lut"], high["ff"], high["dsp"], low["lut"], low["ff"], low["dsp"]]
            let compiled: [Int?] = [r.lutHighDSP, r.ffHighDSP, r.dspHighDSP, r.lutLowDSP, r.ffLowDSP, r.dspLowDSP]
            #expect(shipped == compiled, "\(architecture)")
            #expect(row["bram36_low_ram_usage"] as? Int == r.bram36LowRAM && row["bram36_high_ram_usage"] as? Int == r.bram36HighRAM)
            #expect(dw["lut"] as? Int == r.depthwiseLUT && dw["dsp"] as? Int == r.depthwiseDSP)
            #expect(row["channel_augmentation_extra_lut"] as? Int == r.channelAugmentationLUT)
            #expect(row["pixel_parallelism"] as? Int == architecture.pixelParallelism)
            #expect(row["input_channel_parallelism"] as? Int == architecture.inputChannelParallelism)
            #expect(row["peak_ops_per_clock"] as? Int == architecture.peakOpsPerClock)
        }
    }

    @Test(
        .enabled(if: TestPaths.hasSharedData("dpu_pg338_resources.csv"), "needs ../shared/data/dpu_pg338_resources.csv (absent: skipped)"))
    func theCompiledTableIsThePG338Transcription() throws {
        for row in try DPUFixtures.readCSV(TestPaths.sharedDataFile("dpu_pg338_resources.csv")) {
            let r = try #require(DPUArchitecture(rawValue: row["arch"]!)).coreResources
            func int(_ key: String) -> Int { Int(Double(row[key]!)!) }
            let transcribed: [Int] = [
                int("hiDSP_lut"), int("hiDSP_ff"), int("hiDSP_dsp"), int("loDSP_lut"), int("loDSP_ff"), int("loDSP_dsp"),
            ]
            let compiled: [Int] = [r.lutHighDSP, r.ffHighDSP, r.dspHighDSP, r.lutLowDSP, r.ffLowDSP, r.dspLowDSP]
            #expect(transcribed == compiled, "\(row["arch"]!)")
            #expect(int("bram36_lowRAM_pg338v4.0") == r.bram36LowRAM && int("bram36_highRAM_pg338v4.0") == r.bram36HighRAM)
            #expect(int("depthwise_extra_lut") == r.depthwiseLUT && int("depthwise_extra_dsp") == r.depthwiseDSP)
            #expect(int("chaug_extra_lut") == r.channelAugmentationLUT)
        }
    }

    @Test func fourBitAndSwishNetworksAreRefusedWithTheReason() throws {
        let target = try DPUTarget(settings: TargetSettings(device: Fixtures.zu3eg))
        let network = try #require(try Fixtures.shippedNetworks().first { $0.name.hasPrefix("MobileNetV2") })
        do {
            _ = try target.solve(network.withBlockBits(4))
            Issue.record("a 4-bit network was accepted")
        } catch {
            #expect(error == .unsupported(error.description.replacingOccurrences(of: "unsupported: ", with: "")))
            #expect(error.description.contains("int8") && error.description.contains("no 4-bit mode"), "\(error)")
        }
        var swish = network
        swish.blocks[3].activation = .swish
        #expect(throws: HardwareError.self) { try target.solve(swish) }
        #expect(DPUTarget.supportedBitWidths == [8] && !DPUTarget.supports(bits: 4) && SubgraphTarget.supports(bits: 4))
        var z7020 = Fixtures.zu3eg
        z7020.family = .zynq7000
        #expect(throws: HardwareError.self) { try DPUTarget(settings: TargetSettings(device: z7020)) }
    }

    @Test func mobileNetV2OneAndOnePointFourMapOnTheZU3EG() throws {
        let device = try DeviceCatalogue.load(models: TestPaths.models).device(named: "zu3eg")
        let target = try calibrated(device)
        var fps: [Double] = []
        for width in [1.0, 1.4] {
            let solution = try target.solve(try DPUFixtures.mobileNetV2(width: width), solver: .glpk)
            let report = try #require(solution.report, "MobileNetV2 \(width): \(solution.diagnosis ?? "")")
            // The ZU3EG's 360 DSPs admit B2304 at low DSP usage (326) and nothing larger.
            #expect(report.configuration.architecture == .b2304 && report.configuration.dspUsage == .low, "\(report.configuration)")
            fps.append(report.fps)
        }
        #expect(fps[0] > fps[1], "MobileNetV2 1.4 (582M MACs) cannot be faster than 1.0 (301M): \(fps)")
    }

    @Test func throughputUsesTheCoresAndLatencyDoesNot() throws {
        let device = try DeviceCatalogue.load(models: TestPaths.models).device(named: "zcu102")
        let target = try calibrated(device)
        let network = try #require(try Fixtures.shippedNetworks().first { $0.name.hasPrefix("MobileNetV2") })
        let latency = try #require(try target.solve(network, objective: .minimiseLatency).report)
        let throughput = try #require(try target.solve(network, objective: .maximiseThroughput).report)
        #expect(latency.configuration.cores == 1)
        #expect(throughput.configuration.cores > 1)
        #expect(throughput.throughputFPS > latency.throughputFPS)
        #expect(throughput.latencyMs >= latency.latencyMs)
        // Throughput of one core is the DPU time alone (the launch overlaps with other threads).
        #expect(abs(latency.throughputFPS - 1000 / latency.dpuTimeMs) < 1e-9)
    }

    @Test func exportedProgramsSolveToTheSameOptimumInGLPK() throws {
        let device = try DeviceCatalogue.load(models: TestPaths.models).device(named: "zcu104")
        let target = try calibrated(device)
        let network = try #require(try Fixtures.shippedNetworks().first)
        let directory = try TestPaths.temporaryDirectory("hao-dpu-export")
        defer { try? FileManager.default.removeItem(at: directory) }
        for objective in Self.objectives {
            let optimum = try #require(try target.solve(network, objective: objective, solver: .native).objective)
            for format in [ModelFileFormat.freeMPS, .cplexLP] {
                let path = directory.appendingPathComponent("dpu.\(format == .cplexLP ? "lp" : "mps")").path
                try target.exportProgram(network, objective: objective, to: path, format: format)
                let solution = try GLPKSolver().solve(LinearModel.read(from: path, format: format))
                #expect(solution.objective == optimum, "\(objective) \(format)")
            }
        }
    }

    @Test func calibrationTermsUseTheMeasuredDesignAndScope() throws {
        let catalogue = try DeviceCatalogue.load(models: TestPaths.models)
        let network = try #require(try Fixtures.shippedNetworks().first)
        let ultra96 = try DPUTarget(settings: TargetSettings(device: catalogue.device(named: "zu3eg")))
        #expect(
            try ultra96.assumedMeasuredDesign(for: network)
                == DPUConfiguration(architecture: .b2304, cores: 1, dspUsage: .high, ramUsage: .low, clockMHz: 200))
        let zcu102 = try DPUTarget(settings: TargetSettings(device: catalogue.device(named: "zcu102")))
        #expect(try zcu102.assumedMeasuredDesign(for: network).description == "1 x B4096 @ 281 MHz (DSP high, RAM low)")
        let whole = try zcu102.latencyTerms(of: network, scope: .network, configuration: nil)
        let blocks = try zcu102.latencyTerms(of: network, scope: .singleBlock, configuration: nil)
        #expect(whole.programs == 1 && whole.clockMHz == 281)
        #expect(blocks.programs == DPUProgram(network).layers.count)
        // Every group through DDR costs more traffic than the one program that keeps maps on chip.
        #expect(blocks.ddrBytes > whole.ddrBytes)
        let values = DPUTarget.calibrationParameters.map(\.defaultValue)
        #expect(zcu102.predictedLatencyMs(whole, parameters: values) == whole.latencyMs(.uncalibrated))
        for p in DPUTarget.calibrationParameters {
            #expect(p.lowerBound > 0 && p.lowerBound <= p.defaultValue && p.defaultValue <= p.upperBound, "\(p.name)")
        }
        let efficiencies = DPUTarget.calibrationParameters.filter { $0.unit == "fraction" }
        #expect(efficiencies.count == 4 && efficiencies.allSatisfy { $0.upperBound == 1 })
    }

    @Test func theMeasuredDesignFilesDecodeToThePublishedDesigns() throws {
        let directory = TestPaths.packageRoot.appendingPathComponent("Models/targets/dpu/designs")
        let ultra96 = try JSONDecoder().decode(
            DPUConfiguration.self, from: Data(contentsOf: directory.appendingPathComponent("ultra96_b2304_200mhz.json")))
        let zcu102 = try JSONDecoder().decode(
            DPUConfiguration.self, from: Data(contentsOf: directory.appendingPathComponent("zcu102_b4096_281mhz.json")))
        #expect(ultra96.core == DPUCore(architecture: .b2304, ramUsage: .low, clockMHz: 200))
        #expect(zcu102.core == DPUCore(architecture: .b4096, ramUsage: .low, clockMHz: 281))
        #expect(
            ultra96.resources.fits(
                in: UtilisationCap.standard.budget(of: try DeviceCatalogue.load(models: TestPaths.models).device(named: "zu3eg"))))
    }

    @Test func aProfileOfAnotherTargetOrOutOfRangeIsRefused() throws {
        let profile = CalibrationProfile(
            name: "p", target: DPUTarget.id, device: "XCZU9EG", parameters: ["ddr_efficiency": 1.9],
            measurementFiles: [], measurementFingerprint: "", crossValidation: nil, macsBaseline: nil)
        #expect(throws: HardwareError.self) { try DPUTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: profile)) }
        var other = profile
        other.target = SubgraphTarget.id
        other.parameters = [:]
        #expect(throws: HardwareError.self) { try DPUTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: other)) }
        var good = profile
        good.parameters = ["ddr_efficiency": 0.9, "program_overhead_ms": 0.3]
        let target = try DPUTarget(settings: TargetSettings(device: Fixtures.zu3eg, calibration: good))
        #expect(target.parameters.bandwidthEfficiency == 0.9 && target.parameters.programOverheadMs == 0.3)
        #expect(target.parameters.convEfficiency == 1)  // not in the profile: its default
        #expect(target.calibrationNote.hasPrefix("calibration p"))
    }

    @Test func anUnreachableTargetAndAnImpossibleBudgetAreDiagnosed() throws {
        let target = try calibrated(Fixtures.zu3eg)
        let network = try #require(try Fixtures.shippedNetworks().first)
        let slow = try target.solve(network, targetFPS: 100_000)
        #expect(slow.status == .infeasible)
        #expect(
            slow.diagnosis?.contains("out of reach") == true && slow.diagnosis?.contains("fastest design") == true,
            "\(slow.diagnosis ?? "")")
        var tiny = Fixtures.zu3eg
        tiny.resources.dsp = 50
        let none = try DPUTarget(settings: TargetSettings(device: tiny)).solve(network, solver: .glpk)
        #expect(none.status == .infeasible)
        #expect(none.diagnosis?.contains("the smallest DPU core needs 78 DSP, the budget has 50") == true, "\(none.diagnosis ?? "")")
    }
}
