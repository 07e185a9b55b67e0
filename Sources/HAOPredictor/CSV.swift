import Foundation
import HAOSupport

/// A small CSV reader for the training and sensitivity files: comma-separated, first line
/// a header, no quoted commas. Blank lines are skipped; `#` starts a comment line.
struct CSVTable: Sendable {
    struct Row: Sendable {
        var line: Int
        var fields: [String]
        var file: String

        func string(_ column: Int) throws -> String {
            guard column < fields.count else {
                throw PredictorError.badData(file: file, line: line, reason: "missing column \(column + 1)")
            }
            let v = fields[column].trimmingCharacters(in: .whitespaces)
            guard !v.isEmpty else { throw PredictorError.badData(file: file, line: line, reason: "empty value in column \(column + 1)") }
            return v
        }

        /// Whether the cell is absent or only whitespace (an optional field left out).
        func isBlank(_ column: Int) -> Bool {
            column >= fields.count || fields[column].trimmingCharacters(in: .whitespaces).isEmpty
        }

        func double(_ column: Int) throws -> Double {
            let s = try string(column)
            guard let v = Double(s), v.isFinite else {
                throw PredictorError.badData(file: file, line: line, reason: "'\(s)' in column \(column + 1) is not a finite number")
            }
            return v
        }

        func int(_ column: Int) throws -> Int {
            let s = try string(column)
            guard let v = Int(s) else {
                throw PredictorError.badData(file: file, line: line, reason: "'\(s)' in column \(column + 1) is not an integer")
            }
            return v
        }

        /// A dash-separated integer list such as `2-3-4-2-3`.
        func intList(_ column: Int) throws -> [Int] {
            let s = try string(column)
            let parts = s.split(separator: "-", omittingEmptySubsequences: false)
            let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == parts.count else {
                throw PredictorError.badData(
                    file: file, line: line, reason: "'\(s)' in column \(column + 1) is not a dash-separated integer list")
            }
            return values
        }
    }

    var file: String
    var header: [String]
    var rows: [Row]

    /// Reads plain comma-separated text (no quoting).
    init(text: String, file: String) throws {
        try self.init(text: text, file: file) { line, _ in
            line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Reads `text` line by line, `splitLine` turning one line (with its 1-based number, for
    /// errors) into fields. Blank lines and `#` comments are skipped; the first row is the header.
    init(text: String, file: String, splitLine: (String, Int) throws -> [String]) throws {
        self.file = file
        var header: [String]? = nil
        var rows: [Row] = []
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = try splitLine(line, i + 1)
            if header == nil {
                header = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            } else {
                rows.append(Row(line: i + 1, fields: fields, file: file))
            }
        }
        guard let header else { throw PredictorError.badData(file: file, line: 1, reason: "empty file (no header)") }
        self.header = header
        self.rows = rows
    }

    init(contentsOf url: URL) throws {
        let text: String
        do { text = try InputFile.text(url) } catch {
            throw PredictorError.badData(file: url.path, line: 0, reason: "cannot read: \(error.reason)")
        }
        try self.init(text: text, file: url.path)
    }

    func has(_ names: String...) -> Bool { names.allSatisfy { header.contains($0) } }

    func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw PredictorError.badData(file: file, line: 1, reason: "no '\(name)' column (header: \(header.joined(separator: ",")))")
        }
        return i
    }
}
