import Foundation
import HAOHardware
import HAONetwork
import HAOTestSupport
import Testing

@testable import HAOCalibration

@Suite struct CSVTableTests {
    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let text = "id,arch_def,note\r\n1,\"[[\"\"a\"\"],[\"\"b,c\"\"]]\",x\n\n2,\"two\nlines\",y\n3,plain,\n"
        let table = try CSVTable(text: text, file: "t.csv")
        #expect(table.header == ["id", "arch_def", "note"])
        #expect(table.records.map(\.line) == [2, 4, 6])
        #expect(table.records[0].fields == ["1", "[[\"a\"],[\"b,c\"]]", "x"])
        #expect(table.records[1].fields == ["2", "two\nlines", "y"])
        #expect(table.records[2].fields == ["3", "plain", ""])
    }

    @Test func malformedQuotingNamesTheLine() {
        #expect(throws: CalibrationError.badFile(file: "t.csv", line: 3, reason: "a quoted field is never closed")) {
            try CSVTable(text: "a,b\n1,2\n3,\"open\n4,5\n", file: "t.csv")
        }
        #expect(throws: CalibrationError.self) { try CSVTable(text: "a,b\n1,x\"y\n", file: "t.csv") }
        #expect(throws: CalibrationError.self) { try CSVTable(text: "a,b\n1,\"x\"y\n", file: "t.csv") }
        #expect(throws: CalibrationError.badFile(file: "t.csv", line: nil, reason: "empty (no header line)")) {
            try CSVTable(text: "\n\n", file: "t.csv")
        }
    }
}

@Suite struct MeasurementReaderTests {
    func write(_ text: String, _ name: String) throws -> URL {
        let url = try TestPaths.temporaryDirectory("hao-calibration").appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func blockRowsBecomeProbesOfTheMeasuredPart() throws {
        let url = try write(
            """
            op,cin,hw,cout,k,e,stride,act,se,avg_ms,block
            MBConv,32,56,48,5,6,2,relu,1,0.791,b1
            MBConv,192,7,192,3,4,1,h_swish,1,0.787,b2
            Conv,3,224,24,3,,,relu,0,0.352,stem
            Conv,192,7,1152,1,,,h_swish,0,0.525,head
            Conv,1152,1,1536,1,,,h_swish,0,1.112,hidden
            Linear,1536,1,1000,1,,,,0,0.822,fc
            MBConv,32,56,32,3,6,1,relu,0,,unmeasured
            """, "blocks.csv")
        let set = try MeasurementReader().read(url)
        #expect(set.measurements.count == 6)
        #expect(set.unmeasured.map(\.line) == [8])
        let b1 = set.measurements[0]
        guard case .block(let i) = b1.part else {
            Issue.record("not a block: \(b1.part)")
            return
        }
        let block = b1.network.blocks[i]
        // once-for-all SE width: make_divisible(192 / 4, 8) = 48; input 56x56.
        #expect(
            block == Block(inChannels: 32, outChannels: 48, expandedChannels: 192, kernel: 5, stride: 2, seChannels: 48, activation: .relu))
        #expect(b1.part.layers(of: b1.network).first?.inputSize == 56)
        #expect(b1.scope == .singleBlock && b1.latencyMs == 0.791 && b1.label == "b1")
        // A 7x7 block needs a stride-2 stem and one stride-2 scaffold block from a resolution of 28.
        let b2 = set.measurements[1]
        #expect(b2.part == .block(1) && b2.network.resolution == 28 && b2.part.layers(of: b2.network)[0].inputSize == 7)
        #expect(set.measurements[2].part == .stem && set.measurements[2].macs == 112 * 112 * 24 * 27)
        #expect(set.measurements[3].part == .headConv && set.measurements[3].macs == 49 * 192 * 1152)
        #expect(set.measurements[4].part == .headHidden && set.measurements[4].macs == 1152 * 1536)
        #expect(set.measurements[5].part == .classifier && set.measurements[5].macs == 1536 * 1000)
    }

