import Foundation
import HAONetwork
import HAOSolver
import HAOSupport
import Testing

@testable import HAOHardware

/// Small candidate sets so exhaustive enumeration stays fast: 32 x 24 x 32 triples.
private var smallParameters: SubgraphParameters {
    var p = SubgraphParameters()
    p.pointwiseUnrolls = [1, 2, 4, 8]
    p.depthwiseChannelUnrolls = [1, 2, 4, 8]
    p.depthwiseTapUnrolls = [1, 3, 9]
    return p
}

private func randomDevice(_ rng: inout SplitMix64) -> Device {
    var device = Fixtures.zu3eg
    device.family = Bool.random(using: &rng) ? .zynqUltraScalePlus : .zynq7000
    device.resources = Resources(
        dsp: Int.random(in: 8...160, using: &rng), bram18: Int.random(in: 20...200, using: &rng),
        uram: 0, lut: Int.random(in: 12_000...40_000, using: &rng), ff: Int.random(in: 20_000...80_000, using: &rng))
    device.ddrBandwidthGBps = [1.0, 4.0, 16.0].randomElement(using: &rng)!
    return device
}

/// The networks the memo is exercised with: every shipped network at 8 and 4 bits and with
/// alternating widths, and random ones (shapes repeat across them, so the memo is hit).
private func memoNetworks() throws -> [Network] {
    var result: [Network] = []
    for network in try Fixtures.shippedNetworks() {
        for policy in 0..<3 {
            var n = network
            for i in n.blocks.indices { n.blocks[i].precision = .uniform(policy == 0 ? 8 : policy == 1 ? 4 : (i % 2 == 0 ? 4 : 8)) }
            result.append(n)
        }
    }
    var rng = SplitMix64(seed: 77)
    for _ in 0..<40 {
        // Each random network also without its residual adds (timm's noskip): the same layer
        // shapes with and without the residual's DDR traffic.
        let network = Fixtures.randomNetwork(&rng, blocks: 1...6)
        var noSkip = network
        for i in noSkip.blocks.indices where noSkip.blocks[i].hasResidual { noSkip.blocks[i].noSkip = true }
        result += [network, noSkip]
    }
    return result
}

@Suite("Fast exact evaluator (memoised tables, incumbents, bounded scan)")
struct FastEvaluatorTests {
    /// The memo's tables are the cost model's: every floor, every term of every candidate in every
    /// path, and every resource equal the instance's, with one memo shared by all networks.
    /// Fixed overheads of a calibrated model (the shipped Ultra96 profile has a 253 us launch):
    /// 2 us a stage, 0.5 us a layer, 100 us a launch, and slower engines.
    static let overheads: SubgraphParameters = {
        var parameters = SubgraphParameters.standard
        parameters.latency.stageOverheadUs = 2
        parameters.latency.layerOverheadUs = 0.5
        parameters.latency.launchOverheadUs = 100
        parameters.latency.ddrEfficiency = 0.4
        return parameters
    }()

    @Test(arguments: [false, true])
    func memoisedTablesEqualTheCostModelsTables(calibrated: Bool) throws {
        let target = SubgraphTarget(device: Fixtures.zu3eg, parameters: calibrated ? Self.overheads : .standard)
        let evaluator = target.makeFastEvaluator()
        for network in try memoNetworks() + memoNetworks() {
            let (model, instance) = try target.setUp(network)
            let candidates = EngineKind.allCases.map { model.candidates($0) }
            let entries = evaluator.stageTables(model, candidates: candidates)
            let tables = FastTables(entries: entries, counts: candidates.map(\.count), fixed: model.fixedResources, budget: target.budget)
            #expect(tables.floors == instance.memoryCycles, "\(network.name)")
            #expect(tables.totalPaths == instance.pathCount)
            var mismatches = 0
            for e in 0..<3 {
                #expect(candidates[e].map { model.resources($0) } == instance.resources[e])
                for c in 0..<instance.candidateCounts[e] {
                    for s in tables.floors.indices {
                        for k in 0..<tables.paths[s] where tables.term(e, c, s, k) != instance.term(e, c, tables.pathStart[s] + k) {
                            mismatches += 1
                        }
                    }
                }
            }
            #expect(mismatches == 0, "\(network.name): \(mismatches) memoised terms differ from the cost model's")
        }
        let stats = evaluator.statistics
        #expect(stats.memoHits > stats.memoMisses, "the second pass and repeated shapes must hit the memo")
    }

