import Foundation
import HAONetwork
import HAOSolver
import HAOSupport
import Testing

@testable import HAOHardware

/// Small candidate sets so exhaustive enumeration stays fast: 16 x 12 x 16 triples.
private var smallParameters: SubgraphParameters {
    var p = SubgraphParameters()
    p.pointwiseUnrolls = [1, 2, 4, 8]
    p.depthwiseChannelUnrolls = [1, 2, 4, 8]
    p.depthwiseTapUnrolls = [1, 3, 9]
    return p
}

/// A random small instance: random network, random device budget.
private func randomInstance(seed: UInt64) -> (Network, Device) {
    var rng = SplitMix64(seed: seed)
    let network = Fixtures.randomNetwork(&rng)
    var device = Fixtures.zu3eg
    device.family = Bool.random(using: &rng) ? .zynqUltraScalePlus : .zynq7000
    device.resources = Resources(
        dsp: Int.random(in: 8...160, using: &rng), bram18: Int.random(in: 20...200, using: &rng),
        uram: 0, lut: Int.random(in: 12_000...40_000, using: &rng), ff: Int.random(in: 20_000...80_000, using: &rng))
    device.ddrBandwidthGBps = [1.0, 4.0, 16.0].randomElement(using: &rng)!
    return (network, device)
}

@Test func nativeGLPKAndExhaustiveAgreeOnRandomInstances() throws {
    var feasible = 0
    var infeasible = 0
    for seed in UInt64(1)...220 {
        let (network, device) = randomInstance(seed: seed)
        let optimizer = SubgraphTarget(device: device, cap: .none, parameters: smallParameters)
        let (_, full) = try optimizer.setUp(network)
        let exhaustive = full.solveExhaustive()
        let nativeUnpruned = full.solveNative()
        let pruned = full.pruned(.all)
        let native = pruned.solveNative()
        #expect(exhaustive.objective == nativeUnpruned.objective, "seed \(seed)")
        #expect(exhaustive.objective == native.objective, "seed \(seed)")
        // GLPK on the pruned, strengthened formulation and on the plain one over all candidates,
        // with GLPK's default settings and with the search's measured ones, and with the
        // (optional) engine-bound rows.
        let tuned = GLPKSolver(tuning: .subgraphSearch)
        let variants: [(SubgraphInstance, FormulationOptions, GLPKSolver)] = [
            (pruned, .standard, GLPKSolver()), (full, .plain, GLPKSolver()),
            (pruned, .standard, tuned), (full, .plain, tuned), (pruned, FormulationOptions(engineBounds: true), tuned),
        ]
        for (instance, options, glpk) in variants {
            if instance.candidateCounts.contains(0) {
                #expect(exhaustive.objective == nil, "seed \(seed): pruning emptied an engine of a feasible instance")
                continue
            }
            let program = SubgraphProgram(instance: instance, options: options)
            let solution = try glpk.solve(program.model, options: SolverOptions())
            if let expected = exhaustive.objective {
                #expect(solution.status == .optimal, "seed \(seed)")
                let objective = try #require(solution.objective)
                #expect(abs(objective - expected) <= 1e-9 * expected, "seed \(seed): GLPK \(objective) vs exhaustive \(expected)")
                // GLPK's configuration evaluates to its objective.
                let choice = try #require(program.choice(from: solution.values))
                #expect(instance.latency(choice) == Int(expected), "seed \(seed)")
                #expect(instance.fits(choice), "seed \(seed)")
            } else {
                #expect(solution.status == .infeasible, "seed \(seed)")
            }
        }
        if exhaustive.objective == nil { infeasible += 1 } else { feasible += 1 }
    }
    // The generator must exercise both outcomes, mostly feasible ones.
    #expect(feasible >= 150)
    #expect(infeasible >= 1)
}

