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
        case "binary":
            path = HAOBinary.temporaryFile("noise.mps", contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
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
        // "--time-limit -1" would be rejected by the argument parser itself ("-1" reads as an
        // option, so the value is missing); the "=" form reaches the command's own validation.
        let cases = [
            ("--time-limit=-1", "--time-limit must be a positive number of seconds, got -1.0"),
            ("--time-limit=0", "--time-limit must be a positive number of seconds, got 0.0"),
            ("--time-limit=nan", "--time-limit must be a positive number of seconds, got nan"),
            ("--time-limit=inf", "--time-limit must be a positive number of seconds, got inf"),
            ("--relative-gap=-0.5", "--relative-gap must be a finite number >= 0, got -0.5"),
        ]
        for (argument, message) in cases {
            let output = try HAOBinary.run(["lp", path, argument])
            #expect(output.status == 64, "\(argument): status \(output.status)")
            #expect(output.stderr.contains(message), "\(argument): \(output.stderr)")
            #expect(output.stdout.isEmpty)
        }
    }

    @Test func hugeTimeLimitIsClampedNotACrash() throws {
        let path = "\(Self.examples)/plan.mps"
        try #require(FileManager.default.fileExists(atPath: path), "install glpk-utils for GLPK's examples")
        for limit in ["1e30", "1.7976931348623157e308", "2147484"] {
            let output = try HAOBinary.run(["lp", path, "--time-limit", limit, "--json"])
            #expect(output.status == 0, "--time-limit \(limit): status \(output.status), \(output.stderr.prefix(300))")
            #expect(output.stdout.contains("\"status\" : \"optimal\""), "\(output.stdout)")
        }
    }

    @Test func jsonAlwaysHasTheObjectiveKey() throws {
        // x + y >= 3 with x, y <= 1: infeasible, so there is no objective value.
        let lp = "Minimize\n obj: x + y\nSubject To\n c1: x + y >= 3\nBounds\n x <= 1\n y <= 1\nEnd\n"
        let path = HAOBinary.temporaryFile("infeasible.lp", contents: Data(lp.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try HAOBinary.run(["lp", path, "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "infeasible")
        #expect(object.keys.contains("objective"), "keys: \(object.keys.sorted())")
        #expect(object["objective"] is NSNull)
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
