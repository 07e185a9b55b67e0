import Testing

@testable import HAOSolver

/// A knapsack-like exact problem small enough to solve every way: pick one item of least cost
/// with weight within a capacity. Counts how each way was asked.
private struct PickOne: ExactProblem {
    var costs: [Double]
    var weights: [Double]
    var capacity: Double
    /// Makes the MILP path fail as a backend would.
    var milpError: SolverError? = nil
    /// Makes the native path return the most expensive fitting item (a planted bug).
    var nativeIsWrong = false

    var outcomeWithoutSolving: ExactOutcome<Int>? { costs.isEmpty ? .infeasible() : nil }

    func solve(with solver: any MILPSolver, options: SolverOptions) throws(SolverError) -> ExactOutcome<Int> {
        if let milpError { throw milpError }
        var model = LinearModel(name: "pick", objectiveName: "cost")
        let x = costs.indices.map { model.addVariable("x\($0)", kind: .binary, objective: costs[$0]) }
        model.addEquality("one", x.map { 1.0 * $0 }, 1)
        model.addConstraint("capacity", zip(weights, x).map { $0 * $1 }, upperBound: capacity)
        guard let solution = try solver.solve(model, options: options).proven() else { return .infeasible() }
        let chosen = solution.values.indices.max { solution.values[$0] < solution.values[$1] }!
        return .optimal(chosen, objective: solution.objective!)
    }

    func solveNatively() throws(SolverError) -> ExactOutcome<Int> {
        guard nativeIsWrong else { return try solveByEnumeration() }
        let worst = costs.indices.filter { weights[$0] <= capacity }.max { costs[$0] < costs[$1] }!
        return .optimal(worst, objective: costs[worst])
    }

    func solveByEnumeration() throws(SolverError) -> ExactOutcome<Int> {
        let fitting = costs.indices.filter { weights[$0] <= capacity }
        guard let best = fitting.min(by: { costs[$0] < costs[$1] }) else { return .infeasible() }
        return .optimal(best, objective: costs[best], evaluatedCandidates: costs.count)
    }
}

@Suite("Exact solver backends and their composition")
struct ExactSolverTests {
    private let problem = PickOne(costs: [5, 3, 4, 1], weights: [1, 2, 3, 9], capacity: 3)

    @Test func everyRegisteredBackendAndAutoGiveTheSameOptimum() throws {
        for name in SolverChoice.allNames {
            let choice = try #require(SolverChoice(name))
            let result = try choice.makeSolver().solve(problem)
            #expect(result.outcome.answer == 1, "\(name)")
            #expect(result.outcome.objective == 3, "\(name)")
        }
        #expect(SolverChoice.allNames == ["auto", "glpk", "native", "enumeration"])
        #expect(SolverChoice("GLPK") == .glpk)
        #expect(SolverChoice("cplex") == nil)
    }

    @Test func infeasibilityIsAnOutcomeNotAnError() throws {
        var tight = problem
        tight.capacity = 0.5
        for choice in [SolverChoice.glpk, .native, .enumeration, .auto] {
            let result = try choice.makeSolver().solve(tight)
            #expect(result.outcome.status == .infeasible)
            #expect(result.outcome.answer == nil)
        }
    }

    @Test func theFallbackTakesOverOnAFailureAndSaysWhy() throws {
        var failing = problem
        failing.milpError = .notProven(.glpk, status: .timeLimitNoIncumbent)
        let result = try Fallback(MILPBackend(), NativeBackend()).solve(failing)
        #expect(result.solver == .native)
        #expect(result.outcome.objective == 3)
        #expect(
            result.messages == [
                "GLPK did not finish (GLPK stopped with status time_limit_no_solution before proving optimality); the native exact solver took over"
            ])
        // Without the fallback the failure is the caller's.
        #expect(throws: SolverError.notProven(.glpk, status: .timeLimitNoIncumbent)) { try SolverChoice.glpk.makeSolver().solve(failing) }
    }

    @Test func autoIsTheNativeAnswerCertifiedByGLPK() throws {
        let result = try SolverChoice.auto.makeSolver().solve(problem)
        #expect(result.solver == .native)
        #expect(result.outcome.answer == 1)
        #expect(result.messages.isEmpty)
        #expect(result.certificate?.hasPrefix("certified by GLPK (no answer strictly better, ") == true)
        // A certifier that cannot finish leaves the exact native answer, with a note.
        var failing = problem
        failing.milpError = .notProven(.glpk, status: .timeLimitNoIncumbent)
        let uncertified = try SolverChoice.auto.makeSolver().solve(failing)
        #expect(uncertified.outcome.objective == 3)
        #expect(uncertified.messages.first?.hasPrefix("not certified: GLPK did not finish") == true)
        // A certificate GLPK rejects is not "did not finish": it is a bug, and it is thrown.
        failing.milpError = .rejected(by: .glpk, message: "glp_add_rows: nrs = 0; invalid number of rows")
        #expect(throws: SolverError.rejected(by: .glpk, message: "glp_add_rows: nrs = 0; invalid number of rows")) {
            try SolverChoice.auto.makeSolver().solve(failing)
        }
    }

    @Test func aRefutedCertificateIsADisagreementNamingBothAnswers() throws {
        var wrong = problem
        wrong.nativeIsWrong = true
        #expect(
            throws: SolverError.disagreement(
                claimed: "claimed objective 5 with 0",
                certifier: "GLPK found objective 3 with 1, strictly better than the claimed optimum (cutoff certificate)")
        ) {
            try SolverChoice.auto.makeSolver().solve(wrong)
        }
        // The same check, on its own: a reproduction certificate of the wrong claim fails, of the right one holds.
        let certifier = Certified(NativeBackend(), certifier: GLPKSolver(), kind: .reproduction)
        let refuted = try certifier.certify(wrong, claimed: .optimal(0, objective: 5), kind: .reproduction)
        #expect(!refuted.holds)
        #expect(refuted.counterexample?.objective == 3)
        #expect(try certifier.certify(problem, claimed: .optimal(1, objective: 3), kind: .reproduction).holds)
        // A claimed infeasibility of a feasible problem is refuted too.
        #expect(try !certifier.certify(problem, claimed: .infeasible(), kind: .cutoff).holds)
    }

    @Test func anOutcomeKnownWithoutSolvingIsCreditedToTheReductions() throws {
        let empty = PickOne(costs: [], weights: [], capacity: 1)
        let result = try SolverChoice.glpk.makeSolver().solve(empty)
        #expect(result.solver == .reductions)
        #expect(result.outcome.status == .infeasible)
    }

    @Test func aTimeLimitIsNotAProof() throws {
        let solution = Solution(status: .timeLimitWithIncumbent, objective: 1, values: [1], solveTime: .zero, solver: .glpk)
        #expect(throws: SolverError.notProven(.glpk, status: .timeLimitWithIncumbent)) { try solution.proven() }
        let infeasible = Solution(status: .infeasible, objective: nil, values: [], solveTime: .zero, solver: .glpk)
        #expect(try infeasible.proven() == nil)
    }

    @Test func solverIdentifiersCompareByNameAndEncodeAsStrings() throws {
        #expect(SolverID("glpk") == .glpk)
        #expect(SolverID.glpk.displayName == "GLPK")
        #expect(SolverError.rejected(by: .glpk, message: " bad ").description == "GLPK rejected the call: bad")
    }
}