    /// The per-candidate bounds are lower bounds: on random small instances no triple using a
    /// candidate is faster than its bound, and the bound of some candidate of each engine is met by
    /// a triple (it is not a vacuous 0).
    @Test func candidateBoundsAreLowerBounds() throws {
        var rng = SplitMix64(seed: 31)
        for _ in 0..<30 {
            let target = SubgraphTarget(device: randomDevice(&rng), cap: .none, parameters: smallParameters)
            let network = Fixtures.randomNetwork(&rng, blocks: 1...4)
            let (model, full) = try target.setUp(network)
            let candidates = EngineKind.allCases.map { model.candidates($0) }
            let tables = FastTables(
                entries: target.makeFastEvaluator().stageTables(model, candidates: candidates),
                counts: candidates.map(\.count), fixed: model.fixedResources, budget: target.budget)
            var least = [[Int]](repeating: [], count: 3)
            for e in 0..<3 { least[e] = [Int](repeating: Int.max, count: full.candidateCounts[e]) }
            for a in 0..<full.candidateCounts[0] {
                for b in 0..<full.candidateCounts[1] {
                    for c in 0..<full.candidateCounts[2] {
                        let latency = full.latency([a, b, c])
                        for (e, x) in [a, b, c].enumerated() { least[e][x] = min(least[e][x], latency) }
                    }
                }
            }
            for e in 0..<3 {
                #expect(zip(tables.bound[e], least[e]).allSatisfy { $0 <= $1 }, "engine \(e)")
                #expect(tables.bound[e].max()! > 0)
            }
        }
    }

    /// Every field of `Layer` must be in the memo key; a new field fails here until the key has it.
    @Test func theStageKeyCoversEveryLayerField() throws {
        let layer = try #require(try Fixtures.shippedNetworks().first?.layers.first)
        // The key packs role, kind, the 8 numeric/boolean fields and the two widths of precision.
        #expect(Mirror(reflecting: layer).children.count == 11)
        #expect(Mirror(reflecting: layer.precision).children.count == 2)
        #expect(StageKey.fieldsPerLayer == 12)
    }

    /// On random instances (random networks, devices, budgets) the fast evaluator returns the
    /// exhaustive enumerator's answer: the same latency and the same configuration (the first
    /// optimal triple in index order), or infeasible when enumeration finds nothing.
    @Test func fastAnswersEqualExhaustiveEnumerationOnRandomInstances() throws {
        var rng = SplitMix64(seed: 2024)
        var feasible = 0
        var infeasible = 0
        // One evaluator per device; each sees many networks, so its incumbents come from others.
        for _ in 0..<12 {
            let device = randomDevice(&rng)
            let target = SubgraphTarget(device: device, cap: .none, parameters: smallParameters)
            let evaluator = target.makeFastEvaluator()
            for _ in 0..<25 {
                let network = Fixtures.randomNetwork(&rng, blocks: 1...5)
                let (_, full) = try target.setUp(network)
                let exhaustive = full.solveExhaustive()
                let fast = try evaluator.leastLatency(of: network)
                #expect(fast.objective == exhaustive.objective)
                if let choice = exhaustive.choice {
                    feasible += 1
                    #expect(fast.configuration == full.configuration(choice))
                    #expect(fast.resources == full.totalResources(choice))
                    #expect(fast.latencyMs == Double(full.latency(choice)) / (device.clockMHz * 1000))
                } else {
                    infeasible += 1
                    #expect(fast.configuration == nil)
                }
            }
        }
        #expect(feasible >= 200)
        #expect(infeasible >= 1)
    }

