import Foundation
import HAOSupport

/// Why a network named on the command line could not be found.
public struct NetworkLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was asked for.
    public var argument: String
    /// The shipped networks' names, for the message.
    public var shipped: [String]

    /// One line for the user: what was asked for and, when there are any, the shipped networks' names.
    public var description: String {
        "network '\(argument)' is neither a file nor a shipped network"
            + (shipped.isEmpty ? "" : " (shipped: \(shipped.joined(separator: ", ")))")
    }
}

extension Network {
    /// A network file path, or the name of a file in `Models/networks` (with or without .json),
    /// loaded and validated. `models` is located on demand when `argument` is not a file.
    public static func lookUp(_ argument: String, models: () throws -> ModelsDirectory) throws -> Network {
        if FileManager.default.fileExists(atPath: argument) {
            return try Network.loadValidated(contentsOf: URL(fileURLWithPath: argument))
        }
        let directory = try models().networks
        let name = argument.hasSuffix(".json") ? argument : argument + ".json"
        let url = directory.appendingPathComponent(name)
        if !argument.contains("/"), FileManager.default.fileExists(atPath: url.path) {
            return try Network.loadValidated(contentsOf: url)
        }
        let known =
            (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted() ?? []
        throw NetworkLookupError(argument: argument, shipped: known)
    }

    /// The network with every block at `bits` (weights and activations); stem and head keep theirs.
    public func withBlockBits(_ bits: Int?) -> Network {
        guard let bits else { return self }
        var result = self
        for index in result.blocks.indices { result.blocks[index].precision = .uniform(bits) }
        return result
    }
}
