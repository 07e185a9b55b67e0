import ArgumentParser
import Foundation
import HAOHardware
import HAONetwork
import HAOSupport

/// `hao verify NETWORK`: GLPK, the native solver and (when small enough) exhaustive enumeration must agree.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Solve with GLPK and with the native solver, enumerate every configuration when feasible, and check they agree.",
        discussion: """
            Exits with status 1 on any disagreement. Enumeration runs when there are
            at most --max-enumeration candidates (the subgraph target's default
            candidate sets give 147 x 70 x 147 = 1,512,630 triples, the dpu target
            a few hundred designs, so it runs for every shipped network).
            Examples:
              hao verify mnasnet_a1 --device zu3eg
              hao verify mobilenet_v2_1.0 --bits 4 --device zcu102
              hao verify mnasnet_a1 --target dpu --device zcu102 --objective throughput
            """
    )

    @Argument(help: "Network JSON file or shipped network name.")
    var network: String

    @OptionGroup var hardware: HardwareOptions
    @OptionGroup var objectiveOption: ObjectiveOption

    @Option(name: .long, parsing: .unconditional, help: "Set every block's weight and activation bits (stem and head keep theirs).")
    var bits: Int?

    @Option(name: .long, parsing: .unconditional, help: "Largest number of candidates to enumerate exhaustively.")
    var maxEnumeration: Int = 2_000_000

    @OptionGroup var output: OutputOptions

    /// Enumeration evaluates every candidate triple, about 1 µs each in a release build: a
    /// billion is a quarter of an hour, beyond which a request is a typo.
    static let maximumEnumeration = 1_000_000_000

    func validate() throws {
        guard (0...Self.maximumEnumeration).contains(maxEnumeration) else {
            throw ValidationError(
                "--max-enumeration must be in 0...\(Self.maximumEnumeration) candidate triples (0 skips enumeration; each triple is evaluated, a billion take minutes), got \(maxEnumeration)"
            )
        }
    }

    func run() throws {
        let target = try hardware.makeTarget()
        let net = try hardware.loadNetwork(network).withBlockBits(bits)
        let check = try target.checkAgreement(net, objective: objectiveOption.designObjective, maxEnumeration: maxEnumeration)
        if output.json {
            try printJSON(VerifyOutput(network: net.name, device: target.device.part, check: check))
        } else {
            try emit(describe(check, network: net, device: target.device))
            try emit("Latency model: \(target.latencyModel.summary)")
        }
        if !check.agree { throw ExitCode.failure }
    }

    private func describe(_ check: SolverAgreement, network: Network, device: Device) -> String {
        let summary =
            check.candidateSummary == "\(check.enumerationSize)"
            ? "\(check.enumerationSize) candidates"
            : "\(check.candidateSummary) = \(check.enumerationSize) candidate triples"
        var lines = ["\(network.name) on \(device.part): \(summary)"]
        lines.append(
            textTable(
                ["solver", "status", check.objectiveName.replacingOccurrences(of: "_", with: " "), "solve ms"],
                check.rows.map {
                    [$0.solver, $0.status, $0.objective.map { String(Int($0)) } ?? "-", fixedPoint($0.solveTime.milliseconds, 3)]
                }, rightAligned: [2, 3]))
        if let note = check.note { lines.append("note: \(note)") }
        if !check.enumerated {
            lines.append("enumeration skipped: \(check.enumerationSize) candidates exceed --max-enumeration \(maxEnumeration)")
        }
        if let diagnosis = check.diagnosis { lines.append(diagnosis) }
        lines.append(check.agree ? "agreement: all solvers give the same optimum" : "DISAGREEMENT: the solvers differ")
        return lines.joined(separator: "\n")
    }
}

// swift-format-ignore: AlwaysUseLowerCamelCase
// Property names are the JSON keys of this documented output; renaming them would change the output.
/// The `--json` form of `hao verify`: every key always present (`note` is null when there is nothing to say).
private struct VerifyOutput: Encodable {
    struct Row: Encodable {
        var solver: String
        var status: String
        var latency_cycles: Int?
        var objective: Double?
        var solve_ms: Double
    }
    var network: String
    var device: String
    var agree: Bool
    var enumerated: Bool
    var candidate_triples: Int
    var objective_name: String
    var results: [Row]
    var note: String?

    init(network: String, device: String, check: SolverAgreement) {
        self.network = network
        self.device = device
        agree = check.agree
        enumerated = check.enumerated
        candidate_triples = check.enumerationSize
        objective_name = check.objectiveName
        let cycles = check.objectiveName == "latency_cycles"
        results = check.rows.map {
            Row(
                solver: $0.solver, status: $0.status, latency_cycles: cycles ? $0.objective.map { Int($0) } : nil,
                objective: $0.objective, solve_ms: $0.solveTime.milliseconds)
        }
        note = check.note
    }

    enum CodingKeys: String, CodingKey { case network, device, agree, enumerated, candidate_triples, objective_name, results, note }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(network, forKey: .network)
        try c.encode(device, forKey: .device)
        try c.encode(agree, forKey: .agree)
        try c.encode(enumerated, forKey: .enumerated)
        try c.encode(candidate_triples, forKey: .candidate_triples)
        try c.encode(objective_name, forKey: .objective_name)
        try c.encode(results, forKey: .results)
        try c.encode(note, forKey: .note)
    }
}
