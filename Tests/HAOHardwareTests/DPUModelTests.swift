import Foundation
import HAOCalibration
import HAONetwork
import HAOTestSupport
import Testing

@testable import HAOHardware

/// The Swift DPU latency model against the research prototype it ports (docs/dpu.md) and
/// against what the measured data say about the lowering (MAC counts, DDR traffic).
@Suite("DPU latency model")
struct DPUModelTests {
    /// Op-sum columns and the prediction of one reference row against the Swift lowering.
    private func check(
        _ row: [String: String], program: DPUProgram, parameters: DPULatencyParameters,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let core = try #require(DPUFixtures.core(row["hardware"]!), "unknown hardware \(row["hardware"]!)")
        let lowered = core.lower(program)
        let ops = Array(lowered.operations.joined())
        func sum(_ f: (DPUOperation) -> Int) -> Double { Double(ops.reduce(0) { $0 + f($1) }) }
        let id = row["id"]!
        #expect(program.macs == Int(row["macs"]!)!, "\(id): MACs", sourceLocation: sourceLocation)
        #expect(ops.count == Int(row["n_ops"]!)!, "\(id): operations", sourceLocation: sourceLocation)
        let columns: [(String, (DPUOperation) -> Int)] = [
            ("conv_cycles", \.convCycles), ("conv_tiles", \.convTiles), ("alu_cycles", \.aluCycles),
            ("w_bytes", \.weightBytes), ("fm_bytes", \.mapBytes), ("se_groups", \.seGroups),
            ("se_bytes", \.seBytes),
        ]
        for (name, field) in columns {
            #expect(sum(field) == Double(row[name]!)!, "\(id): \(name)", sourceLocation: sourceLocation)
        }
        let predicted = DPULatencyTerms(lowered, core: core).latencyMs(parameters)
        let reference = Double(row["predicted_ms"]!)!
        // Same formula, different summation order: equal to rounding (far inside the 0.1% asked for).
        #expect(abs(predicted / reference - 1) < 1e-9, "\(id): \(predicted) ms, prototype \(reference) ms", sourceLocation: sourceLocation)
    }

    private func reference(_ dataset: String) throws -> [[String: String]] {
        try DPUFixtures.readCSV(DPUFixtures.directory.appendingPathComponent("reference_predictions.csv")).filter {
            $0["dataset"] == dataset
        }
    }

    @Test func mobileNetsMatchThePrototypeOnEveryVendorBoard() throws {
        let rows = try reference("vendor_zoo_networks")
        #expect(rows.count == 12)
        let params = try DPUFixtures.prototypeParameters()
        for row in rows {
            var p = params[row["params"]!.hasPrefix("ultra96") ? "ultra96" : "zcu102"]!
            p.programOverheadMs = 0  // the rows are "with t_net_ms=0"
            let name = String(row["id"]!.split(separator: ":")[1])
            let program: DPUProgram
            switch name {
            case "mobilenet_v2_1.0_224": program = DPUProgram(try DPUFixtures.mobileNetV2(width: 1.0))
            case "mobilenet_v2_1.4_224": program = DPUProgram(try DPUFixtures.mobileNetV2(width: 1.4))
            default:
                let network = DPUFixtures.mobileNetV1()
                try network.validate()
                program = DPUProgram(network)
            }
            try check(row, program: program, parameters: p)
        }
    }

