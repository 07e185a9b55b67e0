import Foundation
import Testing

/// Runs Debian's `glpsol` as an independent reference. Tests that need it fail with a clear
/// message when it is missing (CI installs glpk-utils), rather than passing silently.
enum Glpsol {
    static let path: String? = ["/usr/bin/glpsol", "/usr/local/bin/glpsol", "/opt/homebrew/bin/glpsol"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static let examples = "/usr/share/doc/glpk-utils/examples"

    struct Result {
        /// `o` optimal, `f` feasible, `n` no feasible, `u` undefined, from glpsol's solution file.
        var status: String
        var objective: Double
        var terminal: String
    }

    /// Runs glpsol with `arguments` plus `-w <solution file>` and parses the solution line.
    static func solve(_ arguments: [String]) throws -> Result {
        let executable = try #require(path, "glpsol not found: install Debian's glpk-utils (CI does)")
        let solutionFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("hao-glpsol-\(UUID().uuidString).sol").path
        defer { try? FileManager.default.removeItem(atPath: solutionFile) }
        let terminal = try run(executable, arguments + ["-w", solutionFile])
        let text = try String(contentsOfFile: solutionFile, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("s ") }, "no solution line from glpsol")
        let fields = line.split(separator: " ")
        // "s bas ROWS COLS PRIM DUAL OBJ" or "s mip ROWS COLS STATUS OBJ"
        // An optimal basic solution is primal and dual feasible ("f f"); MIP status "o" is optimal.
        let status = fields[1] == "mip" ? String(fields[4]) : (fields[4] == "f" && fields[5] == "f" ? "o" : String(fields[4]))
        return Result(status: status, objective: Double(fields.last!)!, terminal: terminal)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hao-\(UUID().uuidString)-\(name)").path
    }
}
