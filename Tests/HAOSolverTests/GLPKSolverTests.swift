import Testing

@testable import HAOSolver

/// Hand-checked models: each expected optimum is worked out in the comment beside it.
@Suite("GLPK backend on hand-checked models")
struct GLPKSolverTests {
    let solver = GLPKSolver()

    @Test func linearProgramOptimum() throws {
        // max 3x + 2y s.t. x + y <= 4, x + 3y <= 6, x <= 3, x, y >= 0.
        // Vertices: (0,0)=0, (3,0)=9, (3,1)=11, (1.5... no: x+y=4 & x=3 -> (3,1) = 11; (0,2)=4; x+y=4 & x+3y=6 -> (3,1).
        var model = LinearModel(sense: .maximize)
        let x = model.addVariable("x", upperBound: 3, objective: 3)
        let y = model.addVariable("y", objective: 2)
        model.addConstraint("c1", [1 * x, 1 * y], upperBound: 4)
        model.addConstraint("c2", [1 * x, 3 * y], upperBound: 6)
        let solution = try solver.solve(model)
        #expect(solution.status == .optimal)
        #expect(abs(solution.objective! - 11) < 1e-9)
        #expect(abs(solution[x]! - 3) < 1e-9)
        #expect(abs(solution[y]! - 1) < 1e-9)
        #expect(model.maximumViolation(at: solution.values) < 1e-9)
    }

    @Test func infeasibleLinearProgram() throws {
        // x >= 2 and x <= 1 cannot both hold.
        var model = LinearModel()
        let x = model.addVariable("x", lowerBound: -.infinity, objective: 1)
        model.addConstraint("low", [1 * x], lowerBound: 2)
        model.addConstraint("high", [1 * x], upperBound: 1)
        for presolve in [true, false] {
            let solution = try solver.solve(model, options: SolverOptions(presolve: presolve))
            #expect(solution.status == .infeasible)
            #expect(solution.objective == nil)
        }
    }

    @Test func unboundedLinearProgram() throws {
        // max x + y s.t. x - y <= 1: increase both together forever.
        var model = LinearModel(sense: .maximize)
        let x = model.addVariable("x", objective: 1)
        let y = model.addVariable("y", objective: 1)
        model.addConstraint("c", [1 * x, -1 * y], upperBound: 1)
        for presolve in [true, false] {
            #expect(try solver.solve(model, options: SolverOptions(presolve: presolve)).status == .unbounded)
        }
    }

