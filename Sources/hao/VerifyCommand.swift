import ArgumentParser
import Foundation
import HAOHardware
import HAONetwork

/// `hao verify NETWORK`: GLPK, the native solver and (when small enough) exhaustive enumeration must agree.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Solve with GLPK and with the native solver, enumerate every configuration when feasible, and check they agree.",
        discussion: """
        Exits with status 1 on any disagreement. Enumeration runs when there are
        at most --max-enumeration candidate triples (the default candidate sets
        give 672,280, so it runs for every shipped network).
        Examples:
          hao verify mnasnet_a1 --device zu3eg
          hao verify mobilenet_v2_1.0 --bits 4 --device zcu102
        """
    )

    @Argument(help: "Network JSON file or shipped network name.")
    var network: String

    @OptionGroup var hardware: HardwareOptions

    @Option(name: .long, help: "Set every block's weight and activation bits (stem and head keep theirs).")
    var bits: Int?

    @Option(name: .long, help: "Largest number of candidate triples to enumerate exhaustively.")
    var maxEnumeration: Int = 2_000_000

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let device = try hardware.resolveDevice()
        let net = withBlockBits(try hardware.loadNetwork(network), bits)
        let optimizer = AcceleratorOptimizer(device: device, cap: try hardware.resolveCap())
        var glpk = try optimizer.solve(net, solver: .glpk)
        // When pruning empties an engine, no solver runs on the pruned program (it is infeasible by
        // construction); GLPK then solves the unpruned program, so that its row is GLPK's own answer.
        var glpkNote: String? = nil
        if glpk.solver == AcceleratorSolution.decidedByPruning {
            var unpruned = optimizer
            unpruned.pruning = .none
            glpk = try unpruned.solve(net, solver: .glpk)
            glpkNote = "pruning left an engine with no candidate (\(glpk.candidateCounts.before.map(String.init).joined(separator: "/")) candidates before pruning); GLPK solved the unpruned program"
        }
        let native = try optimizer.solve(net, solver: .native)
        // Read into locals once: Swift 6.3's release optimiser crashed (an ownership error in
        // CopyPropagation) when these computed optionals were read in the branches below.
        let nativeDiagnosis = native.diagnosis
        let glpkCycles = glpk.latencyCycles
        let nativeCycles = native.latencyCycles
        let (_, full) = try optimizer.setUp(net)
        let triples = full.candidateCounts.reduce(1, *)
        var exhaustive: VerifyEnumeration? = nil
        if triples <= maxEnumeration {
            let start = ContinuousClock.now
            let result = full.solveExhaustive()
            exhaustive = VerifyEnumeration(cycles: result.objective.map { Int($0) }, ms: milliseconds(ContinuousClock.now - start))
        }
        var agree = glpk.status == native.status && glpkCycles == nativeCycles
        if let exhaustive { agree = agree && exhaustive.cycles == nativeCycles }

        var rows = [
            VerifyRow(solver: glpkNote == nil ? "glpk" : "glpk (unpruned)", status: glpk.status.rawValue, latency_cycles: glpkCycles, solve_ms: milliseconds(glpk.solveTime)),
            VerifyRow(solver: "native", status: native.status.rawValue, latency_cycles: nativeCycles, solve_ms: milliseconds(native.solveTime)),
        ]
        if let exhaustive {
            rows.append(VerifyRow(solver: "exhaustive", status: exhaustive.cycles == nil ? "infeasible" : "optimal",
                            latency_cycles: exhaustive.cycles, solve_ms: exhaustive.ms))
        }
        if json {
            try printJSON(VerifyOutput(network: net.name, device: device.part, agree: agree, enumerated: exhaustive != nil,
                                 candidate_triples: triples, results: rows, note: glpkNote))
        } else {
            print("\(net.name) on \(device.part): \(full.candidateCounts.map(String.init).joined(separator: " x ")) = \(triples) candidate triples")
            print(textTable(["solver", "status", "latency cycles", "solve ms"], rows.map {
                [$0.solver, $0.status, $0.latency_cycles.map(String.init) ?? "-", format($0.solve_ms, 3)]
            }, rightAligned: [2, 3]))
            if let glpkNote { print("note: \(glpkNote)") }
            if exhaustive == nil { print("enumeration skipped: \(triples) triples exceed --max-enumeration \(maxEnumeration)") }
            if let nativeDiagnosis { print(nativeDiagnosis) }
            print(agree ? "agreement: all solvers give the same optimum" : "DISAGREEMENT: the solvers differ")
        }
        if !agree { throw ExitCode.failure }
    }
}


// Kept at file scope: Swift 6.3's optimiser crashed (CopyPropagation) on these as local
// types next to an optional tuple in run().
private struct VerifyEnumeration {
    var cycles: Int?
    var ms: Double
}

private struct VerifyRow: Encodable {
    var solver: String
    var status: String
    var latency_cycles: Int?
    var solve_ms: Double
}

private struct VerifyOutput: Encodable {
    var network: String
    var device: String
    var agree: Bool
    var enumerated: Bool
    var candidate_triples: Int
    var results: [VerifyRow]
    /// Why a row is not the plain solve (e.g. GLPK ran on the unpruned program); null otherwise.
    var note: String?

    enum CodingKeys: String, CodingKey { case network, device, agree, enumerated, candidate_triples, results, note }

    // Every key always present (note is null when there is nothing to say).
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(network, forKey: .network)
        try c.encode(device, forKey: .device)
        try c.encode(agree, forKey: .agree)
        try c.encode(enumerated, forKey: .enumerated)
        try c.encode(candidate_triples, forKey: .candidate_triples)
        try c.encode(results, forKey: .results)
        try c.encode(note, forKey: .note)
    }
}
