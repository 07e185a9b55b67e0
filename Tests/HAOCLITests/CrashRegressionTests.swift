import Foundation
import Testing

/// Inputs that used to stop `hao` with a Swift runtime trap (exit 132, SIGILL). Each must now
/// end with a result or a clear message, and an exit status below 128.
@Suite("No crashes on extreme input")
struct CrashRegressionTests {
    private static let network = try? Data(contentsOf: HAOBinary.packageRoot.appendingPathComponent("Models/networks/mnasnet_a1.json"))

    /// The shipped MnasNet-A1 JSON with one value replaced (a JSON-path-like list of keys).
    private func editedNetwork(_ edit: (inout [String: Any]) -> Void) throws -> String {
        let data = try #require(Self.network)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        edit(&object)
        return HAOBinary.temporaryFile("net.json", contents: try JSONSerialization.data(withJSONObject: object))
    }

    private let deviceTemplate = """
        {"part": "XTEST", "board": "B", "family": "zynq_ultrascale_plus",
         "resources": {"dsp": DSP, "bram18": 432, "lut": 70560, "ff": 141120},
         "clock_mhz": CLOCK, "ddr_bandwidth_gbps": BW}
        """

    private func device(dsp: String = "360", clock: String = "200", bandwidth: String = "4.26") -> String {
        let text = deviceTemplate.replacingOccurrences(of: "DSP", with: dsp).replacingOccurrences(of: "CLOCK", with: clock)
            .replacingOccurrences(of: "BW", with: bandwidth)
        return HAOBinary.temporaryFile("device.json", contents: Data(text.utf8))
    }

    @Test func exportOfAnInstanceThatPruningEmptiesIsAValidInfeasibleProgram() throws {
        let mps = FileManager.default.temporaryDirectory.appendingPathComponent("hao-empty-\(UUID().uuidString).mps").path
        let lp = FileManager.default.temporaryDirectory.appendingPathComponent("hao-empty-\(UUID().uuidString).lp").path
        defer {
            try? FileManager.default.removeItem(atPath: mps)
            try? FileManager.default.removeItem(atPath: lp)
        }
        // 5% of the ZU3EG's BRAM18 is below the fixed part plus the smallest engines (tiled weights
        // fit MnasNet-A1 into 30%).
        let solve = try HAOBinary.run(["solve", "mnasnet_a1", "--cap", "bram18=0.05", "--export-mps", mps, "--export-lp", lp])
        #expect(solve.status == 1, "status \(solve.status): \(solve.stderr.prefix(400))")
        #expect(solve.stdout.contains("infeasible on XCZU3EG"))
        #expect(solve.stdout.contains("solver: pruning"), "\(solve.stdout)")
        for path in [mps, lp] {
            let check = try HAOBinary.run(["lp", path, "--json"])
            #expect(check.status == 0, "\(check.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
            #expect(object["status"] as? String == "infeasible", "\(path): \(check.stdout)")
        }
    }

    @Test func verifySaysWhenPruningDecidedAndRunsGLPKOnTheUnprunedProgram() throws {
        let result = try HAOBinary.run(["verify", "mnasnet_a1", "--cap", "bram18=0.05", "--json"])
        #expect(result.status == 0, "\(result.stderr.prefix(400))")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["results"] as? [[String: Any]])
        #expect(rows.first?["solver"] as? String == "glpk (unpruned)")
        #expect(rows.allSatisfy { $0["status"] as? String == "infeasible" })
        #expect((object["note"] as? String)?.contains("GLPK solved the unpruned program") == true, "\(object)")
        // A plain instance has no note.
        let plain = try HAOBinary.run(["verify", "mobilenet_v2_1.0", "--bits", "4", "--json", "--max-enumeration", "0"])
        let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(plainObject["note"] is NSNull)
        #expect((plainObject["results"] as? [[String: Any]])?.first?["solver"] as? String == "glpk")
    }

