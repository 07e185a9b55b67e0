import ArgumentParser
import Foundation
import HAOCoDesign
import HAOEvolution
import HAOSupport

extension SearchCommand {
    /// `--ask N`: candidates as JSON lines on stdout; a final `{"finished": true, ...}` line once
    /// every generation is told and the frontier is written.
    func runAsk(_ options: AskTellOptions, count: Int) throws {
        var request = try request()
        request.output = URL(fileURLWithPath: options.state!, isDirectory: true)
        let outcome: AskOutcome
        do { outcome = try AskTell.ask(request, external: options.external, count: count, reask: options.reask) } catch {
            throw CLIError(Self.message(error))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for candidate in outcome.candidates { try emit(String(decoding: try encoder.encode(candidate), as: UTF8.self)) }
        if let finished = outcome.finished {
            let frontier = finished.folder.appendingPathComponent("frontier.json").path
            try emit("{\"finished\":true,\"frontier\":\(Self.jsonString(frontier)),\"generations\":\(finished.generation)}")
            printError(searchSummary(finished, elapsed: .zero))
        } else if let generation = outcome.generation {
            let rest = outcome.waitingFor - outcome.candidates.count
            printError(
                "Generation \(generation) waits for \(outcome.waitingFor) candidate(s); handed out \(outcome.candidates.count) now"
                    + (rest > 0 && outcome.candidates.isEmpty ? "; the others are out already (--reask hands them out again)" : "") + ".")
        }
    }

    /// `--tell FILE`: records the measurements.
    func runTell(_ options: AskTellOptions, file: String) throws {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw CLIError("cannot read \(file): \(error.localizedDescription)")
            }
        }
        let outcome: TellOutcome
        do { outcome = try AskTell.tell(folder: URL(fileURLWithPath: options.state!, isDirectory: true), lines: text) } catch {
            throw CLIError(Self.message(error))
        }
        printError(
            "Recorded \(outcome.recorded) measurement(s)" + (outcome.repeated > 0 ? " (\(outcome.repeated) repeat(s) ignored)" : "")
                + "; \(outcome.outstanding) handed-out candidate(s) not told yet.")
    }

    private static func message(_ error: any Error) -> String { "\(error)" }

    private static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
