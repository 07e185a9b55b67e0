import Foundation
import Testing

@testable import HAOSolver

/// GLPK's own example models (Debian's glpk-utils): the project must report the same
/// status and objective as `glpsol` on the same file.
@Suite("GLPK example models against glpsol")
struct GLPKExampleTests {
    static let lpAndMPSFiles = ["plan.lp", "plan.mps", "alloy.mps", "furnace.mps", "icecream.mps", "samp1.mps", "samp2.mps"]
    /// MathProg models with integer columns, converted to free MPS by `glpsol --check --wfreemps`.
    static let mathProgMIPs = ["bpp.mod", "fctp.mod", "gap.mod", "min01ks.mod", "mfasp.mod", "color.mod"]

    @Test(arguments: lpAndMPSFiles)
    func exampleFileMatchesGlpsol(_ file: String) throws {
        let path = "\(Glpsol.examples)/\(file)"
        try #require(FileManager.default.fileExists(atPath: path), "\(path) missing: install glpk-utils")
        let reference = try Glpsol.solve([file.hasSuffix(".lp") ? "--lp" : "--mps", path])
        // Our reader detects the format; fixed-format files fall back from the free reader.
        let model = try LinearModel.read(from: path)
        let solution = try GLPKSolver().solve(model)
        #expect(reference.status == "o")
        #expect(solution.status == .optimal)
        let objective = try #require(solution.objective)
        #expect(
            abs(objective - reference.objective) <= 1e-9 * max(1, abs(reference.objective)),
            "\(file): project \(objective), glpsol \(reference.objective)")
        #expect(model.maximumViolation(at: solution.values) < 1e-6)
    }

    @Test(arguments: mathProgMIPs)
    func mathProgMIPMatchesGlpsol(_ file: String) throws {
        let modelPath = "\(Glpsol.examples)/\(file)"
        try #require(FileManager.default.fileExists(atPath: modelPath), "\(modelPath) missing: install glpk-utils")
        let mps = Glpsol.temporaryPath(file + ".mps")
        defer { try? FileManager.default.removeItem(atPath: mps) }
        try Glpsol.run(try #require(Glpsol.path), ["--check", "-m", modelPath, "--wfreemps", mps])
        let reference = try Glpsol.solve(["--freemps", mps])
        let model = try LinearModel.read(from: mps, format: .freeMPS)
        #expect(model.isMixedInteger)
        let solution = try GLPKSolver().solve(model)
        #expect(reference.status == "o")
        #expect(solution.status == .optimal)
        let objective = try #require(solution.objective)
        #expect(
            abs(objective - reference.objective) <= 1e-9 * max(1, abs(reference.objective)),
            "\(file): project \(objective), glpsol \(reference.objective)")
        #expect(model.maximumViolation(at: solution.values) < 1e-6)
    }

    /// murtagh.mps (an oil refinery model stated as a minimisation) is unbounded: glpsol says so too.
    @Test func unboundedExampleAgreesWithGlpsol() throws {
        let path = "\(Glpsol.examples)/murtagh.mps"
        try #require(FileManager.default.fileExists(atPath: path), "\(path) missing: install glpk-utils")
        let reference = try Glpsol.solve(["--mps", path, "--nopresol"])
        #expect(reference.terminal.contains("UNBOUNDED"))
        let solution = try GLPKSolver().solve(try LinearModel.read(from: path))
        #expect(solution.status == .unbounded)
    }
}