@Test func inverseModeMeetsTargetAndOneFewerDSPCannot() throws {
    var checked = 0
    for seed in UInt64(1000)...1040 {
        let (network, device) = randomInstance(seed: seed)
        let optimizer = SubgraphTarget(device: device, cap: .none, parameters: smallParameters)
        let fastest = try optimizer.solve(network, solver: .native)
        guard let best = fastest.latencyCycles else { continue }
        // A target 1.5x slower than the fastest design leaves room to save DSPs.
        let targetFPS = device.clockMHz * 1e6 / (Double(best) * 1.5)
        let limit = Int((device.clockMHz * 1e6 / targetFPS).rounded(.down))
        let native = try optimizer.solve(network, targetFPS: targetFPS, solver: .native)
        let glpk = try optimizer.solve(network, targetFPS: targetFPS, solver: .glpk)
        let (_, full) = try optimizer.setUp(network)
        let exhaustive = full.solveExhaustive(.minimiseResources(weights: .dsp, maxLatencyCycles: limit))
        let dsp = try #require(native.resources?.dsp)
        #expect(Double(dsp) == exhaustive.objective, "seed \(seed)")
        #expect(glpk.resources?.dsp == dsp, "seed \(seed)")
        #expect(try #require(native.fps) >= targetFPS * (1 - 1e-12), "seed \(seed)")
        #expect(try #require(glpk.fps) >= targetFPS * (1 - 1e-12), "seed \(seed)")
        // One DSP fewer: the fastest design within that budget misses the target.
        var smaller = device
        smaller.resources.dsp = dsp - 1
        let reduced = try SubgraphTarget(device: smaller, cap: .none, parameters: smallParameters).solve(network, solver: .native)
        if let cycles = reduced.latencyCycles { #expect(cycles > limit, "seed \(seed)") }
        checked += 1
    }
    #expect(checked >= 30)
}

@Test func infeasibleBudgetIsReportedWithTheShortfall() throws {
    var device = Fixtures.zu3eg
    device.resources.dsp = 2
    var rng = SplitMix64(seed: 7)
    let network = Fixtures.randomNetwork(&rng)
    let optimizer = SubgraphTarget(device: device, cap: .none)
    for solver in [SolverChoice.auto, .glpk, .native] {
        let solution = try optimizer.solve(network, solver: solver)
        #expect(solution.status == .infeasible)
        #expect(solution.report == nil)
        // 3 engines x at least one DSP each; on DSP48E2 one lane takes one DSP.
        #expect(solution.diagnosis == "infeasible on XCZU3EG: the smallest configuration needs 3 DSP, the device has 2")
    }
    // Unreachable target in inverse mode.
    let slow = try SubgraphTarget(device: Fixtures.zu3eg).solve(network, targetFPS: 1e9, solver: .native)
    #expect(slow.status == .infeasible)
    #expect(slow.diagnosis?.contains("out of reach; the fastest configuration within the budget reaches") == true)
}

@Test func badOptionsAreTypedErrors() throws {
    var rng = SplitMix64(seed: 3)
    let network = Fixtures.randomNetwork(&rng)
    #expect(throws: HardwareError.self) { try SubgraphTarget(device: Fixtures.zu3eg).solve(network, targetFPS: -1) }
    var bad = network
    bad.blocks[0].kernel = 4
    #expect(throws: HardwareError.self) { try SubgraphTarget(device: Fixtures.zu3eg).solve(bad) }
    var zeroClock = Fixtures.zu3eg
    zeroClock.clockMHz = 0
    #expect(throws: HardwareError.self) { try SubgraphTarget(device: zeroClock).solve(network) }
}

@Test func glpsolSolvesTheExportedMPSToTheSameOptimum() throws {
    let glpsol = "/usr/bin/glpsol"
    guard FileManager.default.isExecutableFile(atPath: glpsol) else {
        print("skipping: \(glpsol) is not installed")
        return
    }
    for network in try Fixtures.shippedNetworks().prefix(2) {
        var n = network
        for i in n.blocks.indices { n.blocks[i].precision = .w4a4 }
        let optimizer = SubgraphTarget(device: Fixtures.zu3eg)
        let expected = try #require(try optimizer.solve(n, solver: .native).latencyCycles)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hao-accel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let mps = directory.appendingPathComponent("model.mps").path
        let out = directory.appendingPathComponent("solution.txt").path
        try optimizer.exportProgram(n, to: mps, format: .freeMPS)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: glpsol)
        process.arguments = ["--freemps", mps, "-w", out]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // glpsol -w writes "s mip ROWS COLS STATUS OBJECTIVE" for a MIP (GLPK 5 plain-text format).
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("s mip") })
        let fields = line.split(separator: " ")
        #expect(fields[4] == "o", "glpsol status \(fields[4])")
        let objective = try #require(Double(fields[5]))
        #expect(abs(objective - Double(expected)) <= 1e-9 * Double(expected), "\(network.name): glpsol \(objective) vs native \(expected)")
    }
}

@Test func everyShippedNetworkAndDeviceAgrees() throws {
    for device in try Fixtures.shippedDevices() {
        for network in try Fixtures.shippedNetworks() {
            for bits in [8, 4] {
                var n = network
                for i in n.blocks.indices { n.blocks[i].precision = .uniform(bits) }
                let optimizer = SubgraphTarget(device: device)
                let native = try optimizer.solve(n, solver: .native)
                let glpk = try optimizer.solve(n, solver: .glpk)
                #expect(native.status == glpk.status, "\(network.name) W\(bits) on \(device.part)")
                #expect(native.latencyCycles == glpk.latencyCycles, "\(network.name) W\(bits) on \(device.part)")
                // Pruning keeps the optimum: native on the unpruned instance agrees.
                let (_, full) = try optimizer.setUp(n)
                #expect(full.solveNative().objective.map { Int($0) } == native.latencyCycles, "\(network.name) W\(bits) on \(device.part)")
            }
        }
    }
}

