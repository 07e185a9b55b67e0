import ArgumentParser

/// The `hao` command line: hardware-aware neural architecture optimisation for FPGAs.
@main
struct HAOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hao",
        abstract:
            "Hardware-aware neural architecture optimisation for FPGAs: accelerator integer programs solved exactly with GLPK, an accuracy predictor, and an evolutionary co-design search.",
        discussion: """
            Networks are JSON files or names in Models/networks; devices are listed by
            'hao devices'. Examples:
              hao search                           co-design search on the ZU3EG
              hao search --min-fps 60 --out fast   only networks reaching 60 fps
              hao solve mnasnet_a1 --device zu3eg  optimal accelerator, latency
              hao solve net.json --target-fps 100  least DSP reaching 100 fps
              hao verify fbnet_b --device zcu102   GLPK = native = enumeration?
              hao baselines --device zu3eg         top-1, MACs, fps at 8/4 bits
              hao predict point.json --json        predicted top-1 in the space
              hao predictor train --data F --out M retrain the accuracy predictor
              hao devices                          the device catalogue
              hao lp model.mps                     solve an LP/MPS file with GLPK
            Run 'hao help <subcommand>' for its options and more examples.
            """,
        version: HAOVersion.string,
        subcommands: [
            LPCommand.self, CalibrateCommand.self, LatencyCommand.self, QuantizeCommand.self, PredictCommand.self, PredictorCommand.self,
            SearchCommand.self, SolveCommand.self, VerifyCommand.self, BaselinesCommand.self, DevicesCommand.self, ImportCommand.self,
            ExportCommand.self,
        ]
    )

    /// The argument parser's `main`, with the standard streams made safe first and write
    /// failures reported (see ``Console``).
    static func main() {
        Console.prepare()
        do {
            var command = try parseAsRoot()
            try Console.run(&command)
        } catch {
            Console.exitReporting(Self.self, error: error)
        }
    }
}

enum HAOVersion {
    static let string = "0.1.0"
}
