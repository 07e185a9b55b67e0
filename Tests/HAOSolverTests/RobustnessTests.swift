import Foundation
import Testing

@testable import HAOSolver

@Suite("Invalid input, the error guard, threads and files")
struct RobustnessTests {
    static func smallModel() -> LinearModel {
        var model = LinearModel(sense: .maximize)
        let x = model.addVariable("x", kind: .integer, upperBound: 10, objective: 1)
        let y = model.addVariable("y", objective: 1)
        model.addConstraint("c", [2 * x, 1 * y], upperBound: 7)
        return model
    }

    @Test func invalidModelsAreRejectedBeforeGLPK() {
        let solver = GLPKSolver()
        func expectInvalid(_ model: LinearModel, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try solver.solve(model)
                Issue.record("expected an invalid-model error", sourceLocation: sourceLocation)
            } catch {
                guard case .invalidModel = error else {
                    Issue.record("expected invalidModel, got \(error)", sourceLocation: sourceLocation)
                    return
                }
                #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
            }
        }
        expectInvalid(LinearModel(), "no columns")

        var outOfRange = Self.smallModel()
        outOfRange.constraints[0].terms.append(LinearModel.Term(VariableID(index: 7), 1))
        expectInvalid(outOfRange, "column index 7")

        var negativeIndex = Self.smallModel()
        negativeIndex.constraints[0].terms.append(LinearModel.Term(VariableID(index: -1), 1))
        expectInvalid(negativeIndex, "column index -1")

        var nanCoefficient = Self.smallModel()
        nanCoefficient.constraints[0].terms[0].coefficient = .nan
        expectInvalid(nanCoefficient, "non-finite coefficient")

        var infiniteCoefficient = Self.smallModel()
        infiniteCoefficient.constraints[0].terms[1].coefficient = .infinity
        expectInvalid(infiniteCoefficient, "non-finite coefficient")

        var crossedBounds = Self.smallModel()
        crossedBounds.variables[1].lowerBound = 5
        crossedBounds.variables[1].upperBound = 4
        expectInvalid(crossedBounds, "above its upper bound")

        var crossedRow = Self.smallModel()
        crossedRow.constraints[0].lowerBound = 9
        expectInvalid(crossedRow, "above its upper bound")

        var nanBound = Self.smallModel()
        nanBound.variables[0].upperBound = .nan
        expectInvalid(nanBound, "NaN bound")

        var nanObjective = Self.smallModel()
        nanObjective.variables[0].objective = .nan
        expectInvalid(nanObjective, "objective")

        var longName = Self.smallModel()
        longName.variables[0].name = String(repeating: "a", count: 300)
        expectInvalid(longName, "longer than 255")

