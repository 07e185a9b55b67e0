import ArgumentParser
import Foundation
import HAOCalibration
import HAOHardware
import HAOSupport

/// `hao calibrate`: fits a target's latency constants to measured latencies, cross-validated.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract:
            "Fit a hardware target's latency constants to measured latencies; write a calibration profile and a predicted-vs-measured plot.",
        discussion: """
            Measurement files: block rows (the columns of ultra96_ofa_blocks.csv, each block
            timed as its own program), whole networks (a CSV with an arch_def column and a
            latency column, like anb_zcu102.csv), or network JSON files with a top-level
            measured_latency_ms (docs/calibration.md). Prints k-fold cross-validated errors
            beside the uncalibrated model and a MACs-only model fitted the same way. Use the
            profile with --calibration on solve, verify, baselines, quantize, search, latency.
            Examples:
              hao calibrate --measurements ultra96_ofa_blocks.csv --device zu3eg --out u96.json
              hao calibrate --measurements anb_zcu102.csv --latency-column latency_zcu102_ms \\
                  --device zcu102 --out zcu102.json --folds 10
            """
    )

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Measurement files (CSV or network JSON).", valueName: "file"))
    var measurements: [String] = []

    @OptionGroup var hardware: HardwareOptions

    @Option(name: .long, help: "Where to write the calibration profile (JSON).")
    var out: String

    @Option(name: .long, help: "Cross-validation folds.")
    var folds: Int = 10

    @Option(name: .long, help: "The latency column of CSV files (default: latency_ms, avg_ms, or the only latency*_ms column).")
    var latencyColumn: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Parameters to fit, comma-separated (default: all; the others keep their defaults).", valueName: "names"))
    var fit: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Evaluate every measurement on the configuration the target chooses for this network (fixed hardware) instead of each on its own.",
            valueName: "network"))
    var configurationOf: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Evaluate every measurement on this configuration (a JSON file in the target's format).", valueName: "file"))
    var configurationFile: String?

    @Option(name: .long, help: "Where to write the predicted-vs-measured plot (default: the profile's path with .svg).")
    var plot: String?

    @Option(name: .long, help: "The profile's name in reports (default: the profile file's name).")
    var name: String?

    @Option(name: .long, help: "Threads (default: the number of cores). Does not change results.")
    var threads: Int?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !measurements.isEmpty else { throw ValidationError("give at least one file with --measurements") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2, got \(folds)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if configurationOf != nil && configurationFile != nil {
            throw ValidationError("give --configuration-of or --configuration-file, not both")
        }
        if hardware.calibration != nil { throw ValidationError("--calibration applies a profile; calibrate fits one (omit it)") }
    }

    func run() throws {
        let target = try hardware.makeTarget()
        let outURL = URL(fileURLWithPath: out)
        var settings = CalibrationSettings(folds: folds)
        settings.free = fit.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let threads { settings.threads = threads }
        let request = CalibrationRequest(
            files: measurements.map { URL(fileURLWithPath: $0) }, reader: MeasurementReader(latencyColumn: latencyColumn),
            settings: settings,
            configurationOf: try configurationOf.map { try hardware.loadNetwork($0) },
            configurationFile: configurationFile.map { URL(fileURLWithPath: $0) },
            name: name ?? outURL.deletingPathExtension().lastPathComponent,
            command: (["hao"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
        let report = try CalibrationJob.run(request, on: target, progress: { printError($0) })
        try write(report, profileURL: outURL)
        if output.json { try printJSON(CalibrationDocument(report)) } else { try emit(report.text()) }
    }

    private func write(_ report: CalibrationReport, profileURL: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let plotURL = plot.map { URL(fileURLWithPath: $0) } ?? profileURL.deletingPathExtension().appendingPathExtension("svg")
        do {
            try AtomicFile.write(try encoder.encode(report.profile) + Data("\n".utf8), to: profileURL)
            try AtomicFile.write(Data(report.svg().utf8), to: plotURL)
        } catch let error as OutputError {
            throw CLIError(error.description)
        }
        printError("Wrote \(profileURL.path) and \(plotURL.path).")
    }
}
