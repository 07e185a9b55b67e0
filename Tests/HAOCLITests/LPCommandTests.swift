import Foundation
import Testing

@Suite("hao lp, --help and --version")
struct LPCommandTests {
    static let examples = "/usr/share/doc/glpk-utils/examples"

    @Test func solvesAnMPSFileAndPrintsJSON() throws {
        let path = "\(Self.examples)/plan.mps"
        try #require(FileManager.default.fileExists(atPath: path), "install glpk-utils for GLPK's examples")
        let output = try HAOBinary.run(["lp", path, "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "optimal")
        // glpsol reports VALUE = 296.2166065 for plan.mps.
        let objective = try #require(object["objective"] as? Double)
        #expect(abs(objective - 296.2166064981949) < 1e-6)
        let variables = try #require(object["variables"] as? [String: Double])
        #expect(variables.count == 5)
        #expect(variables["BIN1"] == nil)
    }

    @Test func textOutputNamesStatusObjectiveAndVariables() throws {
        let path = "\(Self.examples)/samp1.mps"
        try #require(FileManager.default.fileExists(atPath: path), "install glpk-utils for GLPK's examples")
        let output = try HAOBinary.run(["lp", path])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Status:     optimal"))
        #expect(output.stdout.contains("Objective:  Z = 24.33333"))
        #expect(output.stdout.contains("X4"))
    }

    @Test func userLPFileFromStdinFreeText() throws {
        let lp = "Maximize\n obj: 3 x + 2 y\nSubject To\n c1: x + y <= 4\n c2: x + 3 y <= 6\nBounds\n x <= 3\nEnd\n"
        let path = HAOBinary.temporaryFile("user.lp", contents: Data(lp.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try HAOBinary.run(["lp", path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(object["objective"] as? Double == 11)
    }

    @Test(arguments: ["missing", "empty", "garbage", "binary", "directory", "badformat"])
    func badFilesExitNonZeroWithAMessage(_ kind: String) throws {
        var path = "/nonexistent/hao/model.mps"
        var arguments: [String] = []
        switch kind {
        case "empty": path = HAOBinary.temporaryFile("empty.mps", contents: Data())
        case "garbage": path = HAOBinary.temporaryFile("garbage.lp", contents: Data("minimize x + ( y\n".utf8))
        case "binary": path = HAOBinary.temporaryFile("noise.mps", contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        case "directory": path = "/tmp"
        case "badformat": arguments = ["--format", "xlsx"]
        default: break
        }
        let output = try HAOBinary.run(["lp", path] + arguments)
        #expect(output.status != 0)
        #expect(output.status < 128, "terminated by a signal: \(output.status)")
        #expect(output.stderr.contains("Error") || output.stderr.contains("error"), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func invalidOptionsAreRejected() throws {
        let path = "\(Self.examples)/plan.mps"
        for arguments in [["--time-limit", "-1"], ["--time-limit", "nan"], ["--relative-gap", "-0.5"]] {
            let output = try HAOBinary.run(["lp", path] + arguments)
            #expect(output.status != 0)
            #expect(output.stderr.contains(arguments[0]), "\(output.stderr)")
        }
    }

    @Test func helpExplainsEverySubcommandAndVersionPrints() throws {
        let help = try HAOBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("lp"))
        let lpHelp = try HAOBinary.run(["help", "lp"])
        #expect(lpHelp.stdout.contains("Example"))
        let version = try HAOBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.split(separator: ".").count == 3)
    }
}
