import Foundation
import HAONetwork
import HAOSupport

/// Why a point of a search's `frontier.json` could not be read.
public struct FrontierReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line for the user naming the file (and point) and what is wrong.
    public var description: String
    /// Creates an error carrying its message.
    public init(description: String) { self.description = description }
}

/// Reads the networks of the frontier a search wrote (`frontier.json`, format
/// `hao-frontier-v1`, as `hao search` writes it), without depending on the search module:
/// only the `format` and each point's `network` are read.
public enum FrontierPoints {
    /// The frontier format this reader understands.
    public static let formatName = "hao-frontier-v1"

    /// Splits `FILE#INDEX` into the file and the 0-based point index; nil when the argument
    /// has no `#` suffix of digits.
    public static func reference(_ argument: String) -> (path: String, index: Int)? {
        guard let hash = argument.lastIndex(of: "#") else { return nil }
        let digits = argument[argument.index(after: hash)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return (String(argument[..<hash]), Int(digits) ?? Int.max)
    }

    /// The network of point `index` (0-based, in the file's order: increasing fps).
    public static func network(contentsOf url: URL, index: Int) throws(FrontierReadError) -> Network {
        let networks = try self.networks(contentsOf: url)
        guard index >= 0, index < networks.count else {
            throw FrontierReadError(
                description: networks.isEmpty
                    ? "'\(url.path)' has no frontier points"
                    : "point \(index) does not exist: '\(url.path)' has \(networks.count) frontier points (0...\(networks.count - 1))")
        }
        return networks[index]
    }

    /// Every frontier point's network, validated.
    public static func networks(contentsOf url: URL) throws(FrontierReadError) -> [Network] {
        let data: Data
        do { data = try InputFile.read(url) } catch {
            throw FrontierReadError(description: "cannot read frontier file '\(url.path)': \(error.reason)")
        }
        do { try JSONFile.checkSyntax(data, source: "'\(url.path)'") } catch {
            throw FrontierReadError(description: "\(error)")
        }
        struct Header: Decodable { var format: String? }
        struct Points: Decodable {
            struct Point: Decodable { var network: Network }
            var frontier: [Point]
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw FrontierReadError(description: "'\(url.path)' is not a JSON object (expected a search's frontier.json)")
        }
        guard header.format == formatName else {
            throw FrontierReadError(
                description:
                    "'\(url.path)' has format \(header.format.map { "'\($0)'" } ?? "none"); expected '\(formatName)' (a search's frontier.json)"
            )
        }
        let points: Points
        do { points = try JSONDecoder().decode(Points.self, from: data) } catch {
            let reason = (error as? DecodingError).map { JSONFile.translate($0, source: "").reason } ?? "\(error)"
            throw FrontierReadError(description: "'\(url.path)': the frontier points do not decode: \(reason)")
        }
        var result: [Network] = []
        for (index, point) in points.frontier.enumerated() {
            do { try point.network.validate() } catch {
                throw FrontierReadError(description: "'\(url.path)', point \(index): \(error)")
            }
            result.append(point.network)
        }
        return result
    }
}