        var controlName = Self.smallModel()
        controlName.constraints[0].name = "bad\nname"
        expectInvalid(controlName, "control character")
    }

    @Test func parameterRejectedByGLPKIsCaughtAndTheThreadRecovers() throws {
        // An invalid message level is only checked by GLPK itself, which normally aborts.
        let model = Self.smallModel()
        do {
            _ = try GLPKSolver(unvalidatedMessageLevel: 99).solve(model)
            Issue.record("GLPK accepted msg_lev = 99")
        } catch {
            guard case .rejected(let solver, let message) = error, solver == .glpk else {
                Issue.record("expected a call rejected by GLPK, got \(error)")
                return
            }
            #expect(message.contains("msg_lev"))
        }
        // Same thread (no suspension point in between): the next solve works.
        let solution = try GLPKSolver().solve(model)
        #expect(solution.status == .optimal)
        #expect(solution.objective == 7)
        // And repeatedly.
        for _ in 0..<3 {
            #expect(throws: SolverError.self) { try GLPKSolver(unvalidatedMessageLevel: -5).solve(model) }
            #expect(try GLPKSolver().solve(model).objective == 7)
        }
    }

    @Test func fourThreadsTimesOneHundredSolves() throws {
        // Each solve is a knapsack whose optimum the thread recomputes by enumeration.
        let threads = 4
        let solvesPerThread = 100
        let failures = Mutex(0)
        let finished = DispatchGroup()
        for thread in 0..<threads {
            finished.enter()
            let worker = Thread {
                defer { finished.leave() }
                for solve in 0..<solvesPerThread {
                    let capacity = Double(5 + (thread * solvesPerThread + solve) % 23)
                    let weights = [3.0, 4.0, 5.0, 7.0]
                    let values = [4.0, 5.0, 7.0, 9.0]
                    var model = LinearModel(sense: .maximize)
                    let items = (0..<4).map { model.addVariable("n\($0)", kind: .integer, upperBound: 3, objective: values[$0]) }
                    model.addConstraint("cap", zip(items, weights).map { $1 * $0 }, upperBound: capacity)
                    var best = 0.0
                    for a in 0...3 {
                        for b in 0...3 {
                            for c in 0...3 {
                                for d in 0...3 {
                                    let counts = [a, b, c, d].map(Double.init)
                                    if zip(counts, weights).reduce(0, { $0 + $1.0 * $1.1 }) <= capacity {
                                        best = max(best, zip(counts, values).reduce(0, { $0 + $1.0 * $1.1 }))
                                    }
                                }
                            }
                        }
                    }
                    let objective = try? GLPKSolver().solve(model).objective
                    if objective != best { failures.withLock { $0 += 1 } }
                }
            }
            worker.start()
        }
        finished.wait()
        #expect(failures.withLock { $0 } == 0)
    }

    @Test func exitingThreadsFreeTheirGLPKEnvironment() throws {
        // Other tests' threads may exit meanwhile, so count at least ours.
        let before = GLPKSolver.environmentsFreedAtThreadExit
        let threads = 8
        let done = DispatchGroup()
        let solved = Mutex(0)
        for _ in 0..<threads {
            done.enter()
            let worker = Thread {
                if (try? GLPKSolver().solve(Self.smallModel()))?.objective == 7 { solved.withLock { $0 += 1 } }
                done.leave()
            }
            worker.start()
        }
        done.wait()
        #expect(solved.withLock { $0 } == threads)
        // The destructor runs after the thread body returns; give the threads time to finish exiting.
        let deadline = Date().addingTimeInterval(5)
        while GLPKSolver.environmentsFreedAtThreadExit - before < threads, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(GLPKSolver.environmentsFreedAtThreadExit - before >= threads)
    }

    @Test(arguments: [ModelFileFormat.freeMPS, .fixedMPS, .cplexLP])
    func exportRoundTripThroughGlpsol(_ format: ModelFileFormat) throws {
        // A model with every kind of column and row, written by the project, re-read by glpsol.
        var model = LinearModel(name: "roundtrip", objectiveName: "cost")
        let a = model.addVariable("a", kind: .binary, objective: -3)
        let b = model.addVariable("b", kind: .integer, lowerBound: -2, upperBound: 6, objective: -2)
        let c = model.addVariable("c", lowerBound: -.infinity, upperBound: 4.5, objective: 1)
        let d = model.addVariable("d", lowerBound: 1, objective: 0.5)
        model.objectiveConstant = 1.25
        model.addConstraint("range", [1 * a, 2 * b, -1 * c], lowerBound: -3, upperBound: 9)
        model.addConstraint("atleast", [1 * c, 1 * d], lowerBound: 2)
        model.addEquality("fix", [1 * b, 1 * d, 1 * a], 7)
        let ours = try GLPKSolver().solve(model)
        #expect(ours.status == .optimal)

        let path = Glpsol.temporaryPath("roundtrip." + (format == .cplexLP ? "lp" : "mps"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path, format: format)
        let flag = ["--freemps", "--mps", "--lp"][[ModelFileFormat.freeMPS, .fixedMPS, .cplexLP].firstIndex(of: format)!]
        let reference = try Glpsol.solve([flag, path])
        #expect(reference.status == "o")
        #expect(abs(reference.objective - ours.objective!) < 1e-9)

        let reread = try LinearModel.read(from: path, format: format)
        if format != .cplexLP {
            // LP format adds a fixed column for the objective constant and one per ranged row.
            #expect(reread.variables.map(\.name) == model.variables.map(\.name))
            #expect(reread.constraints.map(\.name) == model.constraints.map(\.name))
            #expect(reread.objectiveConstant == model.objectiveConstant)
        }
        #expect(try GLPKSolver().solve(reread).objective == ours.objective)
    }

    @Test func unreadableFilesGiveClearErrors() throws {
        func message(_ path: String, _ format: ModelFileFormat? = nil) -> String {
            do {
                _ = try LinearModel.read(from: path, format: format)
                return "no error"
            } catch { return error.description }
        }
        #expect(message("/nonexistent/model.mps").contains("no such file"))
        #expect(message("/tmp").contains("not a regular file"))

        let empty = Glpsol.temporaryPath("empty.mps")
        FileManager.default.createFile(atPath: empty, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(message(empty).contains("empty"))

        let garbage = Glpsol.temporaryPath("garbage.lp")
        FileManager.default.createFile(atPath: garbage, contents: Data("this is not ( a model\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        let text = message(garbage)
        #expect(text.contains("not a valid CPLEX LP file"), "\(text)")

        let binary = Glpsol.temporaryPath("noise.bin")
        FileManager.default.createFile(atPath: binary, contents: Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        defer { try? FileManager.default.removeItem(atPath: binary) }
        #expect(message(binary, .freeMPS).contains("not a valid MPS file"))
        #expect(message(binary).contains("cannot tell"))
    }

    @Test func writingToAMissingFolderFails() {
        do {
            try Self.smallModel().write(to: "/nonexistent-folder/x.mps", format: .freeMPS)
            Issue.record("write succeeded")
        } catch {
            #expect(error.description.contains("cannot write"), "\(error)")
        }
    }

    @Test func timeLimitStatusOnAHardModel() throws {
        // Jeroslow's problem (Math. Programming 6, 1974): 2 x_1 + ... + 2 x_n = n with n odd
        // and x binary has no integer solution, but every LP relaxation with fewer than about
        // n/2 variables fixed is feasible, so branch and bound must explore exponentially many
        // nodes to prove it (glpsol 5.0 with its MIP presolver is still searching after 5 s
        // for n = 41, and after 20 s for n = 21). It can therefore neither be optimal nor be
        // proved infeasible within 1 ms: the only honest status is a time limit without an
        // incumbent.
        let n = 41
        var model = LinearModel(sense: .minimize)
        let x = (0..<n).map { model.addVariable("x\($0)", kind: .binary, objective: 1) }
        model.addEquality("odd", x.map { 2 * $0 }, Double(n))
        let solution = try GLPKSolver().solve(model, options: SolverOptions(timeLimit: .milliseconds(1)))
        #expect(solution.status == .timeLimitNoIncumbent, "status \(solution.status)")
        #expect(solution.objective == nil)
        #expect(solution.values.isEmpty)
    }
}

/// A lock-protected value, for counting across test threads.
final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
