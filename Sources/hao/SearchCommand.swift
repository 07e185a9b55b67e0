import ArgumentParser
import Dispatch
import Foundation
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSearch
#if canImport(Glibc)
import Glibc
#endif

/// `hao search`: the evolutionary co-design search (architecture + bit widths + accelerator).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search networks, bit widths and accelerators together: NSGA-II over the search space, every candidate scored by the accuracy predictor and its own optimal accelerator.",
        discussion: """
        Every candidate network gets its optimal accelerator from the integer
        program on the device; the search keeps the Pareto frontier of predicted
        top-1 against latency. Progress goes to stderr; a frontier table and the
        comparison with the paper's headline (72.5% top-1 at 50 fps, 1.6x
        MnasNet-A1, 2.35x FBNet-B) go to stdout.

        DIR receives frontier.json, frontier.csv, frontier.svg and
        checkpoint.json (rewritten atomically after every generation). After a
        kill or Ctrl-C, '--resume DIR' continues where the last generation
        ended; the result is the same as an uninterrupted run.

        Examples:
          hao search                               The default run (ZU3EG).
          hao search --min-fps 60 --out runs/fast  Only networks reaching 60 fps.
          hao search --resume runs/fast --generations 40
          hao search --device zcu102 --cap lut=0.8 --solver native
          hao search benchmark --data nasbench_macro_cifar10.csv
        """,
        subcommands: [SearchBenchmarkCommand.self]
    )

    @Option(name: .long, help: "Device name or device JSON file (default: the catalogue's default, the ZU3EG).")
    var device: String?
    @Option(name: .long, help: "Search space file (default: Models/spaces/ofa-mbv3-w4w8.json).")
    var space: String?
    @Option(name: .long, help: "Accuracy predictor model file (default: Models/predictors/ofa-mbv3-w4w8-kernel.json).")
    var predictor: String?
    @Option(name: .long, help: "Models directory (default: located automatically).")
    var modelsDir: String?
    @OptionGroup var shared: SearchSharedOptions
    private var population: Int? { shared.population }
    private var variation: String? { shared.variation }
    @Option(name: .long, help: "Generations after the initial population (default: \(SearchCommand.defaultGenerations)).")
    var generations: Int?
    @Option(name: .long, help: "Random seed (default: 1).")
    var seed: UInt64?
    @Option(name: .long, help: "Minimum frames per second (batch 1).")
    var minFps: Double?
    @Option(name: .long, help: "Maximum latency in milliseconds.")
    var maxLatencyMs: Double?
    @Option(name: .long, help: "Resource caps: one fraction for all ('0.9') or pairs ('lut=0.9,dsp=1'). Default: 90% LUT, everything else 100%.")
    var cap: String?
    @Option(name: .long, help: "Accelerator solver: glpk, native or auto (default: auto).")
    var solver: String?

    /// The parsed `--solver` (parsed here rather than by a conformance, which another command may also declare).
    private func solverChoice() throws -> AcceleratorSolverChoice? {
        guard let solver else { return nil }
        guard let choice = AcceleratorSolverChoice(rawValue: solver.lowercased()) else {
            throw SearchError.invalidSetting("--solver must be one of \(AcceleratorSolverChoice.allCases.map(\.rawValue).joined(separator: ", ")), got '\(solver)'")
        }
        return choice
    }
    @Option(name: .long, help: "Bit widths: 'evolve' (genes of the search), 'optimal' (each candidate gets the widths of least predicted penalty meeting --min-fps / --max-latency-ms from the bit-allocation program), or 'uniform8' / 'uniform4' (every searchable block at that width: the policy of the baselines, for a like-for-like ratio). Default: evolve.")
    var bits: String?

    /// The parsed `--bits`: how widths are chosen and, for uniform8 / uniform4, the one width allowed.
    private func bitsChoice() throws -> (mode: BitsMode, uniform: Int?)? {
        guard let bits else { return nil }
        switch bits.lowercased() {
        case "uniform8": return (.evolve, 8)
        case "uniform4": return (.evolve, 4)
        default:
            guard let mode = BitsMode(rawValue: bits.lowercased()) else {
                throw SearchError.invalidSetting("--bits must be one of \((BitsMode.allCases.map(\.rawValue) + ["uniform8", "uniform4"]).joined(separator: ", ")), got '\(bits)'")
            }
            return (mode, nil)
        }
    }
    @Option(name: .long, help: "Evaluation threads (default: the number of cores). Does not change results.")
    var threads: Int?
    @Option(name: .long, help: "Output folder (default: hao-search).")
    var out: String?
    @Option(name: .long, help: "Continue the search whose checkpoint is in DIR.")
    var resume: String?
    @Flag(name: .long, help: "Skip the baselines (no comparison with MnasNet-A1 / FBNet-B).")
    var noBaselines = false
    @Flag(name: .long, help: "Start afresh even if the output folder holds an earlier search (its files are replaced).")
    var overwrite = false
    @Flag(name: .long, help: "Accept a predictor without a quantization part (e.g. a dense MLP) although bit widths are searched: it predicts every point at full precision, so 4 bits look free. Warned on stderr and recorded in frontier.json.")
    var allowBitBlindPredictor = false

    /// The default run's size, chosen by measurement (benchmarks/search/results.md): 128 x 80
    /// takes about 1.5 minutes in a release build on the 2-core machine and beat 48 x 25 (the
    /// earlier default, 9 s) on every seed, by 4.9% hypervolume and 11% more fps at >= 72.5%
    /// predicted top-1; 160 x 100 gained little more and took 2.5-4 minutes.
    static let defaultPopulation = 128
    static let defaultGenerations = 80

    func run() throws {
        do { try execute() } catch let error as SearchError {
            throw CLIError(error.description)
        }
    }

    private func execute() throws {
        let clock = ContinuousClock()
        let started = clock.now
        _ = try solverChoice()
        _ = try bitsChoice()
        _ = try variation.map { try VariationOperators.named($0) }
        let folder: URL
        var checkpoint: CoDesignCheckpoint?
        if let resume {
            if overwrite {
                throw SearchError.conflictingOptions("--overwrite starts a new search and --resume continues one; use one of them")
            }
            if let out, URL(fileURLWithPath: out).standardizedFileURL != URL(fileURLWithPath: resume).standardizedFileURL {
                throw SearchError.conflictingOptions("--out \(out) and --resume \(resume) name different folders; a resumed search writes into its own folder")
            }
            folder = URL(fileURLWithPath: resume, isDirectory: true)
            checkpoint = try CoDesignCheckpoint.load(from: folder.appendingPathComponent("checkpoint.json"))
        } else {
            folder = URL(fileURLWithPath: out ?? "hao-search", isDirectory: true)
        }
        try prepareFolder(folder, resuming: resume != nil)

        let models = try? ModelsDirectory.locate(explicit: modelsDir)
        let meta: SearchMeta
        let settings: NSGA2Settings
        if let checkpoint {
            try checkConsistent(with: checkpoint)
            meta = {
                var m = checkpoint.meta
                if let generations { m.generations = generations }
                if let choice = try? solverChoice() { m.solver = choice }
                return m
            }()
            settings = checkpoint.settings
        } else {
            meta = try freshMeta(models: models)
            settings = NSGA2Settings(populationSize: population ?? Self.defaultPopulation, seed: seed ?? 1)
        }
        guard meta.generations >= 0 else { throw SearchError.invalidSetting("--generations must be at least 0, got \(meta.generations)") }
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard threadCount >= 1, threadCount <= 256 else { throw SearchError.invalidSetting("--threads must be in 1...256, got \(threadCount)") }

        let model = try AccuracyPredictor(contentsOf: URL(fileURLWithPath: meta.predictorPath))
        try meta.checkPredictor(model, userAllows: allowBitBlindPredictor)
        if model.ignoresBitWidths {
            printError("Warning: the predictor \(meta.predictorName) has no quantization part: every top-1 is a full-precision prediction"
                + (meta.hasMixedBitChoices ? " and 4-bit blocks cost no accuracy, so the frontier favours 4 bits." : " (the space has one bit width, so candidates still rank fairly).")
                + " Recorded as predictor_ignores_bit_widths in frontier.json.")
        }
        let optimizer = AcceleratorOptimizer(device: meta.device, cap: meta.cap)
        let evaluator = HardwareAwareEvaluator(space: meta.space, predictor: model, optimizer: optimizer, solver: meta.solver)
        let chosen: any CandidateEvaluator
        if meta.bitsMode == .optimal {
            guard let limit = meta.constraints.latencyLimitMs else {
                throw SearchError.invalidSetting("--bits optimal chooses each candidate's widths for a latency limit: give --min-fps or --max-latency-ms")
            }
            // The native exact solver: thousands of small programs, each ~1 ms, where GLPK takes tens.
            chosen = try OptimalBitsEvaluator(space: meta.space, predictor: model, optimizer: BitAllocationOptimizer(device: meta.device, cap: meta.cap),
                                              solver: meta.solver == .glpk ? .glpk : .native, latencyLimitMs: limit)
        } else {
            chosen = evaluator
        }
        let problem = try CoDesignProblem(space: meta.space, evaluator: AnyCandidateEvaluator(chosen), constraints: meta.constraints,
                                          mutationRate: meta.mutationRate, bitsMode: meta.bitsMode, variation: meta.variation)
        let search = try NSGA2(problem: problem, settings: settings, threads: threadCount)
        let checkpointURL = folder.appendingPathComponent("checkpoint.json")

        let stop = StopFlag()
        let signalSource = installInterruptHandler(stop)
        defer { signalSource.cancel() }

        var state: SearchState<ArchitecturePoint, CandidateMetrics>
        if let checkpoint {
            state = checkpoint.state
            printError("Resuming \(folder.path) at generation \(state.generation) (\(state.stats.evaluations) evaluations so far).")
        } else {
            // One solve of the smallest network, before any checkpoint exists: impossible caps or
            // limits fail here, and the folder stays free for the next attempt.
            try problem.checkConstraintsArePossible()
            printError("Searching \(meta.space.name) on \(meta.device.part) (\(meta.device.board)): population \(settings.populationSize), \(meta.generations) generations, seed \(settings.seed), \(threadCount) thread(s), solver \(meta.solver.rawValue), variation \(meta.variation.name).")
            state = try search.initialState()
            try CoDesignCheckpoint(meta: meta, settings: settings, state: state).write(to: checkpointURL)
            progress(state, meta: meta, settings: settings, startGeneration: 0, startTime: started, clock: clock)
        }
        let startGeneration = state.generation
        let runStart = clock.now
        var lastSaved = state.generation
        do {
            try search.run(&state, generations: meta.generations, shouldStop: { _ in stop.isSet }, afterGeneration: { s in
                try CoDesignCheckpoint(meta: meta, settings: settings, state: s).write(to: checkpointURL)
                lastSaved = s.generation
                progress(s, meta: meta, settings: settings, startGeneration: startGeneration, startTime: runStart, clock: clock)
            })
        } catch let error as SearchError {
            if isatty(STDERR_FILENO) != 0 { printError("") }
            throw CLIError(error.description + "\n" + Self.howToProceed(folder: folder, generation: lastSaved))
        }
        if isatty(STDERR_FILENO) != 0 { printError("") }

        let frontier = try problem.frontier(of: state)
        var baselines: [BaselinePoint] = []
        if !noBaselines, let models, !frontier.isEmpty {
            baselines = try solveBaselines(models: models, evaluator: evaluator)
        }
        let report = FrontierReport(device: "\(meta.device.part) (\(meta.device.board))", space: meta.space.name,
                                    constraints: meta.constraints, settings: settings, generations: state.generation,
                                    stats: state.stats, frontier: frontier, baselines: baselines,
                                    headline: Headline(frontier: frontier, baselines: baselines),
                                    predictor: meta.predictorName, predictorIgnoresBitWidths: model.ignoresBitWidths)
        if !frontier.isEmpty { try report.write(to: folder) }
        printSummary(report, state: state, folder: folder, interrupted: stop.isSet, elapsed: clock.now - started)
        if stop.isSet && state.generation < meta.generations {
            // Checked before the empty-frontier failure: an interrupted search is resumable even
            // if it has not found a feasible network yet.
            printError("Interrupted after generation \(state.generation); continue with: hao search --resume \(folder.path)")
            throw ExitCode(130)
        }
        if frontier.isEmpty {
            let closest = state.evaluated.compactMap { entry -> (Double, String)? in
                if case .infeasible(let reason, let v) = entry.outcome { return (v, reason) }
                return nil
            }.min { $0.0 < $1.0 }
            let failure = SearchError.noFeasibleCandidate("\(state.stats.evaluations) candidates evaluated, none meets the constraints"
                + (closest.map { "; the closest: \($0.1)" } ?? ""))
            // A fresh search that found nothing leaves nothing worth resuming: its checkpoint is
            // removed so the same --out can be used with looser constraints without --overwrite.
            // A resumed search keeps the checkpoint it was given.
            if checkpoint == nil {
                try? FileManager.default.removeItem(at: checkpointURL)
                if overwrite {
                    // Frontier files there are the replaced search's, not this one's.
                    for name in ["frontier.json", "frontier.csv", "frontier.svg"] {
                        try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
                    }
                }
                throw CLIError(failure.description + "\nNothing was kept in \(folder.path); loosen the constraints and run again (the same --out works).")
            }
            throw CLIError(failure.description + "\n" + Self.howToProceed(folder: folder, generation: state.generation))
        }
    }

    /// What to do with the checkpoint a failed run leaves behind.
    static func howToProceed(folder: URL, generation: Int) -> String {
        "The checkpoint of generation \(generation) is kept in \(folder.path): continue with 'hao search --resume \(folder.path) --generations N', or start afresh there with --overwrite."
    }

    // MARK: - Options

    private func freshMeta(models: ModelsDirectory?) throws -> SearchMeta {
        if let population, population < 2 { throw SearchError.invalidSetting("--population must be at least 2, got \(population)") }
        let constraints = SearchConstraints(minFps: minFps, maxLatencyMs: maxLatencyMs)
        try constraints.validate()
        func need() throws -> ModelsDirectory {
            guard let models else { return try ModelsDirectory.locate(explicit: modelsDir) }
            return models
        }
        let catalogue = try DeviceCatalogue.load(models: try need())
        let chosenDevice = try catalogue.resolve(device ?? "zu3eg")
        let spaceURL = try space.map { URL(fileURLWithPath: $0) } ?? need().spaces.appendingPathComponent("ofa-mbv3-w4w8.json")
        var searchSpace = try SearchSpace(contentsOf: spaceURL)
        if let width = try bitsChoice()?.uniform {
            // A uniform policy is a space with one bit choice: the checkpoint holds it, the
            // genes cannot leave it, and the headline compares like with like.
            guard searchSpace.bitChoices.contains(width) else {
                throw SearchError.invalidSetting("--bits uniform\(width): the space \(searchSpace.name) allows bit widths \(searchSpace.bitChoices) only")
            }
            searchSpace.bitChoices = [width]
            searchSpace.name += "-uniform\(width)"
        }
        let predictorURL = try predictor.map { URL(fileURLWithPath: $0) } ?? need().predictors.appendingPathComponent("ofa-mbv3-w4w8-kernel.json")
        let model = try AccuracyPredictor(contentsOf: predictorURL)
        let caps = try cap.map { try UtilisationCap(parsing: $0) } ?? .standard
        return SearchMeta(device: chosenDevice, space: searchSpace, predictorPath: predictorURL.standardizedFileURL.path,
                          predictorName: model.modelName, constraints: constraints, cap: caps, solver: try solverChoice() ?? .auto,
                          generations: generations ?? Self.defaultGenerations, mutationRate: 0.1, bitsMode: try bitsChoice()?.mode ?? .evolve,
                          allowsBitBlindPredictor: allowBitBlindPredictor,
                          variation: try variation.map { try VariationOperators.named($0) } ?? .default)
    }

    /// A resumed search keeps what defines it; an option that would change it is a conflict.
    private func checkConsistent(with checkpoint: CoDesignCheckpoint) throws {
        let m = checkpoint.meta
        var conflicts: [String] = []
        if let seed, seed != checkpoint.settings.seed { conflicts.append("--seed \(seed) (checkpoint: \(checkpoint.settings.seed))") }
        if let population, population != checkpoint.settings.populationSize {
            conflicts.append("--population \(population) (checkpoint: \(checkpoint.settings.populationSize))")
        }
        if let minFps, minFps != m.constraints.minFps { conflicts.append("--min-fps \(minFps) (checkpoint: \(m.constraints.minFps.map { "\($0)" } ?? "none"))") }
        if let maxLatencyMs, maxLatencyMs != m.constraints.maxLatencyMs {
            conflicts.append("--max-latency-ms \(maxLatencyMs) (checkpoint: \(m.constraints.maxLatencyMs.map { "\($0)" } ?? "none"))")
        }
        if let device, !m.device.names.contains(device.lowercased()) { conflicts.append("--device \(device) (checkpoint: \(m.device.part))") }
        if space != nil { conflicts.append("--space (the checkpoint holds its space)") }
        if let predictor, URL(fileURLWithPath: predictor).standardizedFileURL.path != m.predictorPath {
            conflicts.append("--predictor \(predictor) (checkpoint: \(m.predictorPath))")
        }
        if let choice = try? bitsChoice() {
            let checkpointUniform = m.space.bitChoices.count == 1 ? m.space.bitChoices.first : nil
            if choice.mode != m.bitsMode || (choice.uniform != nil && choice.uniform != checkpointUniform) {
                conflicts.append("--bits \(bits ?? "") (checkpoint: \(checkpointUniform.map { "uniform\($0)" } ?? m.bitsMode.rawValue))")
            }
        }
        if let variation, variation.lowercased() != m.variation.name { conflicts.append("--variation \(variation) (checkpoint: \(m.variation.name))") }
        if let cap, (try? UtilisationCap(parsing: cap)) != m.cap { conflicts.append("--cap \(cap) (checkpoint has another cap)") }
        if let generations, generations < checkpoint.state.generation {
            conflicts.append("--generations \(generations) is below the \(checkpoint.state.generation) generations already done")
        }
        if !conflicts.isEmpty {
            throw SearchError.conflictingOptions("resuming a search keeps its settings; these differ: " + conflicts.joined(separator: "; "))
        }
    }

    /// Creates the folder and proves it is writable before any work is done.
    private func prepareFolder(_ folder: URL, resuming: Bool) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw SearchError.unwritableOutput(path: folder.path, detail: error.localizedDescription)
        }
        if !resuming && !overwrite && fm.fileExists(atPath: folder.appendingPathComponent("checkpoint.json").path) {
            throw SearchError.conflictingOptions("\(folder.path) already holds a search checkpoint; continue it with --resume \(folder.path), replace it with --overwrite, or choose another --out")
        }
        try CoDesignCheckpoint.atomicWrite(Data("probe\n".utf8), to: folder.appendingPathComponent(".write-probe"))
        try? fm.removeItem(at: folder.appendingPathComponent(".write-probe"))
    }

    // MARK: - Baselines

    private func solveBaselines(models: ModelsDirectory, evaluator: HardwareAwareEvaluator) throws -> [BaselinePoint] {
        let files = ((try? FileManager.default.contentsOfDirectory(at: models.networks, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var points: [BaselinePoint] = []
        for file in files {
            guard let network = try? Network.load(contentsOf: file) else {
                printError("Skipping baseline \(file.lastPathComponent): not a readable network file.")
                continue
            }
            for bits in [8, 4] {
                do { points.append(try evaluator.baseline(network, bits: bits)) } catch {
                    printError("Skipping baseline \(network.name) at \(bits) bits: \(error)")
                }
            }
        }
        return points
    }

    // MARK: - Output

    private func progress(_ s: SearchState<ArchitecturePoint, CandidateMetrics>, meta: SearchMeta, settings: NSGA2Settings,
                          startGeneration: Int, startTime: ContinuousClock.Instant, clock: ContinuousClock) {
        let target = meta.constraints.minFps ?? 50
        let best = s.archive.members.compactMap(\.outcome.payload).filter { $0.fps >= target }.map(\.top1).max()
        let done = s.generation - startGeneration
        let elapsed = seconds(clock.now - startTime)
        let remaining = max(0, meta.generations - s.generation)
        let eta = done > 0 ? elapsed / Double(done) * Double(remaining) : nil
        let line = ProgressLine.format(generation: s.generation, generations: meta.generations, evaluations: s.stats.evaluations,
                                       evaluationsPerSecond: s.stats.evaluationsPerSecond, frontier: s.archive.count,
                                       targetFps: target, bestTop1: best, eta: eta)
        if isatty(STDERR_FILENO) != 0 {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            printError(line)
        }
    }

    private func printSummary(_ report: FrontierReport, state: SearchState<ArchitecturePoint, CandidateMetrics>, folder: URL,
                              interrupted: Bool, elapsed: Duration) {
        print("Pareto frontier on \(report.device): \(report.frontier.count) points (predicted top-1 vs latency)")
        if !report.frontier.isEmpty { print(report.table()) }
        print("")
        let st = state.stats
        let predictorTime = st.phaseSeconds["predictor"] ?? 0, solverTime = st.phaseSeconds["solver"] ?? 0
        let busy = max(predictorTime + solverTime, 1e-12)
        print(String(format: "Evaluations: %d distinct (%d repeats served from the memo), %.1f per second; per-candidate time %.1f%% predictor, %.1f%% solver; wall time %@.",
                     st.evaluations, st.cacheHits, st.evaluationsPerSecond, 100 * predictorTime / busy, 100 * solverTime / busy,
                     formatDuration(seconds(elapsed))))
        let h = report.headline
        if let best = h.best {
            print(String(format: "Best frontier point with predicted top-1 >= %.1f%%: %.2f%% at %.1f fps (%.3f ms), %@ (paper: 72.5%% at 50 fps).",
                         h.accuracyTarget, best.metrics.top1, best.metrics.fps, best.metrics.latencyMs, best.network.name))
            print("  Its bit-width policy: \(best.bitPolicy); stem, first block and head at 8 bits.")
            if !h.ratios.isEmpty {
                print("  fps ratio over the baselines (same integer program, device and caps; baseline policy")
                print("  uniform N-bit = every block after the first at N bits):")
            }
            for r in h.ratios {
                let policy = r.samePolicy ? "same policy" : "policy differs: best point \(best.bitPolicy.hasPrefix("mixed") ? "mixed" : best.bitPolicy)"
                print(String(format: "    over %@ at uniform %d-bit: %.2fx (%@)", r.baseline, r.bits, r.ratio, policy))
            }
            if h.ratios.isEmpty { print("  No baseline comparison (baselines skipped or not mappable).") }
            print("  Paper: 1.6x over MnasNet-A1, 2.35x over FBNet-B.")
            if !h.ratios.contains(where: \.samePolicy) && !h.ratios.isEmpty {
                print("  For a like-for-like ratio, search at the baselines' policy: hao search --bits uniform8 (or uniform4).")
            }
        } else if !report.frontier.isEmpty {
            print(String(format: "MISS: no frontier point reaches predicted top-1 >= %.1f%% (best %.2f%%).", h.accuracyTarget,
                         report.frontier.map(\.metrics.top1).max() ?? 0))
        }
        if !report.frontier.isEmpty { print("Wrote \(folder.path)/frontier.json, frontier.csv, frontier.svg and checkpoint.json.") }
    }
}

/// Set once by the SIGINT handler, read by the search loop between generations.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    /// Sets the flag; returns whether it was already set.
    func set() -> Bool { lock.lock(); defer { lock.unlock() }; let was = value; value = true; return was }
}

/// The first Ctrl-C asks the search to stop after the current generation (whose checkpoint is
/// then written); a second one exits at once, leaving the previous generation's checkpoint,
/// which atomic writes keep intact.
private func installInterruptHandler(_ stop: StopFlag) -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
        if stop.set() {
            printError("\nStopped; the last complete generation's checkpoint is kept.")
            exit(130)
        }
        printError("\nInterrupted: finishing this generation and writing the checkpoint (Ctrl-C again to quit now).")
    }
    source.resume()
    return source
}

