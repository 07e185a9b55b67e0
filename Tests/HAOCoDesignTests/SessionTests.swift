import Foundation
import HAOEvolution
import HAOHardware
import HAOSolver
import HAOTestSupport
import Testing

@testable import HAOCoDesign

/// The co-design session in-process: fresh runs, resume, checkpoint policy and option conflicts,
/// on the shipped space, predictor and subgraph target (native solver, tiny populations).
@Suite("Co-design sessions")
struct SessionTests {
    private func request(_ folder: URL, generations: Int = 2) -> CoDesignRequest {
        var r = CoDesignRequest()
        r.modelsDirectory = TestPaths.models.url.path
        r.population = 8
        r.generations = generations
        r.seed = 3
        r.solver = .native
        r.threads = 2
        r.baselines = false
        r.output = folder
        return r
    }

    private func frontier(_ folder: URL) throws -> [String] {
        let report = try JSONDecoder().decode(
            FrontierReport<SubgraphConfiguration>.self,
            from: Data(contentsOf: folder.appendingPathComponent("frontier.json")))
        return report.frontier.map { "\($0.network.name) \($0.metrics.top1) \($0.metrics.latencyMs) \($0.metrics.configuration!)" }
    }

    @Test func aFreshRunWritesItsFrontierAndCheckpoint() throws {
        let folder = try TestPaths.temporaryDirectory("hao-session")
        defer { try? FileManager.default.removeItem(at: folder) }
        var events: [String] = []
        let outcome = try CoDesign.run(
            try CoDesignPlan.make(request(folder)),
            onEvent: { event in
                if case .starting = event { events.append("start") }
                if case .generationDone(let s) = event { events.append("gen \(s.generation)") }
            })
        #expect(events == ["start", "gen 0", "gen 1", "gen 2"])
        #expect(outcome.generation == 2 && !outcome.interrupted)
        #expect(outcome.frontierCount > 0)
        for file in ["frontier.json", "frontier.csv", "frontier.svg", "checkpoint.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try frontier(folder).count == outcome.frontierCount)
        // Every point carries its timm arch_def and once-for-all configuration (issue 16).
        let report = try JSONDecoder().decode(
            FrontierReport<SubgraphConfiguration>.self,
            from: Data(contentsOf: folder.appendingPathComponent("frontier.json")))
        for point in report.frontier {
            #expect(point.archDef?.isEmpty == false, "\(point.network.name) has no arch_def")
            #expect(point.ofaConfig?.r == [point.point.resolution], "\(point.network.name): \(String(describing: point.ofaConfig))")
            #expect(point.ofaConfig?.d == point.point.depths)
        }
        let csvHeader = try String(contentsOf: folder.appendingPathComponent("frontier.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(csvHeader.contains(",configuration,arch_def,ofa_config,network"))
    }

    @Test func aResumedRunEndsWhereAnUninterruptedOneDoes() throws {
        let straight = try TestPaths.temporaryDirectory("hao-session-straight")
        let split = try TestPaths.temporaryDirectory("hao-session-split")
        defer {
            try? FileManager.default.removeItem(at: straight)
            try? FileManager.default.removeItem(at: split)
        }
        _ = try CoDesign.run(try CoDesignPlan.make(request(straight, generations: 3)))
        _ = try CoDesign.run(try CoDesignPlan.make(request(split, generations: 1)))
        var resume = CoDesignRequest()
        resume.resume = split
        resume.generations = 3
        resume.threads = 1
        resume.baselines = false
        let plan = try CoDesignPlan.make(resume)
        #expect(plan.isResume && plan.settings.seed == 3 && plan.meta.solver == .native)
        _ = try CoDesign.run(plan)
        #expect(try frontier(split) == frontier(straight))
    }

    @Test func optionsThatWouldChangeAResumedSearchAreRefused() throws {
        let folder = try TestPaths.temporaryDirectory("hao-session-conflict")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CoDesign.run(try CoDesignPlan.make(request(folder, generations: 1)))
        var resume = CoDesignRequest()
        resume.resume = folder
        resume.seed = 4
        resume.population = 9
        do {
            _ = try CoDesignPlan.make(resume)
            Issue.record("a different seed and population were accepted on resume")
        } catch let error as CoDesignError {
            #expect(error.description.contains("--seed 4 (checkpoint: 3)"), "\(error)")
            #expect(error.description.contains("--population 9 (checkpoint: 8)"), "\(error)")
        }
        // A fresh search into a folder holding one needs --overwrite.
        #expect(throws: CoDesignError.self) { try CoDesignPlan.make(request(folder)) }
        var overwrite = request(folder)
        overwrite.overwrite = true
        _ = try CoDesignPlan.make(overwrite)
        // --overwrite and --resume contradict each other.
        resume = CoDesignRequest()
        resume.resume = folder
        resume.overwrite = true
        #expect(throws: CoDesignError.self) { try CoDesignPlan.make(resume) }
    }

    @Test func theDefaultsAreTheProductsAndAFreshPlanUsesThem() throws {
        let folder = try TestPaths.temporaryDirectory("hao-session-defaults")
        defer { try? FileManager.default.removeItem(at: folder) }
        var r = CoDesignRequest()
        r.modelsDirectory = TestPaths.models.url.path
        r.output = folder
        let plan = try CoDesignPlan.make(r)
        #expect(plan.settings.populationSize == CoDesignDefaults.population)
        #expect(plan.meta.generations == CoDesignDefaults.generations)
        #expect(plan.settings.seed == CoDesignDefaults.seed)
        #expect(plan.meta.mutationRate == CoDesignDefaults.mutationRate)
        #expect(plan.meta.device.part == "XCZU3EG")
        #expect(plan.meta.target == SubgraphTarget.id)
        #expect(plan.meta.solver == .auto)
        #expect(plan.meta.space.name.hasPrefix("ofa-mbv3"))
    }

    @Test func aUniformPolicyNarrowsTheSpaceAndOptimalBitsNeedALimit() throws {
        let folder = try TestPaths.temporaryDirectory("hao-session-bits")
        defer { try? FileManager.default.removeItem(at: folder) }
        var r = request(folder)
        r.bits = BitsPolicy("uniform8")
        do {
            // A plan holds its folder's lock while it exists; the next plan needs it released.
            let plan = try CoDesignPlan.make(r)
            #expect(plan.meta.space.bitChoices == [8])
        }
        r.bits = BitsPolicy("optimal")
        r.overwrite = true
        #expect(throws: SearchError.self) { try CoDesign.run(try CoDesignPlan.make(r)) }
        #expect(BitsPolicy("uniform3") == nil)
    }
}
