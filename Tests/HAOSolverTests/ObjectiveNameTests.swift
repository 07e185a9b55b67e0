import Foundation
import HAOSolver
import Testing

/// GLPK's free-MPS writer calls the objective row R0000000 whatever its name; the project's
/// writer puts the model's objective name back, as the LP writer already does.
@Suite struct ObjectiveNameTests {
    private func model(objective: String, rowName: String = "c1") -> LinearModel {
        var model = LinearModel(name: "m", objectiveName: objective)
        let x = model.addVariable("x", kind: .integer, upperBound: 10, objective: -1)
        let y = model.addVariable("y", kind: .continuous, upperBound: 10, objective: -2)
        model.addConstraint(rowName, [1 * x, 1 * y], upperBound: 7.5)
        model.objectiveConstant = 3
        return model
    }

    private func roundTrip(_ model: LinearModel) throws -> (text: String, back: LinearModel) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-objname-\(UUID().uuidString).mps").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path, format: .freeMPS)
        return (try String(contentsOfFile: path, encoding: .utf8), try LinearModel.read(from: path))
    }

    @Test func freeMPSKeepsTheObjectiveName() throws {
        let (text, back) = try roundTrip(model(objective: "cost"))
        #expect(text.contains("\n N cost\n"), "\(text)")
        #expect(!text.contains("R0000000"))
        #expect(back.objectiveName == "cost")
        // The objective constant (written as the RHS of the objective row) survives the rename.
        let original = try GLPKSolver().solve(model(objective: "cost"))
        let reread = try GLPKSolver().solve(back)
        #expect(reread.objective == original.objective)
        // min 3 - x - 2y with x + y <= 7.5: y = 7.5, x = 0.
        #expect(original.objective == -12, "\(original.objective ?? .nan)")
    }

    @Test(arguments: ["", "c1", "has space"])
    func unusableNamesKeepGLPKsRowName(name: String) throws {
        let (text, back) = try roundTrip(model(objective: name))
        #expect(text.contains("\n N R0000000\n"), "\(text)")
        #expect(back.constraints.map(\.name) == ["c1"])
        #expect(try GLPKSolver().solve(back).objective == (try GLPKSolver().solve(model(objective: name))).objective)
    }
}