    @Test func badRowsNameFileLineAndField() throws {
        let header = "op,cin,hw,cout,k,e,stride,act,se,avg_ms\n"
        let badLatency = try write(header + "MBConv,32,56,48,5,6,2,relu,1,0.5\nMBConv,32,56,48,5,6,2,relu,1,fast\n", "a.csv")
        #expect(
            throws: CalibrationError.badField(
                file: badLatency.path, line: 3, field: "avg_ms", reason: "'fast' is not a positive latency in milliseconds")
        ) {
            try MeasurementReader().read(badLatency)
        }
        let badKernel = try write(header + "MBConv,32,56,48,4,6,2,relu,1,0.5\n", "b.csv")
        #expect(throws: CalibrationError.self) { try MeasurementReader().read(badKernel) }
        let badOp = try write(header + "Pool,32,56,48,3,6,2,relu,1,0.5\n", "c.csv")
        #expect(throws: CalibrationError.badField(file: badOp.path, line: 2, field: "op", reason: "'Pool' is not MBConv, Conv or Linear")) {
            try MeasurementReader().read(badOp)
        }
        let neither = try write("x,y\n1,2\n", "d.csv")
        #expect(throws: CalibrationError.self) { try MeasurementReader().read(neither) }
        let twoLatencies = try write("arch_def,latency_a_ms,latency_b_ms\n\"[[\"\"ds_r1_k3_s1_c16\"\"]]\",1,2\n", "e.csv")
        #expect(
            throws: CalibrationError.badFile(
                file: twoLatencies.path, line: 1,
                reason: "several latency columns (latency_a_ms, latency_b_ms); choose one with --latency-column")
        ) {
            try MeasurementReader().read(twoLatencies)
        }
        #expect(try MeasurementReader(latencyColumn: "latency_b_ms").read(twoLatencies).measurements[0].latencyMs == 2)
    }

    @Test func archDefRowsAreCheckedAgainstTheirStatedMACs() throws {
        let good = try write(
            """
            id,arch_def,resolution,macs_conv_fc_M,latency_ms
            net,"[[""ds_r1_k3_s1_c16""],[""ir_r2_k3_s2_e6_c24_se0.25""]]",224,\(Double(try expectedMACs()) / 1e6),1.5
            """, "good.csv")
        let set = try MeasurementReader().read(good)
        #expect(set.measurements.count == 1 && set.measurements[0].part == .wholeNetwork && set.measurements[0].network.name == "net")
        let wrong = try write(
            """
            id,arch_def,resolution,macs_conv_fc_M,latency_ms
            net,"[[""ds_r1_k3_s1_c16""]]",224,123.0,1.5
            """, "wrong.csv")
        #expect(throws: CalibrationError.self) { try MeasurementReader().read(wrong) }
        let malformed = try write("id,arch_def,latency_ms\nnet,\"[[\"\"ir_r1_k3_s1_c16\"\"]]\",1.5\n", "malformed.csv")
        #expect(
            throws: CalibrationError.badField(
                file: malformed.path, line: 2, field: "arch_def",
                reason: "arch_def block 'ir_r1_k3_s1_c16' is malformed: an ir block needs e<ratio>")
        ) {
            try MeasurementReader().read(malformed)
        }
    }

    func expectedMACs() throws -> Int {
        try Network(
            name: "n", resolution: 224, stem: Stem(outChannels: 32, activation: .relu),
            archDef: ArchDefinition(stages: [["ds_r1_k3_s1_c16"], ["ir_r2_k3_s2_e6_c24_se0.25"]], defaultActivation: .relu),
            head: Head(convChannels: 1280, activation: .relu)
        ).macs
    }

    @Test func networkFilesCarryTheirMeasurement() throws {
        let base = try String(contentsOf: TestPaths.models.networks.appendingPathComponent("mnasnet_a1.json"), encoding: .utf8)
        let measured = try write(String(base.dropLast(2)) + ",\n  \"measured_latency_ms\": 3.25\n}\n", "m.json")
        let set = try MeasurementReader().read(measured)
        #expect(set.measurements.count == 1 && set.measurements[0].latencyMs == 3.25 && set.measurements[0].scope == .network)
        let plain = try write(base, "plain.json")
        #expect(throws: CalibrationError.self) { try MeasurementReader().read(plain) }
    }

    /// The whole shared ZCU102 set parses, and every network reproduces its stated MACs (the reader
    /// checks `macs_conv_fc_M` row by row).
    @Test func everyZCU102NetworkReproducesItsStatedMACs() throws {
        guard TestPaths.hasSharedData("anb_zcu102.csv") else {
            print("skipping: \(TestPaths.sharedDataFile("anb_zcu102.csv").path) is absent")
            return
        }
        let set = try MeasurementReader(latencyColumn: "latency_zcu102_ms").read(TestPaths.sharedDataFile("anb_zcu102.csv"))
        #expect(set.measurements.count + set.unmeasured.count == 3_633)
        #expect(set.measurements.count >= 3_600)
        // Architectures measured twice (the file's same_arch_as column) share a group, so
        // cross-validation keeps them in one fold.
        let table = try CSVTable(contentsOf: TestPaths.sharedDataFile("anb_zcu102.csv"))
        let id = try table.requiredColumn("id")
        let same = try table.requiredColumn("same_arch_as")
        let group = Dictionary(set.measurements.map { ($0.label, $0.group) }, uniquingKeysWith: { a, _ in a })
        var pairs = 0
        for record in table.records where !record.fields[same].isEmpty {
            guard let a = group[record.fields[id]], let b = group[record.fields[same]] else { continue }
            #expect(a == b, "\(record.fields[id]) and \(record.fields[same])")
            pairs += 1
        }
        #expect(pairs >= 10 && set.measurements.count - Set(set.measurements.map(\.group)).count == pairs / 2)
    }
}