private func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

private func formatDuration(_ s: Double) -> String {
    let total = Int(s.rounded())
    return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : String(format: "%.1fs", s)
}


/// `hao search benchmark`: search quality against an enumerated ground truth.
struct SearchBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure search quality on NAS-Bench-Macro: hypervolume ratio reached by NSGA-II and by random search at equal evaluation budgets.",
        // The generated usage line lists every option on one 109-column line; this one fits 80.
        usage: "hao search benchmark --data <csv> [<options>]",
        discussion: """
        The 6,561 networks of NAS-Bench-Macro (8 layers x {identity, MB3_K3,
        MB6_K5}, real CIFAR-10 accuracy) are enumerated to get the exact
        accuracy-FLOPs frontier; each search gets the same number of distinct
        evaluations. Objectives are normalised by the space's own range,
        reference point (1.1, 1.1).

        Example:
          hao search benchmark --data nasbench_macro_cifar10.csv \\
            --budgets 100,200,400 --seeds 10
        """
    )

    @Option(name: .long, help: "NAS-Bench-Macro CSV (arch, layer0..layer7, mean_acc, flops columns).")
    var data: String
    @Option(name: .long, help: "Comma-separated evaluation budgets.")
    var budgets: String = "100,200,400,800"
    @Option(name: .long, help: "Seeds per budget.")
    var seeds: Int = 10
    @Option(name: .long, help: "First seed; seeds run from it upwards.")
    var firstSeed: UInt64 = 1
    @OptionGroup var shared: SearchSharedOptions   // --population, --variation
    static let defaultPopulation = 10
    private var population: Int { shared.population ?? Self.defaultPopulation }
    private var variation: String { shared.variation ?? VariationOperators.default.name }
    @Option(name: .long, help: "SBX distribution index of the ordinal operators (default: \(OrdinalVariation.standard.crossoverEta)).")
    var crossoverEta: Double?
    @Option(name: .long, help: "Polynomial-mutation distribution index of the ordinal operators (default: \(OrdinalVariation.standard.mutationEta)).")
    var mutationEta: Double?
    @Option(name: .long, help: "Per-gene mutation probability (default: 2/8 with ordinal operators, whose polynomial mutation mostly rounds back to the same choice of a 3-choice gene; 1/8 with categorical ones).")
    var mutationRate: Double?
    @Option(name: .long, help: "Mean HV ratio whose first budget is reported.")
    var target: Double = 0.99

    func run() throws {
        do {
            let ops = try VariationOperators.named(variation, crossoverEta: crossoverEta, mutationEta: mutationEta)
            let table = try GroundTruthTable.nasBenchMacro(csv: URL(fileURLWithPath: data))
            let list = budgets.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty, list.allSatisfy({ $0 > 0 }), seeds >= 1, seeds <= 100_000 else {
                throw SearchError.invalidSetting("--budgets must list positive integers and --seeds must be in 1...100000")
            }
            guard list.max()! <= table.genomes.count else {
                throw SearchError.invalidSetting("--budgets may not exceed the \(table.genomes.count) networks of the space, got \(list.max()!)")
            }
            guard target > 0, target <= 1 else { throw SearchError.invalidSetting("--target must be in (0, 1], got \(target)") }
            guard firstSeed <= UInt64.max - UInt64(seeds) - 1000 else { throw SearchError.invalidSetting("--first-seed is too large") }
            let seedList = (0..<UInt64(seeds)).map { firstSeed + $0 }
            // Chosen by measurement (benchmarks/search/ordinal-results.md): 2 of 8 genes for ordinal, 1 for categorical.
            let rate = mutationRate ?? (ops == .categorical ? nil : 2 / Double(table.arity.count))
            let curves = QualityCurves(curves: try seedList.map {
                try table.nsga2Curve(maxBudget: list.max()!, populationSize: population, seed: $0, mutationRate: rate, variation: ops)
            })
            print("NAS-Bench-Macro: \(table.genomes.count) networks, exact frontier \(table.exactFrontier.count) points (accuracy vs FLOPs).")
            print("NSGA-II: population \(population), \(ops.summary), mutation rate \(mutationRate.map { "\($0)" } ?? (ops == .categorical ? "1/8" : "2/8")), seeds \(firstSeed)-\(seedList.last!).")
            print("budget  share   NSGA-II HV ratio (mean +- sd, min)   random HV ratio (mean +- sd, min)   NSGA-II better in")
            for budget in list {
                let nsga = curves.values(at: budget)
                let random = seedList.map { table.randomSearchRatio(budget: budget, seed: $0 &+ 1000) }
                func stats(_ v: [Double]) -> String {
                    let m = v.reduce(0, +) / Double(v.count)
                    let sd = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(1, v.count - 1))).squareRoot()
                    return String(format: "%.4f +- %.4f, %.4f", m, sd, v.min()!)
                }
                let wins = zip(nsga, random).filter { $0 > $1 }.count
                print(String(format: "%6d  %5.1f%%  %-35@  %-35@  %d/%d seeds", budget, 100 * Double(budget) / Double(table.genomes.count),
                             stats(nsga), stats(random), wins, seeds))
            }
            if let reached = curves.evaluationsToReach(target) {
                print("Mean NSGA-II HV ratio reaches \(target) after \(reached) distinct evaluations.")
            } else {
                print(String(format: "Mean NSGA-II HV ratio stays below %@ within %d distinct evaluations (%.4f there).",
                             "\(target)", curves.maxBudget, curves.mean(at: curves.maxBudget)))
            }
        } catch let error as SearchError {
            throw CLIError(error.description)
        }
    }
}
