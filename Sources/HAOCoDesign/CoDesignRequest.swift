import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor
import HAOSolver
import HAOSupport

/// The product's defaults for a co-design search, in one place: the command line, the docs and
/// the tests read them from here.
public enum CoDesignDefaults {
    /// Individuals per generation. With ``generations``, the default run's size, chosen by
    /// measurement (benchmarks/search/results.md): 128 x 80 beat 48 x 25 (the earlier default) on
    /// every seed; re-measured with the fast path it takes under 6 s in a release build on the
    /// 2-core machine, within 1.1% of the best fps at >= 72.5% predicted top-1 that larger runs
    /// find (160 x 100, about 8 s, finds it on every seed measured).
    public static let population = 128
    /// Generations after the initial population.
    public static let generations = 80
    /// The random seed.
    public static let seed: UInt64 = 1
    /// Per-gene mutation probability: the once-for-all evolution finder's default (Cai et al.,
    /// ICLR 2020); with about 40 active genes, a few changes per child.
    public static let mutationRate = 0.1
    /// The device (the paper's ZU3EG on the Ultra96).
    public static let device = "zu3eg"
    /// The search space file in `Models/spaces`.
    public static let spaceFile = "ofa-mbv3-w4w8.json"
    /// The predictor file in `Models/predictors`.
    public static let predictorFile = "ofa-mbv3-w4w8-kernel.json"
    /// The output folder.
    public static let outputFolder = "hao-search"
    /// The baselines the headline compares with (the paper's).
    public static let headlineBaselines = ["MnasNet-A1", "FBNet-B"]
    /// Under `--solver auto`, the share of candidates (besides every frontier point) whose fast
    /// answer GLPK certifies by solving the program again.
    public static let certificateSampleRate = 0.01
    /// Least time between two checkpoint snapshots (besides the last generation and an
    /// interrupt); the memo journal is appended every generation. A kill loses at most this
    /// much of the run (it is redone, to the same result, on resume).
    public static let checkpointInterval: Duration = .seconds(5)
}

/// How a search chooses block bit widths, as the user asks for it.
public enum BitsPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Widths are genes (`evolve`) or chosen per candidate by the bit-allocation program (`optimal`).
    case mode(BitsMode)
    /// Every searchable block at one width: the baselines' policy, for like-for-like ratios.
    case uniform(Int)

    /// Parses "evolve", "optimal", "uniform8" or "uniform4" (any case).
    public init?(_ text: String) {
        switch text.lowercased() {
        case "uniform8": self = .uniform(8)
        case "uniform4": self = .uniform(4)
        default:
            guard let mode = BitsMode(rawValue: text.lowercased()) else { return nil }
            self = .mode(mode)
        }
    }

    /// Every name `init?(_:)` accepts.
    public static let allNames = BitsMode.allCases.map(\.rawValue) + ["uniform8", "uniform4"]

    /// The name as `--bits` takes it: `evolve`, `optimal`, `uniform8` or `uniform4`.
    public var description: String {
        switch self {
        case .mode(let m): return m.rawValue
        case .uniform(let w): return "uniform\(w)"
        }
    }

    /// How widths are chosen.
    public var mode: BitsMode {
        if case .mode(let m) = self { return m }
        return .evolve
    }

    /// The one width a uniform policy allows.
    public var uniformWidth: Int? {
        if case .uniform(let w) = self { return w }
        return nil
    }
}

/// Everything a co-design search is asked, as given by the user. `nil` means "the default, or the
/// checkpoint's when resuming".
public struct CoDesignRequest: Sendable {
    /// The hardware target.
    public var target: TargetID?
    /// A device name or the path of a device file.
    public var device: String?
    /// The search space file.
    public var space: URL?
    /// The predictor file.
    public var predictor: URL?
    /// The models folder, when given explicitly.
    public var modelsDirectory: String?
    /// Individuals per generation.
    public var population: Int?
    /// Generations after the initial population.
    public var generations: Int?
    /// The random seed.
    public var seed: UInt64?
    /// Minimum fps and maximum latency.
    public var constraints = SearchConstraints()
    /// Resource caps.
    public var cap: UtilisationCap?
    /// The solver.
    public var solver: SolverChoice?
    /// The bit-width policy.
    public var bits: BitsPolicy?
    /// The crossover and mutation operators.
    public var variation: VariationOperators?
    /// Evaluation threads (results do not depend on it).
    public var threads: Int?
    /// The output folder of a fresh search.
    public var output: URL?
    /// The folder of a search to continue.
    public var resume: URL?
    /// Start afresh even if the output folder holds a search.
    public var overwrite = false
    /// Solve the shipped baselines for the headline comparison.
    public var baselines = true
    /// Accept a predictor without a quantization part although widths are searched.
    public var allowBitBlindPredictor = false
    /// The calibration profile of the latency model (nil: uncalibrated).
    public var calibration: CalibrationProfile?

    /// A request with every setting at its default.
    public init() {}

    /// The folder the search writes to: the resumed one, the given one, or the default.
    public var folder: URL {
        resume ?? output ?? URL(fileURLWithPath: CoDesignDefaults.outputFolder, isDirectory: true)
    }

    /// Checks what can be checked before reading any file.
    public func validate() throws {
        if resume != nil, overwrite {
            throw CoDesignError.conflictingOptions("--overwrite starts a new search and --resume continues one; use one of them")
        }
        if let resume, let output, output.standardizedFileURL != resume.standardizedFileURL {
            throw CoDesignError.conflictingOptions(
                "--out \(output.path) and --resume \(resume.path) name different folders; a resumed search writes into its own folder")
        }
        if let population, population < 2 { throw SearchError.invalidSetting("--population must be at least 2, got \(population)") }
        if let generations { try SearchLimits.check(population: population ?? 2, generations: generations) }
        if let population { try SearchLimits.check(population: population, generations: generations ?? 0) }
        if let threads, !(1...256).contains(threads) { throw SearchError.invalidSetting("--threads must be in 1...256, got \(threads)") }
        try constraints.validate()
    }
}
