import Foundation
import HAONetwork
import HAOSolver
import HAOSupport
import Testing

@testable import HAOHardware

/// Small candidate sets so the exhaustive enumerator (every width assignment x every triple,
/// through the cost model itself) stays fast in a debug build.
private let smallParameters: SubgraphParameters = {
    var p = SubgraphParameters()
    p.pointwiseUnrolls = [1, 2, 4, 8]
    p.depthwiseChannelUnrolls = [1, 2, 4]
    p.depthwiseTapUnrolls = [1, 3, 9]
    return p
}()

private func randomDevice(_ rng: inout SplitMix64) -> Device {
    let family: DeviceFamily = Bool.random(using: &rng) ? .zynqUltraScalePlus : .zynq7000
    return Device(
        part: "TEST", board: "test", aliases: [], family: family,
        resources: Resources(
            dsp: Int.random(in: 6...60, using: &rng), bram18: Int.random(in: 12...90, using: &rng),
            uram: 0, lut: Int.random(in: 12_000...40_000, using: &rng), ff: 200_000),
        clockMHz: 200, ddrBandwidthGBps: [1.0, 4.0, 16.0].randomElement(using: &rng)!, sources: ["test"])
}

/// A random problem: random network, widths {4, 8} or {2, 4, 8}, random penalties and groups.
private func randomProblem(_ rng: inout SplitMix64, limit: BitAllocationLimit = .latency(maxCycles: 1)) -> BitAllocationProblem {
    let network = Fixtures.randomNetwork(&rng, blocks: 1...4)
    let n = network.blocks.count
    var allowed: [[Int]] = []
    var penalties: [[Double]] = []
    for _ in 0..<n {
        let bits: [Int] = [[4, 8], [4, 8], [2, 4, 8], [8]].randomElement(using: &rng)!
        allowed.append(bits)
        // Lower widths lose more; 8 bits loses nothing extra.
        var p: [Double] = []
        var acc = 0.0
        for w in bits.reversed() {
            if w < 8 { acc += Double.random(in: 0.01...2.0, using: &rng) }
            p.insert(w == 8 ? 0 : acc, at: 0)
        }
        penalties.append(p)
    }
    var groups: [[Int]] = []
    if Bool.random(using: &rng) {
        let g = BitAllocationProblem.residualGroups(network).groups
        groups = g.filter { grp in
            let common = grp.dropFirst().reduce(Set(allowed[grp[0]])) { $0.intersection(allowed[$1]) }
            return !common.isEmpty
        }
    }
    return BitAllocationProblem(network: network, allowedBits: allowed, penalties: penalties, groups: groups, limit: limit)
}

