import ArgumentParser

/// The `hao` command line: hardware-aware neural architecture optimisation for FPGAs.
@main
struct HAOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hao",
        abstract: "Hardware-aware neural architecture optimisation for FPGAs: accelerator integer programs solved exactly with GLPK, an accuracy predictor, and an evolutionary co-design search.",
        discussion: """
        Examples:
          hao lp model.mps                      Solve an LP/MPS file with GLPK.
        Run 'hao help <subcommand>' for the options and an example of each.
        """,
        version: HAOVersion.string,
        subcommands: [LPCommand.self, PredictCommand.self, PredictorCommand.self, SearchCommand.self, SolveCommand.self, VerifyCommand.self, BaselinesCommand.self, DevicesCommand.self]
    )
}

enum HAOVersion {
    static let string = "0.1.0"
}
