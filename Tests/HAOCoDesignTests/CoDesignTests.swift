import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor
import HAOSupport
import HAOTestSupport
import Testing

@testable import HAOCoDesign

/// The shipped default space (part of the repository, not external data).
func shippedSpace() throws -> SearchSpace {
    try SearchSpace(contentsOf: TestPaths.models.spaces.appendingPathComponent("ofa-mbv3-w4w8.json"))
}

/// Counts calls across threads.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func bump() {
        lock.lock()
        n += 1
        lock.unlock()
    }
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}

/// The "configuration" the synthetic evaluator reports: how much work the point is.
struct SyntheticConfiguration: Sendable, Hashable, Codable {
    var work: Double
}

typealias Metrics = CandidateMetrics<SyntheticConfiguration>

/// A stand-in for predictor + integer program with the same shape of answer: bigger networks are
/// more accurate and slower; the biggest do not fit the device. Only active slots matter.
struct SyntheticEvaluator: CandidateEvaluator {
    let calls = CallCounter()

    func evaluate(_ p: ArchitecturePoint) throws -> Evaluation<SyntheticConfiguration> {
        calls.bump()
        var work = 0.0
        var capacity = 0.0
        for slot in 0..<ArchitecturePoint.slotCount where p.isActive(slot: slot) {
            let stage = Double(slot / 4 + 1)
            let size = Double(p.kernels[slot] * p.kernels[slot]) / 9 * Double(p.expandRatios[slot]) * stage
            work += size * (p.bits[slot] == 4 ? 0.5 : 1)
            capacity += log(1 + size) * (p.bits[slot] == 4 ? 0.9 : 1)
        }
        let scale = Double(p.resolution * p.resolution) / (224.0 * 224.0)
        if work * scale > 260 { return Evaluation(.infeasible(reason: "buffers exceed the device", violation: work * scale / 260 - 1)) }
        let top1 = 60 + 4 * log(1 + capacity) + 3 * scale
        return Evaluation(
            .feasible(
                Metrics(
                    top1: top1, latencyMs: 1 + work * scale / 20, configuration: SyntheticConfiguration(work: work),
                    resources: Resources(dsp: 360, bram18: Int(work), lut: 1000, ff: 2000), solver: "synthetic")),
            predictorSeconds: 0, solverSeconds: 0)
    }
}

@Suite("Co-design search over the default space")
struct CoDesignTests {
    @Test func constraintsMakeSlowCandidatesInfeasible() throws {
        let evaluator = SyntheticEvaluator()
        let problem = try CoDesignProblem(space: shippedSpace(), evaluator: evaluator, constraints: SearchConstraints(minFps: 200))
        let search = try NSGA2(problem: problem, settings: NSGA2Settings(populationSize: 20, seed: 4), threads: 2)
        var state = try search.initialState()
        try search.run(&state, generations: 5)
        #expect(!state.archive.isEmpty)
        #expect(state.archive.members.allSatisfy { $0.outcome.payload!.fps >= 200 })
        #expect(
            state.evaluated.contains {
                if case .infeasible(let r, _) = $0.outcome { return r.contains("misses the limit") } else { return false }
            })
        for entry in state.evaluated { #expect(problem.space.contains(entry.genome)) }
    }

    @Test func unmappableRanksBehindTooSlow() throws {
        let problem = try CoDesignProblem(
            space: shippedSpace(), evaluator: SyntheticEvaluator(), constraints: SearchConstraints(maxLatencyMs: 2))
        let slow = problem.judge(.feasible(Metrics(top1: 70, latencyMs: 40)))
        let unmappable = problem.judge(.infeasible(reason: "too big", violation: 0))
        #expect(Pareto.constrainedDominates(slow, unmappable))
        #expect(!slow.isFeasible && !unmappable.isFeasible)
        let nonFinite = problem.judge(.feasible(Metrics(top1: .nan, latencyMs: 1)))
        #expect(!nonFinite.isFeasible)
    }

    @Test func impossibleConstraintsAreReportedUpFront() throws {
        let problem = try CoDesignProblem(
            space: shippedSpace(), evaluator: SyntheticEvaluator(), constraints: SearchConstraints(minFps: 100_000))
        #expect(throws: CoDesignError.self) { try problem.checkConstraintsArePossible() }
        let fine = try CoDesignProblem(space: shippedSpace(), evaluator: SyntheticEvaluator(), constraints: SearchConstraints(minFps: 10))
        try fine.checkConstraintsArePossible()
        #expect(throws: SearchError.self) { try SearchConstraints(minFps: -1).validate() }
        #expect(throws: SearchError.self) { try SearchConstraints(maxLatencyMs: .infinity).validate() }
    }

