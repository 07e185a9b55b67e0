import ArgumentParser
import Foundation
import HAOSolver
import HAOSupport

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
    try emit(data + Data("\n".utf8))
}

/// Writes a line of results to standard output. A failed write throws (see ``Console``).
func emit(_ text: String) throws {
    try StandardStream.output.write(text + "\n")
}

/// Writes bytes to standard output as they are.
func emit(_ data: Data) throws {
    try StandardStream.output.write(data)
}

/// Writes a line to standard error (progress and notices, never results). A broken pipe ends the
/// program quietly (see ``Console``); other failures are ignored, having nowhere to be reported.
func printError(_ text: String, newline: Bool = true) {
    do { try StandardStream.error.write(newline ? text + "\n" : text) } catch {
        if case .brokenPipe = error { Console.exitAfterBrokenPipe() }
    }
}

extension ModelFileFormat: ExpressibleByArgument {}