@Test func autoIsNativeCertifiedByGLPKAndSaysWhenACertificateCouldNotFinish() throws {
    var network = try #require(try Fixtures.shippedNetworks().first)
    for i in network.blocks.indices { network.blocks[i].precision = .w4a4 }
    let device = Fixtures.zu3eg
    let optimizer = SubgraphTarget(device: device)
    let expected = try optimizer.solve(network, solver: .native)
    let certified = try optimizer.solve(network, solver: .auto)
    #expect(certified.solver == .native)
    #expect(certified.latencyCycles == expected.latencyCycles)
    #expect(certified.messages.isEmpty)
    #expect(certified.certificate?.hasPrefix("certified by GLPK (no answer strictly better") == true)
    // A GLPK time limit (1 ms; these programs take tens of ms) leaves the exact answer uncertified, with a note.
    let limit = Duration.milliseconds(1)
    let solution = try optimizer.solve(network, using: SolverChoice.auto.makeSolver(timeLimit: limit))
    #expect(solution.solver == .native)
    #expect(solution.messages.count == 1)
    #expect(solution.messages.first?.hasPrefix("not certified: GLPK did not finish") == true)
    #expect(solution.latencyCycles == expected.latencyCycles)
    // Without auto, the failure is the caller's to see.
    #expect(throws: HardwareError.self) { try optimizer.solve(network, using: SolverChoice.glpk.makeSolver(timeLimit: limit)) }
    // An option GLPK cannot take (a zero time limit) is a caller's error, not an unfinished
    // certificate: it is thrown, not turned into a note.
    #expect(throws: HardwareError.self) { try optimizer.solve(network, using: SolverChoice.auto.makeSolver(timeLimit: .zero)) }
}

/// GLPK certificates of the subgraph problem: on random instances the exhaustive optimum passes
/// both kinds, a claim one cycle above it is refuted by the cutoff program with a configuration
/// that is exactly better, and a claimed infeasibility of a feasible instance is refuted.
@Test func certificatesHoldForTheOptimumAndRefuteAnythingElse() throws {
    var checked = 0
    for seed in UInt64(300)...360 {
        let (network, device) = randomInstance(seed: seed)
        let optimizer = SubgraphTarget(device: device, cap: .none, parameters: smallParameters)
        let problem = try optimizer.configurationProblem(for: network, objective: .minimiseLatency)
        let exhaustive = problem.full.solveExhaustive()
        guard let choice = exhaustive.choice, let value = exhaustive.objective else {
            #expect(try problem.certify(.infeasible(), kind: .cutoff, with: GLPKSolver(), options: SolverOptions()) == nil, "seed \(seed)")
            continue
        }
        let claim = ExactOutcome.optimal(problem.full.configuration(choice), objective: value)
        for kind in [CertificateKind.cutoff, .reproduction] {
            #expect(try problem.certify(claim, kind: kind, with: GLPKSolver(), options: SolverOptions()) == nil, "seed \(seed) \(kind)")
        }
        let tooHigh = ExactOutcome.optimal(problem.full.configuration(choice), objective: value + 1)
        let found = try #require(try problem.certify(tooHigh, kind: .cutoff, with: GLPKSolver(), options: SolverOptions()), "seed \(seed)")
        #expect(found.objective == value, "seed \(seed): the cutoff program's answer is exactly the optimum here")
        let infeasibleClaim = try problem.certify(.infeasible(), kind: .cutoff, with: GLPKSolver(), options: SolverOptions())
        #expect(infeasibleClaim?.status == .optimal, "seed \(seed)")
        checked += 1
    }
    #expect(checked >= 40)
}

/// Exhaustive enumeration of every candidate triple (1,512,630 with the default candidate sets)
/// certifies GLPK and the native solver on every shipped network on the default device, at
/// 8-bit and 4-bit blocks. (Other devices are covered by GLPK = native above; enumerating them
/// all would take minutes in a debug build, and `hao verify` does it on demand.)
@Test func exhaustiveEnumerationCertifiesEveryShippedNetworkOnTheDefaultDevice() throws {
    let device = try #require(try Fixtures.shippedDevices().first { $0.isDefault })
    for network in try Fixtures.shippedNetworks() {
        for bits in [8, 4] {
            var n = network
            for i in n.blocks.indices { n.blocks[i].precision = .uniform(bits) }
            let optimizer = SubgraphTarget(device: device)
            let (_, full) = try optimizer.setUp(n)
            let exhaustive = full.solveExhaustive().objective.map { Int($0) }
            let glpk = try optimizer.solve(n, solver: .glpk)
            let native = try optimizer.solve(n, solver: .native)
            #expect(glpk.latencyCycles == exhaustive, "\(network.name) W\(bits): GLPK vs enumeration")
            #expect(native.latencyCycles == exhaustive, "\(network.name) W\(bits): native vs enumeration")
        }
    }
}