    @Test func pureIntegerKnapsack() throws {
        // max 5a + 4b + 3c s.t. 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8, integer >= 0.
        // LP optimum is 13 at (2, 0, 1), which is already integral.
        // Tighten to 2a + 3b + c <= 4: integer optimum checked by enumeration below.
        var model = LinearModel(sense: .maximize)
        let a = model.addVariable("a", kind: .integer, objective: 5)
        let b = model.addVariable("b", kind: .integer, objective: 4)
        let c = model.addVariable("c", kind: .integer, objective: 3)
        model.addConstraint("r1", [2 * a, 3 * b, 1 * c], upperBound: 4)
        model.addConstraint("r2", [4 * a, 1 * b, 2 * c], upperBound: 11)
        model.addConstraint("r3", [3 * a, 4 * b, 2 * c], upperBound: 8)
        var best = -Double.infinity
        for i in 0...5 {
            for j in 0...5 {
                for k in 0...5 {
                    let (x, y, z) = (Double(i), Double(j), Double(k))
                    if 2 * x + 3 * y + z <= 4, 4 * x + y + 2 * z <= 11, 3 * x + 4 * y + 2 * z <= 8 {
                        best = max(best, 5 * x + 4 * y + 3 * z)
                    }
                }
            }
        }
        let solution = try solver.solve(model)
        #expect(solution.status == .optimal)
        #expect(solution.objective == best)
        for value in solution.values { #expect(value == value.rounded()) }
    }

    @Test func mixedIntegerProgram() throws {
        // min -x - 2y, x continuous in [0, 3.5], y integer, x + y <= 4.7, y <= 2.5 via row.
        // y integer <= 2 -> y = 2, x = min(3.5, 2.7) = 2.7; objective -2.7 - 4 = -6.7.
        var model = LinearModel()
        let x = model.addVariable("x", upperBound: 3.5, objective: -1)
        let y = model.addVariable("y", kind: .integer, objective: -2)
        model.addConstraint("sum", [1 * x, 1 * y], upperBound: 4.7)
        model.addConstraint("ycap", [1 * y], upperBound: 2.5)
        let solution = try solver.solve(model)
        #expect(solution.status == .optimal)
        #expect(abs(solution.objective! - -6.7) < 1e-9)
        #expect(solution[y] == 2)
    }

    @Test func binaryAssignmentAndObjectiveConstant() throws {
        // Choose exactly one of three items with weights 4, 2, 3 and costs 5, 7, 6 under weight <= 3:
        // items 2 (cost 7) and 3 (cost 6) fit; minimum cost 6, plus the constant 10.
        var model = LinearModel()
        model.objectiveConstant = 10
        let items = [(4.0, 5.0), (2.0, 7.0), (3.0, 6.0)].enumerated().map { index, item in
            (model.addVariable("pick\(index)", kind: .binary, objective: item.1), item.0)
        }
        model.addEquality("one", items.map { 1 * $0.0 }, 1)
        model.addConstraint("weight", items.map { $0.1 * $0.0 }, upperBound: 3)
        let solution = try solver.solve(model)
        #expect(solution.status == .optimal)
        #expect(solution.objective == 16)
        #expect(solution[items[2].0] == 1)
    }

    @Test func infeasibleAndUnboundedIntegerPrograms() throws {
        // 2y == 3 has no integer solution although its relaxation does.
        var parity = LinearModel()
        let y = parity.addVariable("y", kind: .integer, lowerBound: -10, upperBound: 10, objective: 1)
        parity.addEquality("odd", [2 * y], 3)
        #expect(try solver.solve(parity).status == .infeasible)

        // max z, z integer, z - w <= 0.5, w integer: unbounded.
        var open = LinearModel(sense: .maximize)
        let z = open.addVariable("z", kind: .integer, objective: 1)
        let w = open.addVariable("w", kind: .integer)
        open.addConstraint("gap", [1 * z, -1 * w], upperBound: 0.5)
        #expect(try solver.solve(open).status == .unbounded)

        // A relaxation that is unbounded but with no integer point: 2z == 1 plus a free direction.
        var none = LinearModel(sense: .maximize)
        let a = none.addVariable("a", kind: .integer, objective: 1)
        let b = none.addVariable("b", kind: .integer, lowerBound: -.infinity)
        none.addEquality("half", [2 * b], 1)
        _ = a
        #expect(try solver.solve(none).status == .infeasible)
    }

    @Test func repeatedTermsAreSummed() throws {
        // x + x <= 3 means 2x <= 3; max x -> 1.5.
        var model = LinearModel(sense: .maximize)
        let x = model.addVariable("x", objective: 1)
        model.addConstraint("twice", [1 * x, 1 * x], upperBound: 3)
        #expect(try solver.solve(model).objective == 1.5)
    }

    @Test func relativeGapAndTimeLimitOptionsAreValidated() {
        var model = LinearModel()
        model.addVariable("x", objective: 1)
        #expect(throws: SolverError.self) { try solver.solve(model, options: SolverOptions(relativeGap: -1)) }
        #expect(throws: SolverError.self) { try solver.solve(model, options: SolverOptions(relativeGap: .nan)) }
        #expect(throws: SolverError.self) { try solver.solve(model, options: SolverOptions(timeLimit: .zero)) }
    }
}