    @Test(.enabled(if: TestPaths.hasSharedData("anb_zcu102.csv"), "needs ../shared/data/anb_zcu102.csv (absent: skipped)"))
    func zcu102NetworksMatchThePrototype() throws {
        let data = try DPUFixtures.readCSV(TestPaths.sharedDataFile("anb_zcu102.csv"))
        let byID = Dictionary(data.map { ($0["id"]!, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = try reference("anb_zcu102")
        #expect(rows.count == 50)
        let p = try DPUFixtures.prototypeParameters()["zcu102"]!
        for row in rows {
            let network = try DPUFixtures.anbNetwork(try #require(byID[row["id"]!]))
            try check(row, program: DPUProgram(network), parameters: p)
        }
    }

    @Test(.enabled(if: TestPaths.hasSharedData("ultra96_ofa_blocks.csv"), "needs ../shared/data/ultra96_ofa_blocks.csv (absent: skipped)"))
    func ultra96BlocksMatchThePrototype() throws {
        let data = try DPUFixtures.readCSV(TestPaths.sharedDataFile("ultra96_ofa_blocks.csv"))
        let rows = try reference("ultra96_ofa_blocks")
        #expect(rows.count == 30)
        let p = try DPUFixtures.prototypeParameters()["ultra96"]!
        for row in rows {
            // "rowN" is the file's line number (the header is line 1).
            let line = Int(row["id"]!.dropFirst(3))!
            try check(row, program: DPUFixtures.ultra96Program(data[line - 2]), parameters: p)
        }
    }

    @Test(.enabled(if: TestPaths.hasSharedData("anb_zcu102.csv"), "needs ../shared/data/anb_zcu102.csv (absent: skipped)"))
    func everyMeasuredNetworkHasTheMACsTheDataStates() throws {
        let data = try DPUFixtures.readCSV(TestPaths.sharedDataFile("anb_zcu102.csv"))
        #expect(data.count > 3000)
        var mismatches: [String] = []
        for row in data {
            let network = try DPUFixtures.anbNetwork(row)
            let macs = Double(DPUProgram(network).macs) / 1e6
            if abs(macs - Double(row["macs_conv_fc_M"]!)!) > 1e-6 {
                mismatches.append("\(row["id"]!): \(macs) vs \(row["macs_conv_fc_M"]!)")
            }
            if network.macs != DPUProgram(network).macs { mismatches.append("\(row["id"]!): network and program MACs differ") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test(.enabled(if: TestPaths.hasSharedData("ultra96_ofa_blocks.csv"), "needs ../shared/data/ultra96_ofa_blocks.csv (absent: skipped)"))
    func ddrTrafficMatchesTheUltra96Profiler() throws {
        // The profiler's DDR traffic per block (mem_io_mb, MiB) is not an input of the model: the
        // residency rules must reproduce it.
        let rows = try DPUFixtures.readCSV(TestPaths.sharedDataFile("ultra96_ofa_blocks.csv"))
        let core = DPUFixtures.core("Ultra96 B2304@200")!
        var ratios: [Double] = []
        for row in rows {
            let bytes = core.lower(DPUFixtures.ultra96Program(row)).operations.joined().reduce(0) { $0 + $1.ddrBytes }
            ratios.append(Double(bytes) / (Double(row["mem_io_mb"]!)! * 1_048_576))
        }
        let sorted = ratios.sorted()
        #expect(ratios.allSatisfy { abs($0 - 1) < 0.15 }, "worst ratios \(sorted.first!) / \(sorted.last!)")
        #expect(abs(sorted[sorted.count / 2] - 1) < 0.01, "median ratio \(sorted[sorted.count / 2])")
        #expect(
            ratios.filter { abs($0 - 1) < 0.05 }.count >= 105, "\(ratios.filter { abs($0 - 1) < 0.05 }.count) of \(ratios.count) within 5%")
    }

    @Test(.enabled(if: TestPaths.hasSharedData("anb_zcu102.csv"), "needs ../shared/data/anb_zcu102.csv (absent: skipped)"))
    func multiCoreThroughputMatchesTheMeasuredZCU102Throughput() throws {
        // The measured 3-core (5-thread) throughput is not an input of the model: the latency
        // parameters come from single-thread latencies, the shared-DDR bandwidth from the device
        // catalogue (50% of peak, not fitted). docs/dpu.md reports these figures.
        let data = try DPUFixtures.readCSV(TestPaths.sharedDataFile("anb_zcu102.csv")).filter {
            !($0["throughput_zcu102_fps"] ?? "").isEmpty
        }
        #expect(data.count > 3000)
        let device = try DeviceCatalogue.load(models: TestPaths.models).device(named: "zcu102")
        var target = try DPUTarget(settings: TargetSettings(device: device))
        target.parameters = try DPUFixtures.prototypeParameters()["zcu102"]!
        let core = DPUCore(architecture: .b4096, ramUsage: .low, clockMHz: 281)
        var predicted: [Double] = []
        var measured: [Double] = []
        for row in data {
            let terms = target.terms(of: DPUProgram(try DPUFixtures.anbNetwork(row)), on: core)
            predicted.append(target.throughputFPS(terms: terms, cores: 3))
            measured.append(Double(row["throughput_zcu102_fps"]!)!)
        }
        let errors = zip(predicted, measured).map { abs($0 / $1 - 1) }
        let mape = errors.reduce(0, +) / Double(errors.count)
        #expect(mape < 0.10, "throughput MAPE \(mape)")
        #expect(errors.max()! < 0.30, "throughput max error \(errors.max()!)")
        #expect(LatencyStatistics.spearman(predicted, measured) > 0.98)
    }

    @Test func aggregatedTermsEqualTheOperationByOperationSum() throws {
        let p = DPULatencyParameters(values: [0.7, 0.5, 0.9, 0.8, 3, 400, 5, 0.3])
        for network in try TestPaths.shippedNetworks() {
            for architecture in DPUArchitecture.allCases {
                for ram in DPURAMUsage.allCases {
                    let core = DPUCore(architecture: architecture, ramUsage: ram, clockMHz: 250)
                    for separate in [false, true] {
                        let lowered = core.lower(DPUProgram(network), separatePrograms: separate)
                        let fast = DPULatencyTerms(lowered, core: core).latencyMs(p)
                        let slow = p.latencyOpByOp(lowered, on: core)
                        #expect(
                            abs(fast / slow - 1) < 1e-12, "\(network.name) \(architecture) \(ram) separate=\(separate): \(fast) vs \(slow)")
                    }
                }
            }
        }
    }

    @Test func moreParallelismIsNeverSlowerForOneNetworkAtIdealEfficiency() throws {
        // Sanity of the lowering: at the same clock and RAM, B4096 (8x16x16) never takes more
        // compute cycles than B1024 (8x8x8), whose every parallelism is a divisor of it.
        for network in try TestPaths.shippedNetworks() {
            let small = DPUCore(architecture: .b1024, ramUsage: .low, clockMHz: 200).lower(DPUProgram(network))
            let large = DPUCore(architecture: .b4096, ramUsage: .low, clockMHz: 200).lower(DPUProgram(network))
            let a = small.operations.joined().reduce(0) { $0 + $1.convCycles + $1.aluCycles }
            let b = large.operations.joined().reduce(0) { $0 + $1.convCycles + $1.aluCycles }
            #expect(b < a, "\(network.name): B4096 \(b) cycles, B1024 \(a)")
        }
    }
}
