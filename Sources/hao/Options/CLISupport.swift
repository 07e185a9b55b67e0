import ArgumentParser
import Foundation
import HAOSolver

/// An error the CLI reports as `Error: <message>` with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a JSON value to standard output, keys sorted for stable diffs.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Writes a line to standard error (progress and notices, never results).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

extension ModelFileFormat: ExpressibleByArgument {}
