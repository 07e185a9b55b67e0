import ArgumentParser
import Foundation
import HAOCoDesign
import HAOEvolution
import HAOHardware
import HAOSolver

extension BitsPolicy: ExpressibleByArgument {
    /// Parses a `--bits` value ("evolve", "optimal", "uniform8" or "uniform4", any case); nil for an unknown one.
    public init?(argument: String) { self.init(argument) }
    /// Every policy name `--bits` accepts, for `--help` and shell completion.
    public static var allValueStrings: [String] { BitsPolicy.allNames }
}

/// `hao search`: the evolutionary co-design search (architecture + bit widths + accelerator).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract:
            "Search networks, bit widths and accelerators together: NSGA-II over the search space, every candidate scored by the accuracy predictor and its own optimal accelerator.",
        discussion: """
            Every candidate network gets its optimal accelerator from the integer
            program on the device; the search keeps the Pareto frontier of predicted
            top-1 against latency. Progress goes to stderr; a frontier table and the
            comparison with the paper's headline (72.5% top-1 at 50 fps, 1.6x
            MnasNet-A1, 2.35x FBNet-B) go to stdout.

            DIR receives frontier.json, frontier.csv, frontier.svg, checkpoint.json
            (a snapshot rewritten atomically at most every 5 s, at the end and on
            Ctrl-C) and memo.journal (the evaluated candidates' keys, appended every
            generation). After a kill or Ctrl-C, '--resume DIR' continues from the
            last snapshot; the result is the same as an uninterrupted run.

            Solvers: auto (default) answers every candidate with the exact native
            algorithm and has GLPK certify every frontier point and a seeded 1% of
            the other candidates (frontier.json says how many, and that all held);
            glpk solves every candidate's integer program with GLPK.

            Examples:
              hao search                               The default run (ZU3EG).
              hao search --min-fps 60 --out runs/fast  Only networks reaching 60 fps.
              hao search --resume runs/fast --generations 40
              hao search --device zcu102 --cap lut=0.8 --solver native
              hao search benchmark --data nasbench_macro_cifar10.csv

            With evaluations done elsewhere (training, boards): --state DIR with
            --ask N / --tell FILE (docs/ask-tell.md).
            """,
        subcommands: [SearchBenchmarkCommand.self]
    )

    @OptionGroup var hardware: HardwareOptions
    @Option(name: .long, help: "Search space file (default: Models/spaces/\(CoDesignDefaults.spaceFile)).")
    var space: String?
    @Option(name: .long, help: "Accuracy predictor model file (default: Models/predictors/\(CoDesignDefaults.predictorFile)).")
    var predictor: String?
    @OptionGroup var shared: SearchSharedOptions
    @OptionGroup(title: "Ask/tell (external evaluators)") var askTell: AskTellOptions
    @Option(
        name: .long, parsing: .unconditional, help: "Generations after the initial population (default: \(CoDesignDefaults.generations)).")
    var generations: Int?
    @Option(name: .long, parsing: .unconditional, help: "Random seed (default: \(CoDesignDefaults.seed)).")
    var seed: UInt64?
    @Option(name: .long, parsing: .unconditional, help: "Minimum frames per second (batch 1).")
    var minFps: Double?
    @Option(name: .long, parsing: .unconditional, help: "Maximum latency in milliseconds.")
    var maxLatencyMs: Double?
    @Option(name: .long, help: ArgumentHelp("Accelerator solver: auto, glpk, native or enumeration (default: auto).", valueName: "solver"))
    var solver: SolverChoice?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Bit widths: 'evolve' (genes of the search), 'optimal' (each candidate gets the widths of least predicted penalty meeting --min-fps / --max-latency-ms from the bit-allocation program), or 'uniform8' / 'uniform4' (every searchable block at that width: the policy of the baselines, for a like-for-like ratio). Default: evolve.",
            valueName: "bits"))
    var bits: BitsPolicy?
    @Option(name: .long, parsing: .unconditional, help: "Evaluation threads (default: the number of cores). Does not change results.")
    var threads: Int?
    @Option(name: .long, help: "Output folder (default: \(CoDesignDefaults.outputFolder)).")
    var out: String?
    @Option(name: .long, help: "Continue the search whose checkpoint is in DIR.")
    var resume: String?
    @Flag(name: .long, help: "Skip the baselines (no comparison with MnasNet-A1 / FBNet-B).")
    var noBaselines = false
    @Flag(name: .long, help: "Start afresh even if the output folder holds an earlier search (its files are replaced).")
    var overwrite = false
    @Flag(
        name: .long,
        help:
            "Accept a predictor without a quantization part (e.g. a dense MLP) although bit widths are searched: it predicts every point at full precision, so 4 bits look free. Warned on stderr and recorded in frontier.json."
    )
    var allowBitBlindPredictor = false

    /// The request these options make.
    func request() throws -> CoDesignRequest {
        var r = CoDesignRequest()
        r.target = hardware.target.map { TargetID($0.lowercased()) }
        r.device = hardware.device
        r.cap = try hardware.cap.map { try UtilisationCap(parsing: $0) }
        r.modelsDirectory = hardware.modelsOptions.modelsDir
        r.space = space.map { URL(fileURLWithPath: $0) }
        r.predictor = predictor.map { URL(fileURLWithPath: $0) }
        r.population = shared.population
        r.variation = try shared.variation.map { try VariationOperators.named($0) }
        r.generations = generations
        r.seed = seed
        r.constraints = SearchConstraints(minFps: minFps, maxLatencyMs: maxLatencyMs)
        r.solver = solver
        r.bits = bits
        r.threads = threads
        r.output = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
        r.resume = resume.map { URL(fileURLWithPath: $0, isDirectory: true) }
        r.overwrite = overwrite
        r.baselines = !noBaselines
        r.allowBitBlindPredictor = allowBitBlindPredictor
        r.calibration = try hardware.resolveCalibration()
        return r
    }

    func validate() throws {
        try askTell.validate(out: out, resume: resume)
    }

    func run() throws {
        if let count = askTell.ask { return try runAsk(askTell, count: count) }
        if let file = askTell.tell { return try runTell(askTell, file: file) }
        let clock = ContinuousClock()
        let started = clock.now
        let renderer = SearchProgressRenderer(clock: clock)
        let outcome: AnyCoDesignOutcome
        do {
            let plan = try CoDesignPlan.make(try request())
            let stop = StopFlag()
            let signalSource = installInterruptHandler(stop)
            defer { signalSource.cancel() }
            outcome = try CoDesign.run(plan, shouldStop: { stop.isSet }, onEvent: renderer.render)
            renderer.finish()
        } catch let error as SearchError {
            throw CLIError(error.description)
        } catch let error as CoDesignError {
            throw CLIError(error.description)
        } catch let error as CoDesignRunError {
            renderer.finish()
            throw CLIError(error.description)
        }
        try emit(searchSummary(outcome, elapsed: clock.now - started))
        if outcome.interrupted {
            printError("Interrupted after generation \(outcome.generation); continue with: hao search --resume \(outcome.folder.path)")
            throw ExitCode(130)
        }
    }
}