    @Test func extremeTargetFPSIsClampedOrReportedWithTheUsersTarget() throws {
        // A tiny target is no constraint: the least-DSP configuration, with the target echoed.
        let tiny = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--bits", "4", "--target-fps", "1e-300", "--json"])
        #expect(tiny.status == 0, "status \(tiny.status): \(tiny.stderr.prefix(400))")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(tiny.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "optimal")
        #expect(object["target_fps"] as? Double == 1e-300)
        let text = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--bits", "4", "--target-fps", "1e-300"])
        #expect(text.stdout.contains("Target: 1e-300 fps"), "\(text.stdout.suffix(300))")
        // A huge target is out of reach; the message gives the user's figure, not one recomputed from 0 cycles.
        let huge = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--bits", "4", "--target-fps", "1e300"])
        #expect(huge.status == 1)
        #expect(huge.stdout.contains("the target of 1e+300 fps"), "\(huge.stdout)")
        #expect(!huge.stdout.contains("200000000.0 fps"))
        // Exporting the inverse-mode program with an extreme target works too.
        let mps = FileManager.default.temporaryDirectory.appendingPathComponent("hao-fps-\(UUID().uuidString).mps").path
        defer { try? FileManager.default.removeItem(atPath: mps) }
        let export = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--bits", "4", "--target-fps", "1e-300", "--export-mps", mps])
        #expect(export.status == 0, "status \(export.status)")
        #expect(FileManager.default.fileExists(atPath: mps))
    }

    @Test(arguments: [
        ("stem", "kernel"), ("block", "kernel"), ("block", "stride"), ("stem", "stride"),
    ])
    func hugeKernelOrStrideIsNamed(place: String, field: String) throws {
        let path = try editedNetwork { object in
            if place == "stem" {
                var stem = object["stem"] as! [String: Any]
                stem[field] = 4_000_000_000_000
                object["stem"] = stem
            } else {
                var blocks = object["blocks"] as! [[String: Any]]
                blocks[2][field] = 4_000_000_000_000
                object["blocks"] = blocks
            }
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try HAOBinary.run(["solve", path])
        #expect(result.status == 1, "status \(result.status): \(result.stderr.prefix(300))")
        let location = place == "stem" ? "stem" : "block 2"
        #expect(result.stderr.contains("\(location), \(field): 4000000000000 is not supported"), "\(result.stderr)")
    }

    @Test func hugeValuesInOtherFieldsAreErrors() throws {
        let huge = Int.max
        let edits: [(String, (inout [String: Any]) -> Void)] = [
            ("resolution", { $0["resolution"] = huge }),
            ("input_channels", { $0["input_channels"] = huge }),
            (
                "in_channels",
                { o in
                    var b = o["blocks"] as! [[String: Any]]
                    b[1]["in_channels"] = huge
                    o["blocks"] = b
                }
            ),
            (
                "expanded_channels",
                { o in
                    var b = o["blocks"] as! [[String: Any]]
                    b[1]["expanded_channels"] = Int.min
                    o["blocks"] = b
                }
            ),
            (
                "se_channels",
                { o in
                    var b = o["blocks"] as! [[String: Any]]
                    b[1]["se_channels"] = huge
                    o["blocks"] = b
                }
            ),
            (
                "pointwise_groups",
                { o in
                    var b = o["blocks"] as! [[String: Any]]
                    b[1]["pointwise_groups"] = huge
                    o["blocks"] = b
                }
            ),
            (
                "weight_bits",
                { o in
                    var b = o["blocks"] as! [[String: Any]]
                    b[1]["weight_bits"] = huge
                    o["blocks"] = b
                }
            ),
            (
                "classes",
                { o in
                    var h = o["head"] as! [String: Any]
                    h["classes"] = huge
                    o["head"] = h
                }
            ),
        ]
        for (name, edit) in edits {
            let path = try editedNetwork(edit)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let result = try HAOBinary.run(["solve", path])
            #expect(result.status == 1, "\(name): status \(result.status)")
            #expect(result.stderr.hasPrefix("Error: "), "\(name): \(result.stderr.prefix(300))")
        }
    }

    @Test(arguments: [
        ("9223372036854775807", "200", "4.26", "resources.dsp must be at most 10000000"),
        ("10000001", "200", "4.26", "resources.dsp must be at most 10000000"),
        ("360", "1e300", "4.26", "clock_mhz must be between 1 and 2000 MHz"),
        ("360", "0.5", "4.26", "clock_mhz must be between 1 and 2000 MHz"),
        ("360", "200", "1e-300", "ddr_bandwidth_gbps must be between 0.01 and 10000 GB/s"),
        ("360", "200", "1e300", "ddr_bandwidth_gbps must be between 0.01 and 10000 GB/s"),
        ("360.5", "200", "4.26", "bad value at 'resources.dsp': expected an integer"),
        ("9223372036854775808", "200", "4.26", "bad value at 'resources.dsp': expected an integer"),
    ])
    func outOfRangeDeviceFilesAreRejected(dsp: String, clock: String, bandwidth: String, message: String) throws {
        let path = device(dsp: dsp, clock: clock, bandwidth: bandwidth)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--bits", "4", "--device", path])
        #expect(result.status == 1, "status \(result.status): \(result.stderr.prefix(300))")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func unsupportedBitsMessageHasOnePrefix() throws {
        let result = try HAOBinary.run(["solve", "mnasnet_a1", "--bits", "3"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("invalid network: block 0, weight_bits: 3 is not supported"), "\(result.stderr)")
        #expect(!result.stderr.contains("invalid network: invalid network"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("expand_choices", "[3, 4, 4000000000000000]", "expand_choices is 4000000000000000; it must be in 1...65536"),
        ("resolution_choices", "[9223372036854775807]", "resolution choice 9223372036854775807 is outside 16...1024"),
        ("kernel_choices", "[3, 9223372036854775807]", "kernel_choices 9223372036854775807 is outside 1...7"),
        ("expand_choices", "[3, 4, 60000]", "(the largest network of the space)"),
    ])
    func hugeSearchSpaceValuesAreRejected(key: String, value: String, message: String) throws {
        let url = HAOBinary.packageRoot.appendingPathComponent("Models/spaces/ofa-mbv3-w4w8.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object[key] = try JSONSerialization.jsonObject(with: Data(value.utf8))
        let space = HAOBinary.temporaryFile("space.json", contents: try JSONSerialization.data(withJSONObject: object))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hao-space-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: space)
            try? FileManager.default.removeItem(atPath: out)
        }
        let result = try HAOBinary.run(["search", "--space", space, "--out", out, "--generations", "1", "--population", "4"])
        #expect(result.status == 1, "status \(result.status): \(result.stderr.prefix(300))")
        #expect(result.stderr.contains("invalid search space"), "\(result.stderr.prefix(300))")
        #expect(result.stderr.contains(message), "\(result.stderr.prefix(300))")
    }

