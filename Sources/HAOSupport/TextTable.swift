/// Rows formatted as a text table with a header rule: columns separated by two spaces,
/// left-aligned unless listed in `rightAligned`, trailing blanks removed.
public func textTable(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
    let widths = header.indices.map { column in
        ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            let pad = String(repeating: " ", count: widths[index] - cell.count)
            return rightAligned.contains(index) ? pad + cell : cell + pad
        }.joined(separator: "  ").trailingBlanksRemoved
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
}

extension String {
    /// The string without trailing blanks (leading ones are alignment).
    public var trailingBlanksRemoved: String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
