import Foundation
import HAOEvolution
import HAOSupport

/// The persistent part of an ask/tell search (`asktell.json` in its folder): what the search is,
/// every told measurement and the candidates handed out but not told.
///
/// Nothing else is stored: the search state is recomputed from the seed and the tells (the
/// search is deterministic given both), so a crashed driver loses nothing that was told and
/// every tell is counted exactly once.
struct AskTellState: Codable, Sendable {
    static let fileName = "asktell.json"
    static let formatName = "hao-asktell-v1"

    var format = Self.formatName
    var meta: SearchMeta
    var settings: NSGA2Settings
    var external: ExternalMetrics
    /// Told metrics by candidate id.
    var told: [String: ToldMetrics] = [:]
    /// Times each outstanding candidate was handed out, by id.
    var pending: [String: Int] = [:]
    /// Whether the finished search solves the shipped baselines for its headline.
    var baselines = true
    /// Whether the last generation has been evaluated and the report written.
    var finished = false

    enum CodingKeys: String, CodingKey {
        case format, meta, settings, external, told, pending, baselines, finished
    }

    static func url(in folder: URL) -> URL { folder.appendingPathComponent(fileName) }

    static func exists(in folder: URL) -> Bool { FileManager.default.fileExists(atPath: url(in: folder).path) }

    static func load(from folder: URL) throws -> AskTellState {
        guard exists(in: folder) else { throw AskTellError.noState(folder: folder.path) }
        let state = try JSONFile.load(AskTellState.self, from: url(in: folder))
        guard state.format == formatName else {
            throw AskTellError.invalidOption("\(url(in: folder).path): format '\(state.format)' is not \(formatName)")
        }
        return state
    }

    func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { try AtomicFile.write(try encoder.encode(self) + Data("\n".utf8), to: Self.url(in: folder)) } catch {
            throw SearchError.unwritableOutput(path: Self.url(in: folder).path, detail: "\(error)")
        }
    }
}