    @Test func extremeTargetsOfQuantizeAndSearchAreClamped() throws {
        let size = try HAOBinary.run(["quantize", "mnasnet_a1", "--max-size-mb", "1e300"])
        #expect(size.status == 0, "status \(size.status): \(size.stderr.prefix(300))")
        #expect(size.stdout.contains("target 1e+300 MB"), "\(size.stdout.prefix(300))")
        let fps = try HAOBinary.run(["quantize", "mnasnet_a1", "--target-fps", "1e-300"])
        #expect(fps.status == 0, "status \(fps.status)")
        #expect(fps.stdout.contains("target 1e-300 fps"), "\(fps.stdout.prefix(300))")
        // --bits optimal turns --min-fps into a cycle limit for every candidate.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hao-minfps-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let search = try HAOBinary.run([
            "search", "--out", out, "--min-fps", "1e-300", "--bits", "optimal",
            "--generations", "1", "--population", "4",
        ])
        #expect(search.status == 0, "status \(search.status): \(search.stderr.suffix(300))")
    }

    @Test func predictorTrainingRejectsSampleCountsThatWouldExhaustMemory() throws {
        let data = HAOBinary.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        let teacher = data.appendingPathComponent("ofa_predictor/acc_predictor_mlp.json").path
        let labelled = data.appendingPathComponent("ofa_specialized.csv").path
        guard FileManager.default.fileExists(atPath: teacher), FileManager.default.fileExists(atPath: labelled) else {
            print("skipping: \(teacher) or \(labelled) is absent")
            return
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hao-train-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        for option in ["--teacher-samples", "--holdout-samples"] {
            let result = try HAOBinary.run([
                "predictor", "train", "--data", teacher, labelled, "\(option)=9223372036854775807", "--out", out,
            ])
            #expect(result.status == 64, "\(option): status \(result.status)")
            #expect(result.stderr.contains("at most 1,000,000 teacher and holdout samples"), "\(result.stderr.prefix(300))")
        }
    }

    @Test func nonIntegerNumbersNameTheField() throws {
        for (value, shown) in [(224.5, "224.5"), (1e308, "1e+308")] {
            let path = try editedNetwork { $0["resolution"] = value }
            defer { try? FileManager.default.removeItem(atPath: path) }
            let result = try HAOBinary.run(["solve", path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("bad value at 'resolution': expected an integer"), "\(result.stderr)")
            #expect(result.stderr.contains("got \(shown)"), "\(result.stderr)")
            #expect(!result.stderr.contains("not valid JSON"), "\(result.stderr)")
        }
    }
}
