import Foundation
import HAONetwork
import HAOSolver
import HAOSupport
import Testing

@testable import HAOHardware

/// Extreme inputs to the accelerator problem: each must give an answer or a typed error.
@Suite struct InputBoundsTests {
    private func network(seed: UInt64 = 11) -> Network {
        var rng = SplitMix64(seed: seed)
        return Fixtures.randomNetwork(&rng)
    }

    @Test func programWithAnEmptyEngineIsWellFormedAndInfeasible() throws {
        var device = Fixtures.zu3eg
        device.resources.bram18 = 1
        let optimizer = SubgraphTarget(device: device, cap: .none)
        let (_, full) = try optimizer.setUp(network())
        let pruned = full.pruned(.all)
        #expect(pruned.candidateCounts.contains(0), "\(pruned.candidateCounts)")
        for options in [FormulationOptions.standard, .plain] {
            let program = SubgraphProgram(instance: pruned, options: options)
            try program.model.validate()
            for column in program.latencyColumns {
                let v = program.model.variables[column.index]
                #expect(v.lowerBound.isFinite && v.lowerBound >= 0 && v.lowerBound <= v.upperBound, "\(v)")
            }
            let solution = try GLPKSolver().solve(program.model)
            #expect(solution.status == .infeasible)
        }
        // The file written for other solvers reads back and is infeasible there too.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-empty-\(UUID().uuidString).mps").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try optimizer.exportProgram(network(), to: path, format: .freeMPS)
        let back = try LinearModel.read(from: path)
        #expect(try GLPKSolver().solve(back).status == .infeasible)
    }

    @Test func anAnswerDecidedByPruningSaysSo() throws {
        var device = Fixtures.zu3eg
        device.resources.bram18 = 1
        let optimizer = SubgraphTarget(device: device, cap: .none)
        for solver in [SolverChoice.glpk, .auto] {
            let solution = try optimizer.solve(network(), solver: solver)
            #expect(solution.status == .infeasible)
            #expect(solution.solver == SolverID.reductions)
        }
        // Without pruning GLPK itself runs and agrees.
        var unpruned = optimizer
        unpruned.pruning = .none
        let glpk = try unpruned.solve(network(), solver: .glpk)
        #expect(glpk.solver == .glpk)
        #expect(glpk.status == .infeasible)
    }

    @Test func extremeTargetFPS() throws {
        let optimizer = SubgraphTarget(device: Fixtures.zu3eg)
        #expect(try optimizer.latencyLimit(targetFPS: 1e-300) == SubgraphTarget.maximumLatencyLimit)
        #expect(try optimizer.latencyLimit(targetFPS: .leastNonzeroMagnitude) == SubgraphTarget.maximumLatencyLimit)
        #expect(try optimizer.latencyLimit(targetFPS: 1e300) == 0)
        #expect(try optimizer.latencyLimit(targetFPS: 200) == 1_000_000)
        for bad in [0, -1, Double.nan, .infinity] {
            #expect(throws: HardwareError.self) { try optimizer.latencyLimit(targetFPS: bad) }
        }
        // A negligible target is no constraint: the least DSP of any configuration.
        let loose = try optimizer.solve(network(), targetFPS: 1e-300, solver: .native)
        let looseGLPK = try optimizer.solve(network(), targetFPS: 1e-300, solver: .glpk)
        #expect(loose.status == .optimal)
        #expect(looseGLPK.objective == loose.objective)
        // An unreachable one names the user's target, not one recomputed from the cycle limit.
        let tight = try optimizer.solve(network(), targetFPS: 1e300, solver: .native)
        #expect(tight.status == .infeasible)
        #expect(tight.diagnosis?.contains("the target of 1e+300 fps (0 cycles) is out of reach") == true, "\(tight.diagnosis ?? "")")
        let greatest = try optimizer.solve(network(), targetFPS: .greatestFiniteMagnitude, solver: .native)
        #expect(greatest.diagnosis?.contains("1.7976931348623157e+308 fps") == true, "\(greatest.diagnosis ?? "")")
    }

