import Foundation
import Testing

/// `--target dpu` through the commands.
@Suite("hao with --target dpu")
struct DPUCommandTests {
    private func json(_ result: HAOBinary.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "stdout: \(result.stdout)")
    }

    @Test func solveJSONReportsTheDesignItsResourcesAndALatencyPerLayerGroup() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-dpu-\(UUID().uuidString).mps").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try HAOBinary.run([
            "solve", "mobilenet_v2_1.0", "--target", "dpu", "--device", "zcu102", "--objective", "throughput",
            "--export-mps", path, "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try json(result)
        #expect(object["target"] as? String == "dpu")
        #expect(object["status"] as? String == "optimal")
        #expect(object["objective"] as? String == "throughput_interval_ns")
        let design = try #require(object["configuration"] as? [String: Any])
        #expect(design["architecture"] as? String == "B4096")
        let cores = try #require(design["cores"] as? Int)
        #expect((2...4).contains(cores))
        let resources = try #require(object["resources"] as? [String: [String: Int]])
        for key in ["dsp", "bram18", "lut", "ff"] { #expect(resources["used"]![key]! <= resources["budget"]![key]!, "\(key)") }
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.count == 17 + 4)  // stem, 17 blocks, head conv, pool, classifier
        let latency = try #require(object["latency_ms"] as? Double)
        let throughput = try #require(object["throughput_fps"] as? Double)
        #expect(throughput > 1000 / latency, "\(cores) cores must beat one frame at a time")
        #expect((object["latency_model"] as? String)?.hasPrefix("uncalibrated") == true)
        // The exported program solves to the interval the solve reports.
        let lp = try HAOBinary.run(["lp", path, "--json"])
        #expect(lp.status == 0, "\(lp.stderr)")
        let program = try json(lp)
        #expect(program["objective_name"] as? String == "throughput_interval_ns")
        #expect(program["objective"] as? Double == (1e9 / throughput).rounded(), "\(lp.stdout)")
    }

    @Test func verifyAgreesAndFourBitsAreRefused() throws {
        let verify = try HAOBinary.run(["verify", "mnasnet_a1", "--target", "dpu", "--device", "kv260", "--json"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let object = try json(verify)
        #expect(object["agree"] as? Bool == true && object["enumerated"] as? Bool == true)
        #expect(object["objective_name"] as? String == "latency_ns")
        let fourBit = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--target", "dpu", "--bits", "4"])
        #expect(fourBit.status != 0)
        #expect(fourBit.stderr.contains("int8") && fourBit.stderr.contains("no 4-bit mode"), "\(fourBit.stderr)")
        #expect(fourBit.stderr.split(separator: "\n").count == 1, "one line: \(fourBit.stderr)")
        let quantize = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target", "dpu", "--target-fps", "100"])
        #expect(quantize.status != 0)
        #expect(quantize.stderr.contains("8-bit weights and activations only"), "\(quantize.stderr)")
        let zynq7000 = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--target", "dpu", "--device", "pynq-z2"])
        #expect(zynq7000.status != 0)
        #expect(zynq7000.stderr.contains("Zynq UltraScale+"), "\(zynq7000.stderr)")
    }

    @Test func baselinesSkipFourBitsOnce() throws {
        let result = try HAOBinary.run(["baselines", "--target", "dpu", "--device", "zu3eg"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "not run").count == 2, "\(result.stdout)")
        #expect(!result.stdout.contains("infeasible"), "\(result.stdout)")
    }

    @Test func exportConfigWritesTheDesignAsDPUConfDefines() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hao-dpu-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (network, squeezeExcite) in [("mobilenet_v2_1.0", false), ("mnasnet_a1", true)] {
            let path = folder.appendingPathComponent("\(network).vh").path
            let result = try HAOBinary.run([
                "solve", network, "--target", "dpu", "--device", "zcu102", "--objective", "throughput",
                "--export-config", path, "--json",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let design = try #require(try json(result)["configuration"] as? [String: Any])
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let defines = Set(text.split(separator: "\n").filter { $0.hasPrefix("`define ") }.map { String($0.dropFirst(8)) })
            let architecture = try #require(design["architecture"] as? String)
            let ram = try #require(design["ram_usage"] as? String)
            let dsp = try #require(design["dsp_usage"] as? String)
            #expect(defines.contains(architecture), "\(text)")
            #expect(defines.contains("RAM_USAGE_\(ram.uppercased())") && defines.contains("DSP48_USAGE_\(dsp.uppercased())"), "\(text)")
            #expect(defines.contains("DWCV_ENABLE"))
            #expect(defines.contains(squeezeExcite ? "ELEW_MULT_ENABLE" : "ELEW_MULT_DISABLE"), "\(network): \(text)")
            let cores = try #require(design["cores"] as? Int)
            #expect(text.contains("nk=DPUCZDX8G:\(cores)"), "\(text)")
            // Exactly one architecture define.
            #expect(defines.filter { $0.hasPrefix("B") && Int($0.dropFirst()) != nil }.count == 1, "\(text)")
        }
    }
}
