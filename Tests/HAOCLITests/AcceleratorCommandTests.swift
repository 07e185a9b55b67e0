import Foundation
import Testing

@Test func solveJSONHasTheDocumentedKeys() throws {
    let result = try HAOBinary.run(["solve", "mnasnet_a1", "--device", "zu3eg", "--bits", "4", "--json", "--solver", "native"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    for key in ["status", "latency_ms", "fps", "configuration", "resources", "solver", "solve_ms"] {
        #expect(object[key] != nil, "missing key \(key)")
    }
    #expect(object["status"] as? String == "optimal")
    let fps = try #require(object["fps"] as? Double)
    let latency = try #require(object["latency_ms"] as? Double)
    #expect(abs(fps * latency - 1000) < 1e-6)
    let configuration = try #require(object["configuration"] as? [String: Any])
    #expect(Set(configuration.keys) == ["expand", "depthwise", "project"])
}

@Test func solveReportsInfeasibilityWithNonZeroExit() throws {
    // With 5% of the ZU3EG's BRAM18 (21), not even tiled 8-bit MnasNet-A1 weights (one tile per
    // engine) with the line buffers and FIFOs fit; at 30% they do, since tiling.
    let result = try HAOBinary.run(["solve", "mnasnet_a1", "--device", "zu3eg", "--bits", "8", "--cap", "bram18=0.05"])
    #expect(result.status != 0)
    #expect(result.stdout.contains("infeasible on XCZU3EG: the smallest configuration needs"))
    #expect(result.stdout.contains("BRAM18, the device has 432 (21 usable under the 5% cap)"))
}

@Test func solveRejectsBadInputClearly() throws {
    let unknownDevice = try HAOBinary.run(["solve", "mnasnet_a1", "--device", "no-such-board"])
    #expect(unknownDevice.status != 0)
    #expect(unknownDevice.stderr.contains("no-such-board"))
    let unknownNetwork = try HAOBinary.run(["solve", "no_such_network"])
    #expect(unknownNetwork.status != 0)
    #expect(unknownNetwork.stderr.contains("no_such_network"))
    let badTarget = try HAOBinary.run(["solve", "mnasnet_a1", "--bits", "4", "--target-fps=-3"])
    #expect(badTarget.status != 0)
    #expect(badTarget.stderr.contains("target fps"))
}

@Test func verifyAgreesOnAShippedNetwork() throws {
    let result = try HAOBinary.run(["verify", "mobilenet_v2_1.0", "--device", "zu3eg", "--bits", "4", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["agree"] as? Bool == true)
    #expect(object["enumerated"] as? Bool == true)
}

@Test func solveExportsAnMPSThatGLPKReads() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-accel-\(UUID().uuidString).mps").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try HAOBinary.run(["solve", "mobilenet_v2_1.0", "--bits", "4", "--export-mps", path, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let cycles = try #require(object["latency_cycles"] as? Int)
    let lp = try HAOBinary.run(["lp", path, "--json"])
    #expect(lp.status == 0, "\(lp.stderr)")
    #expect(lp.stdout.contains("\(cycles)"), "hao lp on the exported model: \(lp.stdout)")
}
