import ArgumentParser
import Foundation
import HAOCalibration
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

/// `hao latency`: a latency table for many networks on one target and device.
struct LatencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Build a latency table: latency, fps, configuration and resources of every network of a space on a device.",
        discussion: """
            INPUT is a network file or shipped network name, or a CSV with an arch_def
            column (timm notation, as in anb_zcu102.csv; columns resolution, stem_ch,
            head_ch, num_classes, act, id are read when present). Each network gets the
            configuration the target chooses for it, or the one in --configuration-file
            (hardware already built). A row that cannot be read is reported on standard
            error with its line and skipped; the exit status is 1 when a row was skipped
            or no network could be evaluated. With --calibration the figures come from a
            fitted profile, and the table says which.
            Examples:
              hao latency anb_zcu102.csv --device zcu102 --calibration zcu102-b4096-anb --out table.csv
              hao latency mnasnet_a1 fbnet_b --json
            """
    )

    @Argument(help: ArgumentHelp("Network files, shipped network names, or CSV files with an arch_def column.", valueName: "input"))
    var inputs: [String]

    @OptionGroup var hardware: HardwareOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Evaluate every network on this configuration (a JSON file in the target's format) instead of solving each.", valueName: "file")
    )
    var configurationFile: String?

    @Flag(
        name: .long,
        help:
            "Solve each network's configuration even when the calibration profile was fitted on one fixed configuration (which is used by default, so the table predicts what the profile was validated on)."
    )
    var solveEach = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Solver of each network's configuration problem: native (default here: the fastest), glpk, auto or enumeration.",
            valueName: "solver"))
    var solver: SolverChoice = .native

    @Option(name: .long, help: "Threads (default: the number of cores). Does not change results.")
    var threads: Int?

    @Option(name: .long, help: "Write the table to this file (CSV, or JSON with --json) instead of standard output.")
    var out: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one network or CSV file") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let target = try hardware.makeTarget()
        var rows: [LatencyTableInput] = []
        for input in inputs {
            if input.lowercased().hasSuffix(".csv") {
                rows += try LatencyTableInput.rows(ofCSV: URL(fileURLWithPath: input))
            } else {
                rows.append(
                    LatencyTableInput(
                        file: input, line: nil,
                        network: Result { () throws(CalibrationError) -> Network in
                            do { return try hardware.loadNetwork(input) } catch {
                                throw .badFile(file: input, line: nil, reason: "\(error)")
                            }
                        }))
            }
        }
        var fixed = configurationFile.map { LatencyTable.FixedConfiguration.file(URL(fileURLWithPath: $0)) }
        if fixed == nil, !solveEach, let profile = target.settings.calibration, let json = profile.fixedConfiguration {
            printError(
                "note: profile \(profile.name) was fitted on one configuration; every network is evaluated on it (--solve-each to solve each): \(json)"
            )
            fixed = .profile(name: profile.name, json: json)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let table = try LatencyTable.build(
            rows, on: target, fixed: fixed, solver: solver,
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let seconds = (clock.now - start).seconds
        let text: String
        if output.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            text = String(decoding: try encoder.encode(LatencyTableDocument(table)), as: UTF8.self) + "\n"
        } else {
            text = table.csv()
        }
        if let out {
            do { try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out)) } catch { throw CLIError(error.description) }
        } else {
            try emit(Data(text.utf8))
        }
        for s in table.skipped {
            printError("skipped \(URL(fileURLWithPath: s.file).lastPathComponent)\(s.line.map { ", line \($0)" } ?? ""): \(s.reason)")
        }
        let rate = seconds > 0 ? Double(table.rows.count) / seconds : 0
        printError(
            "\(table.rows.count) networks in \(fixedPoint(seconds, 2)) s (\(fixedPoint(rate, 0))/s), \(table.skipped.count) skipped; latency model: \(table.latencyModel.summary)"
        )
        if !table.skipped.isEmpty || table.rows.isEmpty { throw ExitCode.failure }
    }
}
