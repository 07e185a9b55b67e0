import HAONetwork
import HAOSolver

/// Whether GLPK, the native exact solver and (when the instance is small enough) exhaustive
/// enumeration give the same optimum for one configuration problem: the check behind `hao verify`.
public struct SolverAgreement: Sendable {
    /// One solver's answer.
    public struct Row: Sendable, Hashable {
        /// The solver as reported, e.g. "glpk", "glpk (unpruned)", "native", "exhaustive".
        public var solver: String
        /// "optimal" or "infeasible".
        public var status: String
        /// The optimum in the problem's units (``SolverAgreement/objectiveName``), nil when infeasible.
        public var objective: Double?
        /// Wall-clock time of the solve.
        public var solveTime: Duration
    }

    /// Every solver's answer, GLPK first.
    public var rows: [Row]
    /// Whether every row has the same status and optimum.
    public var agree: Bool
    /// Whether enumeration ran.
    public var enumerated: Bool
    /// Candidates enumeration evaluates (or would).
    public var enumerationSize: Int
    /// The candidate counts in words, e.g. "98 x 70 x 98".
    public var candidateSummary: String
    /// What the objective values are, e.g. "latency_cycles" (subgraph) or "latency_ns" (DPU).
    public var objectiveName: String
    /// Why a row is not the plain solve (e.g. GLPK ran on the unreduced program).
    public var note: String?
    /// The native solver's explanation when infeasible.
    public var diagnosis: String?
}

extension HardwareTarget {
    /// Solves `network`'s problem with GLPK and with the native solver, and by enumeration when it
    /// has at most `maxEnumeration` candidates, and says whether they agree.
    ///
    /// When the problem's reductions alone decide it (e.g. pruning left an engine with no
    /// candidate), no backend runs on the reduced program; GLPK then solves the unreduced one, so
    /// that its row is GLPK's own answer.
    public func checkAgreement(
        _ network: Network, objective: DesignObjective = .minimiseLatency,
        maxEnumeration: Int
    ) throws(HardwareError) -> SolverAgreement {
        let problem = try configurationProblem(for: network, objective: objective)
        let glpkSolver = SolverChoice.glpk.makeSolver()
        var glpk = try solve(problem, network: network, objective: objective, using: glpkSolver)
        var note: String? = nil
        if glpk.solver == .reductions {
            glpk = try solve(problem.unreduced, network: network, objective: objective, using: glpkSolver)
            note =
                "pruning left an engine with no candidate (\(problem.unreduced.candidateSummary.replacingOccurrences(of: " x ", with: "/")) candidates before pruning); GLPK solved the unpruned program"
        }
        let native = try solve(problem, network: network, objective: objective, using: NativeBackend())
        var rows = [
            SolverAgreement.Row(
                solver: note == nil ? "glpk" : "glpk (unpruned)", status: glpk.status.rawValue,
                objective: glpk.objective, solveTime: glpk.solveTime),
            SolverAgreement.Row(solver: "native", status: native.status.rawValue, objective: native.objective, solveTime: native.solveTime),
        ]
        let size = problem.unreduced.enumerationSize
        if size <= maxEnumeration {
            let exhaustive: ExactResult<Configuration>
            do { exhaustive = try EnumerationBackend().solve(problem.unreduced) } catch { throw .solverFailed(error) }
            rows.append(
                SolverAgreement.Row(
                    solver: "exhaustive", status: exhaustive.outcome.status.rawValue,
                    objective: exhaustive.outcome.objective, solveTime: exhaustive.solveTime))
        }
        let agree = rows.allSatisfy { $0.status == rows[0].status && $0.objective == rows[0].objective }
        return SolverAgreement(
            rows: rows, agree: agree, enumerated: size <= maxEnumeration, enumerationSize: size,
            candidateSummary: problem.unreduced.candidateSummary, objectiveName: problem.objectiveName, note: note,
            diagnosis: native.diagnosis)
    }
}
