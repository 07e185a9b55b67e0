import Foundation

/// A CSV file read by RFC 4180: fields separated by commas, a field in double quotes may hold
/// commas, line breaks and doubled quotes (`""`); records end with CRLF or LF; the first record is
/// the header. Every record keeps the line it starts on, so a bad row is reported by line number.
///
/// Hand-written rather than taken from a CSV package: the ones this project can resolve
/// (SwiftCSV, CSV.swift) do not report where a record starts, and an unterminated quote would
/// silently swallow the rest of the file.
public struct CSVTable: Sendable {
    /// One record.
    public struct Record: Sendable {
        /// The 1-based line the record starts on.
        public var line: Int
        /// Its fields, unquoted.
        public var fields: [String]
    }

    /// The file, for messages.
    public var file: String
    /// Column names as written (surrounding spaces removed).
    public var header: [String]
    /// Every record after the header, blank lines skipped.
    public var records: [Record]

    /// Parses `text`; `file` names it in errors.
    public init(text: String, file: String) throws(CalibrationError) {
        self.file = file
        var records = try Self.parse(Array(text.utf8), file: file)
        guard !records.isEmpty else { throw .badFile(file: file, line: nil, reason: "empty (no header line)") }
        header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces) }
        self.records = records
    }

    /// Reads and parses a file.
    public init(contentsOf url: URL) throws(CalibrationError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .badFile(file: url.path, line: nil, reason: "cannot read it (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .badFile(file: url.path, line: nil, reason: "not UTF-8 text")
        }
        try self.init(text: text, file: url.path)
    }

    /// The index of the column named `name` (case-insensitive), if any.
    public func column(_ name: String) -> Int? {
        header.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The index of the column named `name`, or an error naming the columns there are.
    public func requiredColumn(_ name: String) throws(CalibrationError) -> Int {
        guard let index = column(name) else {
            throw .badFile(file: file, line: 1, reason: "no '\(name)' column (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    static func parse(_ bytes: [UInt8], file: String) throws(CalibrationError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = 0
        var inQuotes = false
        var wasQuoted = false
        var quoteLine = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            // A record of one empty field is a blank line.
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if b == lf { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case quote:
                guard field.allSatisfy({ $0 == UInt8(ascii: " ") }), !wasQuoted else {
                    throw .badFile(
                        file: file, line: line,
                        reason:
                            "a quote inside an unquoted field (field \(fields.count + 1)); quote the whole field and double inner quotes")
                }
                field.removeAll()
                inQuotes = true
                wasQuoted = true
                quoteLine = line
            case comma:
                endField()
            case cr, lf:
                endRecord()
                if b == cr && i + 1 < bytes.count && bytes[i + 1] == lf { i += 1 }
                line += 1
                recordLine = line
            default:
                if wasQuoted && b != UInt8(ascii: " ") {
                    throw .badFile(file: file, line: line, reason: "text after a closing quote in field \(fields.count + 1)")
                }
                if !wasQuoted { field.append(b) }
            }
            i += 1
        }
        if inQuotes { throw .badFile(file: file, line: quoteLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