@Suite("Bit allocation")
struct BitAllocationTests {
    /// The per-key tables composed for an assignment equal the accelerator instance the cost
    /// model builds from the quantized network: terms, memory bounds and resources (the weight
    /// buffer included).
    @Test func tablesMatchTheCostModel() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<40 {
            let device = randomDevice(&rng)
            let problem = randomProblem(&rng)
            let context = try BitAllocationContext(problem: problem, device: device, cap: .none, parameters: smallParameters)
            let bits = problem.allowedBits.map { $0.randomElement(using: &rng)! }
            let tables = try #require(context.tables(context.key(of: bits)))
            let composed = context.instance(tables, bits: bits)
            let reference = try SubgraphTarget(device: device, cap: .none, parameters: smallParameters).setUp(
                problem.network(withBits: bits)
            ).1
            #expect(composed.memoryCycles == reference.memoryCycles)
            #expect(composed.pathStage == reference.pathStage)
            #expect(composed.terms == reference.terms)
            #expect(composed.resources == reference.resources, "bits \(bits)")
        }
    }

    /// GLPK, the native solver and exhaustive enumeration agree on the least penalty (and on
    /// feasibility) on 120 seeded random instances, with latency or size limits.
    @Test func solversAgreeOnRandomInstances() throws {
        var rng = SplitMix64(seed: 2024)
        var feasible = 0
        var infeasible = 0
        for instance in 0..<120 {
            let device = randomDevice(&rng)
            var problem = randomProblem(&rng)
            let context0 = try BitAllocationContext(problem: problem, device: device, cap: .standard, parameters: smallParameters)
            // Pick a limit around what is reachable so both feasible and infeasible cases occur.
            let least = try context0.solveExhaustive(.latency)
            if instance % 4 == 3 {
                let sizes = [problem.allowedBits.map { $0.first! }, problem.allowedBits.map { $0.last! }]
                    .map { BitAllocationProblem.modelBits(problem.network(withBits: $0)) }
                problem.limit = .modelSize(
                    maxBits: Int(Double(sizes[0]) * 0.95 + Double(sizes[1] - sizes[0]) * Double.random(in: 0...1, using: &rng)))
            } else {
                let base = least.objective.map { Int($0) } ?? 100_000
                problem.limit = .latency(maxCycles: max(1, Int(Double(base) * Double.random(in: 0.9...1.8, using: &rng))))
            }
            let context = try BitAllocationContext(problem: problem, device: device, cap: .standard, parameters: smallParameters)
            let exhaustive = try context.solveExhaustive(.penalty)
            let native = context.solveNative(.penalty)
            let glpk = try context.solve(.penalty, with: GLPKSolver(), options: SolverOptions())
            #expect(
                (exhaustive.objective == nil) == (native.objective == nil),
                "instance \(instance): exhaustive \(String(describing: exhaustive.objective)) native \(String(describing: native.objective))"
            )
            #expect(
                (exhaustive.objective == nil) == (glpk.objective == nil),
                "instance \(instance): exhaustive \(String(describing: exhaustive.objective)) glpk \(String(describing: glpk.objective))")
            if let e = exhaustive.objective {
                feasible += 1
                #expect(
                    abs((native.objective ?? .nan) - e) < 1e-6,
                    "instance \(instance): native \(String(describing: native.objective)) vs \(e)")
                #expect(
                    abs((glpk.objective ?? .nan) - e) < 1e-6, "instance \(instance): glpk \(String(describing: glpk.objective)) vs \(e)")
                // Each answer is really feasible per the cost model and has the claimed penalty.
                for raw in [native, glpk] {
                    let bits = try #require(raw.bits)
                    let config = try #require(raw.configuration)
                    let report = SubgraphCostModel(network: problem.network(withBits: bits), device: device, parameters: smallParameters)
                        .evaluate(config, budget: context.budget)
                    #expect(report.totalResources.fits(in: context.budget))
                    if case .latency(let c) = problem.limit { #expect(report.latencyCycles <= c) }
                    if case .modelSize(let s) = problem.limit {
                        #expect(BitAllocationProblem.modelBits(problem.network(withBits: bits)) <= s)
                    }
                    #expect(abs(problem.penalty(bits) - e) < 1e-6)
                    for g in problem.groups { #expect(Set(g.map { bits[$0] }).count == 1, "group \(g) split: \(bits)") }
                }
            } else {
                infeasible += 1
            }
            // The least reachable latency agrees too (native and GLPK against enumeration).
            if instance % 3 == 0 {
                let e = try context.solveExhaustive(.latency).objective
                #expect(context.solveNative(.latency).objective == e)
                let g = try context.solve(.latency, with: GLPKSolver(), options: SolverOptions()).objective
                #expect((g == nil) == (e == nil))
                if let g, let e { #expect(abs(g - e) < 1e-6 * e, "instance \(instance): glpk latency \(g) vs \(e)") }
            }
        }
        // Both kinds of instance must occur, or the test proves little.
        #expect(feasible >= 40)
        #expect(infeasible >= 5)
    }

    private func mobileNetV2() throws -> Network {
        try Network.loadValidated(contentsOf: Fixtures.modelsDirectory.networks.appendingPathComponent("mobilenet_v2_1.0.json"))
    }

    private func penaltyProblem(_ network: Network, limit: BitAllocationLimit) -> BitAllocationProblem {
        let (groups, pinned) = BitAllocationProblem.residualGroups(network)
        let macs = network.blocks.indices.map { b in network.layers.filter { $0.blockIndex == b }.reduce(0) { $0 + $1.macs } }
        let total = Double(macs.reduce(0, +))
        let allowed = network.blocks.indices.map { pinned.contains($0) ? [8] : [4, 8] }
        let penalties = network.blocks.indices.map { b in pinned.contains(b) ? [0.0] : [3.0 * Double(macs[b]) / total, 0] }
        return BitAllocationProblem(network: network, allowedBits: allowed, penalties: penalties, groups: groups, limit: limit)
    }

    /// Tightening the latency target never lowers the penalty (never raises predicted top-1).
    @Test func tighterTargetNeverHelps() throws {
        let network = try mobileNetV2()
        let optimizer = BitAllocationOptimizer(device: Fixtures.zu3eg)
        var previous = -Double.infinity
        var sawInfeasible = false
        for fps in stride(from: 150.0, through: 420.0, by: 30.0) {
            let problem = penaltyProblem(network, limit: .latency(maxCycles: try optimizer.latencyLimit(fps: fps)))
            let s = try optimizer.solve(problem, solver: .native)
            guard s.status == .optimal, let p = s.penalty else {
                sawInfeasible = true
                continue
            }
            #expect(!sawInfeasible, "feasible at \(fps) fps after an infeasible looser target")
            #expect(p >= previous - 1e-9, "penalty fell from \(previous) to \(p) at \(fps) fps")
            #expect(s.fps! >= fps)
            previous = p
        }
        #expect(sawInfeasible)
    }

    /// An out-of-reach target is infeasible, with the least reachable latency; that latency as
    /// the target is feasible.
    @Test func infeasibleTargetReportsLeastLatency() throws {
        let network = try mobileNetV2()
        let optimizer = BitAllocationOptimizer(device: Fixtures.zu3eg)
        let problem = penaltyProblem(network, limit: .latency(maxCycles: try optimizer.latencyLimit(fps: 5_000)))
        let s = try optimizer.solve(problem, solver: .native)
        #expect(s.status == .infeasible)
        let least = try #require(s.leastLatencyCycles)
        #expect(s.diagnosis?.contains("least latency reachable is \(least) cycles") == true)
        // Against the accelerator optimizer at the lowest widths (the brief's "all blocks at the lowest bits").
        let lowest = problem.network(withBits: problem.allowedBits.map { $0.first! })
        let direct = try SubgraphTarget(device: Fixtures.zu3eg).solve(lowest, solver: .native)
        #expect(least <= direct.latencyCycles!)
        var atLeast = problem
        atLeast.limit = .latency(maxCycles: least)
        #expect(try optimizer.solve(atLeast, solver: .native).status == .optimal)
        atLeast.limit = .latency(maxCycles: least - 1)
        #expect(try optimizer.solve(atLeast, solver: .native).status == .infeasible)
        // GLPK says the same.
        #expect(try optimizer.solve(problem, solver: .glpk).status == .infeasible)
    }

    /// Residual partners share a width; block 0 with a residual add keeps the stem's.
    @Test func residualGroups() throws {
        let network = try mobileNetV2()
        let (groups, pinned) = BitAllocationProblem.residualGroups(network)
        for (j, block) in network.blocks.enumerated() where block.hasResidual && j > 0 {
            #expect(groups.contains { $0.contains(j) && $0.contains(j - 1) }, "block \(j) and \(j - 1)")
        }
        for g in groups { for b in g.dropFirst() { #expect(network.blocks[b].hasResidual) } }
        #expect(pinned.isEmpty == !network.blocks[0].hasResidual)
        let optimizer = BitAllocationOptimizer(device: Fixtures.zu3eg)
        let problem = penaltyProblem(network, limit: .latency(maxCycles: try optimizer.latencyLimit(fps: 300)))
        for solver in [SolverChoice.native, .glpk] {
            let s = try optimizer.solve(problem, solver: solver)
            let bits = try #require(s.bits)
            for g in groups { #expect(Set(g.map { bits[$0] }).count == 1) }
            #expect(bits.contains(4) && bits.contains(8), "a 300 fps target on MobileNetV2 should need mixed widths: \(bits)")
        }
    }

    @Test func badProblemsAreTypedErrors() throws {
        let network = try mobileNetV2()
        let n = network.blocks.count
        let ok = BitAllocationProblem(
            network: network, allowedBits: Array(repeating: [4, 8], count: n),
            penalties: Array(repeating: [1, 0], count: n), groups: [], limit: .latency(maxCycles: 1_000_000))
        var p = ok
        p.penalties[0] = [1]
        #expect(throws: BitAllocationError.self) { _ = try BitAllocationContext(problem: p, device: Fixtures.zu3eg) }
        p = ok
        p.groups = [[0, 1], [1, 2]]
        #expect(throws: BitAllocationError.self) { _ = try BitAllocationContext(problem: p, device: Fixtures.zu3eg) }
        p = ok
        p.allowedBits[0] = [8]
        p.penalties[0] = [0]
        p.allowedBits[1] = [4]
        p.penalties[1] = [0]
        p.groups = [[0, 1]]
        #expect(throws: BitAllocationError.self) { _ = try BitAllocationContext(problem: p, device: Fixtures.zu3eg) }
        p = ok
        p.limit = .latency(maxCycles: 0)
        #expect(throws: BitAllocationError.self) { _ = try BitAllocationContext(problem: p, device: Fixtures.zu3eg) }
    }
}
