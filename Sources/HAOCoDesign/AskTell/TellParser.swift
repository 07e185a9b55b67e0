import Foundation

/// Reads tell lines: one JSON object per non-empty line with a string `id` and the metrics the
/// search takes from outside, each finite and in range.
struct TellParser {
    let external: ExternalMetrics

    func parse(_ text: String) throws -> [(line: Int, id: String, metrics: ToldMetrics)] {
        var result: [(Int, String, ToldMetrics)] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let told: Line
            do { told = try JSONDecoder().decode(Line.self, from: Data(trimmed.utf8)) } catch {
                throw AskTellError.malformedLine(line: line, detail: Self.reason(error))
            }
            guard !told.id.isEmpty else { throw AskTellError.malformedLine(line: line, detail: "needs a non-empty \"id\"") }
            let top1 = try metric(told.top1, "top1", needed: external.includesAccuracy, range: 0...100, line: line, id: told.id)
            let latency = try metric(
                told.latencyMs, "latency_ms", needed: external.includesLatency, range: 1e-6...1e6, line: line, id: told.id)
            result.append((line, told.id, ToldMetrics(top1: top1, latencyMs: latency)))
        }
        guard !result.isEmpty else { throw AskTellError.malformedLine(line: 1, detail: "no tells (one JSON object per line)") }
        return result
    }

    /// The value of a needed metric; nil for one the search does not take from outside (a value
    /// given anyway is ignored, so an evaluator may report everything it measured).
    private func metric(_ value: Double?, _ key: String, needed: Bool, range: ClosedRange<Double>, line: Int, id: String) throws -> Double?
    {
        guard needed else { return nil }
        guard let value else { throw AskTellError.missingMetric(line: line, id: id, metric: key) }
        guard value.isFinite, range.contains(value) else {
            throw AskTellError.badValue(line: line, id: id, metric: key, value: value, range: "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// One tell line; keys other than these are ignored.
    private struct Line: Decodable {
        var id: String
        var top1: Double?
        var latencyMs: Double?
        enum CodingKeys: String, CodingKey {
            case id, top1
            case latencyMs = "latency_ms"
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "needs \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        default: return "not a JSON object"
        }
    }
}