@Suite struct StatisticsTests {
    @Test func rankCorrelationsWithTies() {
        let x: [Double] = [1, 2, 3, 4, 5, 6]
        let y: [Double] = [2, 1, 4, 3, 6, 6]
        // scipy.stats.spearmanr and kendalltau (tau-b) give these.
        #expect(abs(LatencyStatistics.spearman(x, y) - 0.8696565534786727) < 1e-12)
        #expect(abs(LatencyStatistics.kendall(x, y) - 0.6900655593423543) < 1e-12)
        let f = LatencyStatistics.figures(predicted: [1.1, 1.8, 3], measured: [1, 2, 3], folds: 2)
        #expect(abs(f.meanAbsolutePercentageError - 20.0 / 3) < 1e-9 && abs(f.medianAbsolutePercentageError - 10) < 1e-9)
        #expect(abs(f.maxAbsolutePercentageError - 10) < 1e-9 && f.count == 3 && f.folds == 2)
    }

    @Test func foldsAreSHA1OfTheGroupModK() {
        // Python: int(hashlib.sha1(s.encode()).hexdigest(), 16) % k.
        #expect(CrossValidationFolds.fold(of: "abc", folds: 10) == 7)
        #expect(CrossValidationFolds.fold(of: "abc", folds: 7) == 4)
        #expect(CrossValidationFolds.fold(of: "MBConv|32|56|32|3|6|1|relu|0", folds: 10) == 1)
        #expect(CrossValidationFolds.fold(of: "MBConv|32|56|32|3|6|1|relu|0", folds: 7) == 6)
    }
}

@Suite struct RobustFitTests {
    /// y = a + b x with a few gross outliers: the soft-L1 fit recovers a and b, and a bound holds.
    @Test func recoversParametersDespiteOutliersAndRespectsBounds() {
        let xs = (1...60).map { Double($0) / 10 }
        var ys = xs.map { 0.3 + 2.0 * $0 }
        for i in [5, 17, 40] { ys[i] *= 3 }
        let fit = RobustLeastSquares()
        func residuals(_ t: [Double]) -> [Double] { zip(xs, ys).map { log(exp(t[0]) + exp(t[1]) * $0.0) - log($0.1) } }
        let free = fit.minimise(start: [log(1), log(1)], lower: [log(1e-3), log(1e-3)], upper: [log(10), log(10)], residuals: residuals)
        #expect(abs(exp(free.theta[0]) - 0.3) < 0.01 && abs(exp(free.theta[1]) - 2.0) < 0.01)
        let capped = fit.minimise(
            start: [log(1), log(1)], lower: [log(1e-3), log(1e-3)], upper: [log(10), log(1.5)], residuals: residuals)
        #expect(exp(capped.theta[1]) <= 1.5 + 1e-12)
    }
}

@Suite struct BoundWarningTests {
    /// A bandwidth at the interface's peak or an efficiency at its floor is reported; an
    /// efficiency at 1 or an overhead at 0 (the ideal pipeline) and unfitted values are not.
    @Test func onlyBoundsThatAreNotDefaultsAreReported() {
        let parameters = SubgraphTarget.calibrationParameters
        var values = parameters.map(\.defaultValue)
        func set(_ name: String, _ value: Double) { values[parameters.firstIndex { $0.name == name }!] = value }
        set("ddr_efficiency", 2)
        set("efficiency_se", 0.01)
        set("efficiency_depthwise_k5", 0.0100001)
        set("efficiency_fc", 0.01)
        set("launch_overhead_us", 0)
        set("se_gate_cycles_per_element", 0.3)
        let free = [
            "ddr_efficiency", "efficiency_se", "efficiency_depthwise_k5", "launch_overhead_us", "efficiency_pointwise",
            "se_gate_cycles_per_element",
        ]
        let found = CalibrationOutcome.atBounds(parameters, free: free, values: values)
        #expect(found.map(\.name) == ["ddr_efficiency", "efficiency_depthwise_k5", "efficiency_se"])
        #expect(found.map(\.bound) == ["upper", "lower", "lower"])
    }
}
