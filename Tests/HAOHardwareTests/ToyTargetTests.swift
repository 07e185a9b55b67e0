import Foundation
import HAONetwork
import HAOSolver
import HAOSupport
import Testing

@testable import HAOHardware

/// A complete hardware target in one file: the worked example of docs/extending.md. A single
/// multiply-accumulate array of `lanes` DSPs runs every layer in turn; a layer takes
/// ceil(MACs / lanes) cycles; the configuration problem picks the number of lanes.
struct ToyTarget: HardwareTarget {
    static let id = TargetID("toy")
    static let summary = "one MAC array of N lanes running every layer in turn"

    /// The configuration: how many lanes (one DSP each).
    struct Configuration: Sendable, Hashable, Codable, CustomStringConvertible {
        var lanes: Int
        var description: String { "\(lanes) lanes" }
    }

    struct Report: TargetReport {
        var configuration: Configuration
        var cycles: Int
        var clockMHz: Double
        var totalResources: Resources
        var budget: Resources
        var latencyMs: Double { Double(cycles) / (clockMHz * 1000) }
    }

    /// Candidate lane counts and each one's cycles for the network.
    struct Problem: ConfigurationProblem {
        var candidates: [Int]
        var cycles: [Int]
        var dspBudget: Int

        var outcomeWithoutSolving: ExactOutcome<Configuration>? { nil }
        var unreduced: Problem { self }
        var enumerationSize: Int { candidates.count }
        var candidateSummary: String { "\(candidates.count)" }

        func integerProgram() -> LinearModel {
            var model = LinearModel(name: "toy", objectiveName: "latency_cycles")
            let x = candidates.indices.map { model.addVariable("x_\(candidates[$0])", kind: .binary, objective: Double(cycles[$0])) }
            model.addEquality("one", x.map { 1.0 * $0 }, 1)
            model.addConstraint("budget_dsp", zip(candidates, x).map { Double($0) * $1 }, upperBound: Double(dspBudget))
            return model
        }

        func solve(with solver: any MILPSolver, options: SolverOptions) throws(SolverError) -> ExactOutcome<Configuration> {
            guard let solution = try solver.solve(integerProgram(), options: options).proven() else { return .infeasible() }
            let chosen = solution.values.indices.max { solution.values[$0] < solution.values[$1] }!
            return .optimal(Configuration(lanes: candidates[chosen]), objective: solution.objective!)
        }

        func solveNatively() throws(SolverError) -> ExactOutcome<Configuration> { try solveByEnumeration() }

        func solveByEnumeration() throws(SolverError) -> ExactOutcome<Configuration> {
            let fitting = candidates.indices.filter { candidates[$0] <= dspBudget }
            guard let best = fitting.min(by: { cycles[$0] < cycles[$1] }) else { return .infeasible() }
            return .optimal(Configuration(lanes: candidates[best]), objective: Double(cycles[best]), evaluatedCandidates: candidates.count)
        }
    }

    // The memberwise initialiser is the protocol's `init(settings:)`.
    var settings: TargetSettings

    func configurationProblem(for network: Network, objective: DesignObjective) throws(HardwareError) -> Problem {
        do { try network.validate() } catch { throw .invalidNetwork(error) }
        guard objective == .minimiseLatency else { throw .unsupported("the toy target minimises latency only") }
        let lanes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        return Problem(candidates: lanes, cycles: lanes.map { cycles(network, lanes: $0) }, dspBudget: budget.dsp)
    }

    func cycles(_ network: Network, lanes: Int) -> Int {
        network.layers.reduce(0) { $0 + ($1.macs + lanes - 1) / lanes }
    }

    func evaluate(_ configuration: Configuration, for network: Network) throws(HardwareError) -> Report {
        Report(
            configuration: configuration, cycles: cycles(network, lanes: configuration.lanes), clockMHz: device.clockMHz,
            totalResources: Resources(dsp: configuration.lanes, bram18: 0, lut: 0, ff: 0), budget: budget)
    }

    func objectiveValue(of report: Report, for objective: DesignObjective) throws(HardwareError) -> Double { Double(report.cycles) }

    func diagnoseInfeasibility(of problem: Problem, objective: DesignObjective) -> String {
        "infeasible on \(device.part): even 1 lane needs a DSP, the budget has \(budget.dsp)"
    }

    func describe(_ solution: HardwareSolution<ToyTarget>, network: Network) -> String {
        solution.report.map { "\(network.name): \($0.configuration), \($0.cycles) cycles" } ?? (solution.diagnosis ?? "infeasible")
    }

    func document(_ solution: HardwareSolution<ToyTarget>, network: Network, targetFPS: Double?) -> Report? { solution.report }
}

@Suite("A new hardware target plugs in through the protocol alone")
struct ToyTargetTests {
    @Test func solveVerifyAndExportWorkForATargetDefinedOutsideTheLibrary() throws {
        let network = try #require(try Fixtures.shippedNetworks().first)
        let target = ToyTarget(settings: TargetSettings(device: Fixtures.zu3eg))
        // 360 DSPs: 256 lanes is the fastest that fits.
        for solver in [SolverChoice.auto, .glpk, .native, .enumeration] {
            let solution = try target.solve(network, solver: solver)
            #expect(solution.configuration?.lanes == 256, "\(solver): \(solution.configuration.map(String.init(describing:)) ?? "none")")
            #expect(solution.report?.cycles == target.cycles(network, lanes: 256))
        }
        let agreement = try target.checkAgreement(network, maxEnumeration: 100)
        #expect(agreement.agree && agreement.enumerated)
        #expect(agreement.rows.map(\.solver) == ["glpk", "native", "exhaustive"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("toy-\(UUID().uuidString).mps").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try target.exportProgram(network, to: path, format: .freeMPS)
        #expect(try GLPKSolver().solve(LinearModel.read(from: path)).objective == Double(target.cycles(network, lanes: 256)))
    }

    @Test func aBudgetNothingFitsIsDiagnosedByTheTarget() throws {
        let network = try #require(try Fixtures.shippedNetworks().first)
        var device = Fixtures.zu3eg
        device.resources.dsp = 0
        let solution = try ToyTarget(settings: TargetSettings(device: device)).solve(network, solver: .glpk)
        #expect(solution.status == .infeasible)
        #expect(solution.diagnosis?.contains("the budget has 0") == true)
    }

    @Test func theRegistryListsTheShippedTargetsAndRejectsUnknownOnes() throws {
        #expect(HardwareTargets.names.first == "subgraph")
        #expect(HardwareTargets.named("SUBGRAPH") != nil)
        #expect(throws: HardwareError.self) { try HardwareTargets.make(TargetID("nope"), settings: TargetSettings(device: Fixtures.zu3eg)) }
    }
}