    /// Resource caps no configuration meets are caught by the up-front check even without a
    /// latency limit (it used to return at once unless --min-fps / --max-latency-ms was given).
    @Test func unmappableSmallestNetworkIsReportedUpFrontWithoutALatencyLimit() throws {
        struct Unmappable: CandidateEvaluator {
            func evaluate(_ p: ArchitecturePoint) throws -> Evaluation<SyntheticConfiguration> {
                Evaluation(.infeasible(reason: "BRAM18: the smallest configuration needs 40 of 4", violation: 9))
            }
        }
        let problem = try CoDesignProblem(space: shippedSpace(), evaluator: Unmappable())
        do {
            try problem.checkConstraintsArePossible()
            Issue.record("an unmappable space passed the up-front check")
        } catch let error as CoDesignError {
            #expect(error.description.contains("impossible constraints"), "\(error)")
            #expect(
                error.description.contains("BRAM18: the smallest configuration needs 40 of 4"), "the solver's diagnosis is lost: \(error)")
        }
        try CoDesignProblem(space: shippedSpace(), evaluator: SyntheticEvaluator()).checkConstraintsArePossible()
    }

    @Test func repeatedAndEquivalentCandidatesAreEvaluatedOnce() throws {
        let evaluator = SyntheticEvaluator()
        let problem = try CoDesignProblem(space: shippedSpace(), evaluator: evaluator)
        let search = try NSGA2(problem: problem, settings: NSGA2Settings(populationSize: 16, seed: 8), threads: 2)
        var state = try search.initialState()
        try search.run(&state, generations: 6)
        #expect(evaluator.calls.count == state.stats.evaluations)
        #expect(Set(state.evaluated.map { $0.genome }).count == state.evaluated.count)
        // Points that differ only in inactive slots share one memo entry.
        var a = state.evaluated[0].genome
        let inactive = (0..<ArchitecturePoint.slotCount).first { !a.isActive(slot: $0) }
        if let slot = inactive {
            a.kernels[slot] = problem.space.kernelChoices.last!
            #expect(state.cached(problem.canonical(a)) != nil)
        }
    }

    @Test func variationStaysInTheSpace() throws {
        let problem = try CoDesignProblem(space: shippedSpace(), evaluator: SyntheticEvaluator())
        var rng = SplitMix64(seed: 3)
        for _ in 0..<300 {
            let a = problem.randomGenome(using: &rng)
            let b = problem.randomGenome(using: &rng)
            let child = problem.mutate(problem.crossover(a, b, using: &rng), using: &rng)
            #expect(problem.space.contains(child))
        }
    }

    @Test func resumedCoDesignRunMatchesUninterruptedRunAndWritesReport() throws {
        let space = try shippedSpace()
        let settings = NSGA2Settings(populationSize: 16, seed: 21)
        let problem = try CoDesignProblem(space: space, evaluator: SyntheticEvaluator(), constraints: SearchConstraints(minFps: 40))
        let search = try NSGA2(problem: problem, settings: settings, threads: 2)
        var straight = try search.initialState()
        try search.run(&straight, generations: 7)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hao-codesign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("checkpoint.json")
        let meta = SearchMeta(
            device: Device(
                part: "TEST", board: "none", aliases: [], family: .zynqUltraScalePlus,
                resources: Resources(dsp: 1, bram18: 1, lut: 1, ff: 1), clockMHz: 100, ddrBandwidthGBps: 1, sources: []),
            space: space, predictorPath: "synthetic", predictorName: "synthetic", constraints: problem.constraints,
            cap: .standard, solver: .native, generations: 7, mutationRate: 0.1)
        var partial = try search.initialState()
        var stopAfter = 3
        try search.run(
            &partial, generations: 7, shouldStop: { _ in stopAfter <= 0 },
            afterGeneration: { s in
                try CoDesignCheckpoint(meta: meta, settings: settings, state: s).write(to: file)
                stopAfter -= 1
            })
        #expect(partial.generation == 3)
        var resumed = try CoDesignCheckpoint<SyntheticConfiguration>.read(from: file).state
        try search.run(&resumed, generations: 7)
        let key = { (s: SearchState<ArchitecturePoint, Metrics>) in s.archive.sorted.map { "\($0.genome)" } }
        #expect(key(resumed) == key(straight))
        #expect(resumed.population.map { $0.genome } == straight.population.map { $0.genome })

        let frontier = try problem.frontier(of: resumed)
        let report = FrontierReport(
            device: "TEST", space: space.name, constraints: problem.constraints, settings: settings,
            generations: resumed.generation, stats: resumed.stats, frontier: frontier,
            baselines: [BaselinePoint<SyntheticConfiguration>(name: "Base", bits: 8, top1: 70, top1Source: "test", latencyMs: 10)],
            headline: Headline(frontier: frontier, baselines: []))
        try report.write(to: folder)
        let csv = try String(contentsOf: folder.appendingPathComponent("frontier.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == frontier.count + 1)
        let svg = try String(contentsOf: folder.appendingPathComponent("frontier.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<circle").count - 1 >= frontier.count)
        let decoded = try JSONDecoder().decode(
            FrontierReport<SyntheticConfiguration>.self, from: Data(contentsOf: folder.appendingPathComponent("frontier.json")))
        #expect(decoded.frontier.count == frontier.count)
        #expect(decoded.frontier.map { $0.metrics.fps } == frontier.map { $0.metrics.fps })
        #expect(frontier.allSatisfy { $0.network.name == SearchSpace.label($0.point) })
    }

    @Test func headlinePicksFastestPointAboveTarget() throws {
        let space = try shippedSpace()
        var rng = SplitMix64(seed: 1)
        func point(_ top1: Double, _ latency: Double, bits: Int) throws -> FrontierPoint<SyntheticConfiguration> {
            var p = space.canonical(space.sample(using: &rng))
            p.bits = [Int](repeating: bits, count: ArchitecturePoint.slotCount)
            return FrontierPoint(point: p, network: try space.network(for: p), metrics: Metrics(top1: top1, latencyMs: latency))
        }
        let frontier = [try point(75, 40, bits: 4), try point(73, 20, bits: 4), try point(71, 10, bits: 4)]
        let baselines = [
            BaselinePoint<SyntheticConfiguration>(name: "MnasNet-A1", bits: 4, top1: 74, top1Source: "t", latencyMs: 40),
            BaselinePoint(name: "MnasNet-A1", bits: 8, top1: 74, top1Source: "t", latencyMs: nil),
            BaselinePoint(name: "FBNet-B", bits: 8, top1: 74, top1Source: "t", latencyMs: 50),
        ]
        let h = Headline(frontier: frontier, baselines: baselines)
        #expect(h.best?.metrics.latencyMs == 20)
        #expect(h.ratios.count == 2)
        #expect(h.ratios.first { $0.baseline == "MnasNet-A1" }.map { abs($0.ratio - 2) < 1e-12 && $0.samePolicy } == true)
        #expect(h.ratios.first { $0.baseline == "FBNet-B" }.map { abs($0.ratio - 2.5) < 1e-12 && !$0.samePolicy } == true)
        #expect(Headline(frontier: frontier, baselines: baselines, accuracyTarget: 80).best == nil)
    }

    /// A mixed-precision best point is compared with both the 8-bit and the 4-bit baselines, and
    /// every ratio says which policy each side uses; neither is called "same policy".
    @Test func headlineStatesTheBitWidthPolicyOfEachRatio() throws {
        let space = try shippedSpace()
        var rng = SplitMix64(seed: 2)
        var p = space.canonical(space.sample(using: &rng))
        let active = (0..<ArchitecturePoint.slotCount).filter { p.isActive(slot: $0) }
        for (k, slot) in active.enumerated() { p.bits[slot] = k < 3 ? 4 : 8 }
        let mixed = FrontierPoint<SyntheticConfiguration>(
            point: p, network: try space.network(for: p), metrics: Metrics(top1: 73, latencyMs: 10))
        #expect(mixed.bitPolicy == "mixed (3 of \(active.count) searchable blocks at 4 bits)")
        let baselines = [
            BaselinePoint<SyntheticConfiguration>(name: "MnasNet-A1", bits: 8, top1: 74, top1Source: "t", latencyMs: 30),
            BaselinePoint(name: "MnasNet-A1", bits: 4, top1: 70, top1Source: "t", latencyMs: 20),
            BaselinePoint(name: "FBNet-B", bits: 8, top1: 73, top1Source: "t", latencyMs: 25),
            BaselinePoint(name: "FBNet-B", bits: 4, top1: 69, top1Source: "t", latencyMs: 15),
        ]
        let h = Headline(frontier: [mixed], baselines: baselines)
        #expect(h.bestPolicy == mixed.bitPolicy)
        #expect(h.ratios.map { "\($0.baseline) \($0.bits)" } == ["MnasNet-A1 8", "MnasNet-A1 4", "FBNet-B 8", "FBNet-B 4"])
        #expect(h.ratios.allSatisfy { !$0.samePolicy && $0.baselinePolicy == "uniform \($0.bits)-bit" })
        #expect(h.ratios.map(\.ratio) == [3, 2, 2.5, 1.5])
        var uniform = p
        for slot in active { uniform.bits[slot] = 8 }
        let eight = FrontierPoint<SyntheticConfiguration>(
            point: uniform, network: try space.network(for: uniform), metrics: Metrics(top1: 73, latencyMs: 10))
        let h8 = Headline(frontier: [eight], baselines: baselines)
        #expect(h8.bestPolicy == "uniform 8-bit")
        #expect(h8.ratios.filter(\.samePolicy).map(\.bits) == [8, 8])
    }
}
