import Foundation
import Testing

private func temporaryFile(_ name: String, _ text: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-quantize-\(UUID().uuidString)-\(name)").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
}

@Test func quantizeMeetsTheTargetAndReportsEverything() throws {
    let result = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target-fps", "300", "--json", "--solver", "native"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "optimal")
    let fps = try #require(object["fps"] as? Double)
    #expect(fps >= 300)
    let blocks = try #require(object["blocks"] as? [[String: Any]])
    #expect(blocks.count == 17)
    let bits = blocks.compactMap { $0["bits"] as? Int }
    #expect(Set(bits).isSubset(of: [4, 8]) && bits.contains(4))
    // Residual partners share a width.
    var byGroup: [Int: Set<Int>] = [:]
    for b in blocks { if let g = b["group"] as? Int { byGroup[g, default: []].insert(b["bits"] as! Int) } }
    #expect(!byGroup.isEmpty && byGroup.values.allSatisfy { $0.count == 1 })
    let top1 = try #require(object["top1"] as? Double)
    #expect(top1 < 72.0 && top1 > 60)
    #expect((object["top1_source"] as? String)?.contains("published float top-1") == true)
    #expect(object["configuration"] != nil)
}

@Test func quantizeInfeasibleTargetExitsNonZeroWithLeastLatency() throws {
    let result = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target-fps", "5000", "--solver", "native"])
    #expect(result.status != 0)
    #expect(result.stdout.contains("INFEASIBLE"))
    #expect(result.stdout.contains("Least latency reachable:"))
}

@Test func quantizeSizeTarget() throws {
    let result = try HAOBinary.run(["quantize", "mnasnet_a1", "--max-size-mb", "3.5", "--json", "--solver", "glpk"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(try #require(object["size_mb"] as? Double) <= 3.5)
    // Below the all-4-bit size: infeasible, saying why.
    let small = try HAOBinary.run(["quantize", "mnasnet_a1", "--max-size-mb", "2.5", "--solver", "native"])
    #expect(small.status != 0)
    #expect(small.stdout.contains("the smallest model"))
}

@Test func quantizeRejectsBadOptions() throws {
    let none = try HAOBinary.run(["quantize", "mobilenet_v2_1.0"])
    #expect(none.status != 0)
    #expect(none.stderr.contains("--target-fps F or --max-size-mb M"))
    let both = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target-fps", "100", "--max-size-mb", "3"])
    #expect(both.status != 0)
    #expect(both.stderr.contains("not both"))
    let negative = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target-fps=-3"])
    #expect(negative.status != 0)
    #expect(negative.stderr.contains("positive"))
    let missing = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target-fps", "100", "--sensitivity", "/no/such/file.csv"])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("/no/such/file.csv"))
    let badHeader = temporaryFile("bad.csv", "layer,value\n0,1\n")
    defer { try? FileManager.default.removeItem(atPath: badHeader) }
    let header = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target-fps", "100", "--sensitivity", badHeader])
    #expect(header.status != 0)
    #expect(header.stderr.contains("block,penalty_4bit"))
    let short = temporaryFile("short.csv", "block,penalty_4bit\n0,0.5\n1,0.2\n")
    defer { try? FileManager.default.removeItem(atPath: short) }
    let incomplete = try HAOBinary.run(["quantize", "mobilenet_v2_1.0", "--target-fps", "100", "--sensitivity", short])
    #expect(incomplete.status != 0)
    #expect(incomplete.stderr.contains("block 2 has no penalty"))
}

@Test func quantizeUsesABlockSensitivityFile() throws {
    // Block 16 made very sensitive: at a target that needs some 4-bit blocks it must stay at 8.
    var rows = "block,penalty_4bit\n"
    for b in 0..<17 { rows += "\(b),\(b == 16 ? 50.0 : 0.1)\n" }
    let file = temporaryFile("sens.csv", rows)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let result = try HAOBinary.run([
        "quantize", "mobilenet_v2_1.0", "--target-fps", "250", "--json", "--solver", "native", "--sensitivity", file,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let blocks = try #require(object["blocks"] as? [[String: Any]])
    #expect(blocks[16]["bits"] as? Int == 8)
    #expect(blocks.contains { $0["bits"] as? Int == 4 })
}