    @Test func devicesOutsideTheSupportedRangesAreTypedErrors() throws {
        var devices: [(String, Device)] = []
        for (field, value) in [("dsp", Int.max), ("bram18", Int.max), ("lut", 10_000_001), ("ff", Int.max), ("uram", Int.max)] {
            var d = Fixtures.zu3eg
            switch field {
            case "dsp": d.resources.dsp = value
            case "bram18": d.resources.bram18 = value
            case "lut": d.resources.lut = value
            case "ff": d.resources.ff = value
            default: d.resources.uram = value
            }
            devices.append(("resources.\(field) must be at most 10000000", d))
        }
        for clock in [1e300, 0.5, 2000.5, .infinity] {
            var d = Fixtures.zu3eg
            d.clockMHz = clock
            devices.append(("clock_mhz must be", d))
        }
        for bandwidth in [1e-300, 0.009, 10_001, 1e300] {
            var d = Fixtures.zu3eg
            d.ddrBandwidthGBps = bandwidth
            devices.append(("ddr_bandwidth_gbps must be", d))
        }
        for (message, device) in devices {
            do {
                try device.validate()
                Issue.record("expected \(message)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
            // Every way in validates: the catalogue, and the optimizer for devices built in code.
            #expect(throws: DeviceError.self) { try DeviceCatalogue(devices: [device]) }
            do {
                _ = try SubgraphTarget(device: device).solve(network(), solver: .native)
                Issue.record("expected an invalid device error for \(message)")
            } catch {
                guard case .invalidDevice(let text) = error else {
                    Issue.record("got \(error)")
                    continue
                }
                #expect(text.contains(message), "\(text)")
            }
        }
        // The bounds themselves are accepted.
        var edge = Fixtures.zu3eg
        edge.resources = Resources(dsp: 10_000_000, bram18: 10_000_000, uram: 10_000_000, lut: 10_000_000, ff: 10_000_000)
        edge.clockMHz = 2000
        edge.ddrBandwidthGBps = 0.01
        try edge.validate()
        let solution = try SubgraphTarget(device: edge).solve(network(), solver: .native)
        #expect(solution.status == .optimal)
        edge.clockMHz = 1
        edge.ddrBandwidthGBps = 10_000
        try edge.validate()
        #expect(try SubgraphTarget(device: edge).solve(network(), solver: .native).status == .optimal)
    }

    @Test func duplicatePartsAreRejectedNamingBothFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hao-dup-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shipped = Fixtures.modelsDirectory.devices.appendingPathComponent("xczu3eg_ultra96.json")
        let a = directory.appendingPathComponent("a.json")
        let b = directory.appendingPathComponent("b.json")
        try FileManager.default.copyItem(at: shipped, to: a)
        // The same part again, with no other name in common and not marked default.
        var copy = try Device.load(contentsOf: shipped)
        copy.aliases = ["other"]
        copy.isDefault = false
        try JSONEncoder().encode(copy).write(to: b)
        do {
            _ = try DeviceCatalogue.load(directory: directory)
            Issue.record("expected a duplicate-name error")
        } catch {
            #expect(error == .duplicateName(name: "xczu3eg", first: "XCZU3EG in '\(a.path)'", second: "XCZU3EG in '\(b.path)'"))
            #expect(error.description.contains(a.path) && error.description.contains(b.path), "\(error.description)")
        }
        // In code, too: two copies of one part are two devices with the same name.
        let device = try Device.load(contentsOf: shipped)
        var second = device
        second.isDefault = false
        #expect(throws: DeviceError.duplicateName(name: "xczu3eg", first: "XCZU3EG (device 1 of 2)", second: "XCZU3EG (device 2 of 2)")) {
            try DeviceCatalogue(devices: [device, second])
        }
    }

    @Test func exportedMPSNamesTheObjective() throws {
        var n = network()
        for i in n.blocks.indices { n.blocks[i].precision = .w4a4 }
        let optimizer = SubgraphTarget(device: Fixtures.zu3eg)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-obj-\(UUID().uuidString).mps").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try optimizer.exportProgram(n, to: path, format: .freeMPS)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\n N latency_cycles\n"))
        #expect(!text.contains("R0000000"))
        let back = try LinearModel.read(from: path)
        #expect(back.objectiveName == "latency_cycles")
        let expected = try optimizer.solve(n, solver: .native).latencyCycles
        #expect(try GLPKSolver().solve(back).objective.map { Int($0.rounded()) } == expected)
        try optimizer.exportProgram(n, objective: .minimiseResources(weights: .dsp, targetFPS: 1e-4), to: path, format: .freeMPS)
        #expect(try LinearModel.read(from: path).objectiveName == "resources")
    }
}
