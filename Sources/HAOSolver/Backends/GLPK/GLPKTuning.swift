import CGLPK
import CGLPKGuard

/// Settings of GLPK's branch and cut (`glp_iocp`) the project chooses by measurement
/// (benchmarks/README.md, "GLPK settings"): they change how fast GLPK proves an optimum, never
/// which optimum (every setting solves to proven optimality, gap 0).
public struct GLPKTuning: Sendable, Hashable, CustomStringConvertible {
    /// Node preprocessing (bound tightening, coefficient reduction).
    public enum Preprocessing: Int32, Sendable, Hashable, CaseIterable {
        case none = 0
        case root = 1
        case all = 2
    }
    /// Which fractional variable to branch on.
    public enum Branching: Int32, Sendable, Hashable, CaseIterable {
        case firstFractional = 1
        case lastFractional = 2
        case mostFractional = 3
        case driebeckTomlin = 4
        case hybridPseudocost = 5
    }
    /// Which open node to explore next.
    public enum Backtracking: Int32, Sendable, Hashable, CaseIterable {
        case depthFirst = 1
        case breadthFirst = 2
        case bestLocalBound = 3
        case bestProjection = 4
    }

    /// Node preprocessing; ``Preprocessing/all`` is GLPK's default.
    public var preprocessing: Preprocessing
    /// The branching rule; ``Branching/driebeckTomlin`` is GLPK's default.
    public var branching: Branching
    /// The node selection rule; ``Backtracking/bestLocalBound`` is GLPK's default.
    public var backtracking: Backtracking
    /// Cut families: MIR, Gomory, cover, clique.
    public var mirCuts: Bool
    /// Gomory mixed-integer cuts.
    public var gomoryCuts: Bool
    /// Mixed cover cuts.
    public var coverCuts: Bool
    /// Clique cuts.
    public var cliqueCuts: Bool
    /// The simple rounding heuristic.
    public var roundingHeuristic: Bool

    /// Settings; the defaults are GLPK's own (`glp_init_iocp`): all preprocessing, Driebeck-Tomlin branching,
    /// best local bound, no cuts, rounding heuristic on.
    public init(
        preprocessing: Preprocessing = .all, branching: Branching = .driebeckTomlin, backtracking: Backtracking = .bestLocalBound,
        mirCuts: Bool = false, gomoryCuts: Bool = false, coverCuts: Bool = false, cliqueCuts: Bool = false, roundingHeuristic: Bool = true
    ) {
        self.preprocessing = preprocessing
        self.branching = branching
        self.backtracking = backtracking
        self.mirCuts = mirCuts
        self.gomoryCuts = gomoryCuts
        self.coverCuts = coverCuts
        self.cliqueCuts = cliqueCuts
        self.roundingHeuristic = roundingHeuristic
    }

    /// GLPK 5.0's own defaults.
    public static let glpkDefaults = GLPKTuning()

    /// No node preprocessing, most-fractional branching, best local bound: the fastest of the
    /// settings compared by `hao-bench glpk-tuning` on the co-design search's candidate stream
    /// (subgraph accelerator programs on the ZU3EG), about 3x GLPK's defaults for both the
    /// whole solve and the cutoff certificate (benchmarks/README.md, "GLPK settings"). Measured
    /// on those programs only, so the search uses it for them and nothing else does.
    public static let subgraphSearch = GLPKTuning(preprocessing: .none, branching: .mostFractional, backtracking: .bestLocalBound)

    /// The settings in one line, e.g. "pp=none br=mostFractional bt=bestLocalBound cuts=none sr=true".
    public var description: String {
        let cuts = [(mirCuts, "mir"), (gomoryCuts, "gmi"), (coverCuts, "cov"), (cliqueCuts, "clq")].filter(\.0).map(\.1)
        return
            "pp=\(preprocessing) br=\(branching) bt=\(backtracking) cuts=\(cuts.isEmpty ? "none" : cuts.joined(separator: "+")) sr=\(roundingHeuristic)"
    }

    func apply(to options: inout hao_glpk_options) {
        options.tuned = 1
        options.pp_tech = preprocessing.rawValue
        options.br_tech = branching.rawValue
        options.bt_tech = backtracking.rawValue
        options.cuts = (mirCuts ? 1 : 0) | (gomoryCuts ? 2 : 0) | (coverCuts ? 4 : 0) | (cliqueCuts ? 8 : 0)
        options.sr_heur = roundingHeuristic ? 1 : 0
    }
}
