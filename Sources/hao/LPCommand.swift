import ArgumentParser

struct LPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lp", abstract: "Solve an LP or MPS file with GLPK (being written).")
    func run() throws {}
}