    /// The answer does not depend on what was evaluated before (incumbents, memo): the same
    /// networks in two orders, with fresh and warm evaluators, give identical answers.
    @Test func answersDoNotDependOnEvaluationOrder() throws {
        let target = SubgraphTarget(device: Fixtures.zu3eg)
        let networks = try memoNetworks()
        let forward = target.makeFastEvaluator()
        let backward = target.makeFastEvaluator()
        let a = try networks.map { try forward.leastLatency(of: $0) }
        let b = try networks.reversed().map { try backward.leastLatency(of: $0) }.reversed()
        for (x, y) in zip(a, b) {
            #expect(x.configuration == y.configuration)
            #expect(x.objective == y.objective)
        }
        #expect(forward.statistics.incumbentWasOptimal > 0)
    }

    /// Every shipped network on every shipped device, at 8 and 4 bits: the fast optimum equals the
    /// native solver's and GLPK's (whole default candidate sets).
    @Test func fastEqualsNativeAndGLPKOnEveryShippedNetworkAndDevice() throws {
        for device in try Fixtures.shippedDevices() {
            let target = SubgraphTarget(device: device)
            let evaluator = target.makeFastEvaluator()
            for network in try Fixtures.shippedNetworks() {
                for bits in [8, 4] {
                    var n = network
                    for i in n.blocks.indices { n.blocks[i].precision = .uniform(bits) }
                    let fast = try evaluator.leastLatency(of: n)
                    let native = try target.solve(n, solver: .native)
                    let glpk = try target.solve(n, solver: .glpk)
                    #expect(fast.objective.map { Int($0) } == native.latencyCycles, "\(device.part) \(network.name) W\(bits)")
                    #expect(fast.objective.map { Int($0) } == glpk.latencyCycles, "\(device.part) \(network.name) W\(bits)")
                    if let configuration = fast.configuration {
                        // The fast answer evaluates, by the cost model itself, to its claimed latency.
                        let report = try target.evaluate(configuration, for: n)
                        #expect(Double(report.latencyCycles) == fast.objective)
                        #expect(report.totalResources == fast.resources)
                        #expect(report.totalResources.fits(in: target.budget))
                    }
                }
            }
        }
    }

    /// A calibrated model's fixed overheads are part of the fast answer: its latency is the cost
    /// model's for the configuration it returns and the native solver's optimum (the fast path
    /// once left them out, so a calibrated search recorded latencies short by the overheads).
    @Test func fastAnswersIncludeACalibratedModelsOverheads() throws {
        let target = SubgraphTarget(device: Fixtures.zu3eg, parameters: Self.overheads)
        let evaluator = target.makeFastEvaluator()
        for network in try Fixtures.shippedNetworks() {
            let fast = try evaluator.leastLatency(of: network)
            let native = try target.solve(network, solver: .native)
            #expect(fast.objective.map { Int($0) } == native.latencyCycles, "\(network.name)")
            let configuration = try #require(fast.configuration)
            let report = try target.evaluate(configuration, for: network)
            #expect(Double(report.latencyCycles) == fast.objective, "\(network.name)")
            #expect(fast.latencyMs == report.latencyMs, "\(network.name)")
            #expect(report.stages[0].overheadCycles >= 20_000, "the launch (100 us at 200 MHz) is charged")
        }
    }

    /// A full memo is emptied, not grown: with room for 3 entries the evaluator still answers
    /// exactly, and never holds more.
    @Test func theMemoIsBounded() throws {
        let target = SubgraphTarget(device: Fixtures.zu3eg, parameters: smallParameters)
        let evaluator = SubgraphFastEvaluator(target: target, memoCapacity: 3)
        var rng = SplitMix64(seed: 5)
        for _ in 0..<20 {
            let network = Fixtures.randomNetwork(&rng, blocks: 1...6)
            let fast = try evaluator.leastLatency(of: network)
            let (_, full) = try target.setUp(network)
            #expect(fast.objective == full.solveExhaustive().objective)
            #expect(evaluator.statistics.memoEntries <= 3)
        }
        #expect(evaluator.statistics.memoResets > 0)
    }
}
