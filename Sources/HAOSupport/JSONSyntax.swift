import Foundation

/// A JSON syntax fault at a known place.
public struct JSONSyntaxIssue: Error, Sendable, Equatable {
    /// "line 3, column 14" (1-based; columns count bytes).
    public var location: String?
    /// What is wrong there, e.g. "duplicate key 'dsp' in 'resources'".
    public var detail: String
}

/// A strict JSON checker (RFC 8259) that says where and what: the line and column of every
/// fault, a message for the usual mistakes (NaN, comments, trailing commas, single quotes, an
/// empty file), numbers too large for a Double, nesting deeper than ``maximumDepth``, and
/// duplicate keys, which Foundation's decoder silently resolves (first or last wins, by version)
/// so that an edited value may be ignored without a word.
public enum JSONSyntax {
    /// Deeper nesting than any file of the project; refusing it keeps parsers' recursion bounded.
    public static let maximumDepth = 256

    /// Checks `data`; throws the first fault.
    public static func check(_ data: Data) throws(JSONSyntaxIssue) {
        let failure: (offset: Int, detail: String)? = data.withUnsafeBytes {
            (raw: UnsafeRawBufferPointer) -> (offset: Int, detail: String)? in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            do throws(Fault) {
                try scanner.document()
                return nil
            } catch {
                return (error.offset, error.detail)
            }
        }
        guard let failure else { return }
        throw JSONSyntaxIssue(location: location(of: failure.offset, in: data), detail: failure.detail)
    }

    /// "line L, column C" of a byte offset.
    static func location(of offset: Int, in data: Data) -> String {
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return "line \(line), column \(column)"
    }

    struct Fault: Error {
        var offset: Int
        var detail: String
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0
        /// The key path of the value being read, for duplicate-key messages.
        var path: [String] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func document() throws(Fault) {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            skipBlanks()
            guard index < bytes.count else {
                throw Fault(offset: index, detail: index == 0 ? "the file is empty" : "the file holds only blanks")
            }
            try value()
            skipBlanks()
            if index < bytes.count {
                throw Fault(offset: index, detail: "unexpected \(describe(at: index)) after the end of the JSON value")
            }
        }

        mutating func skipBlanks() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func describe(at offset: Int) -> String {
            guard offset < bytes.count else { return "end of file" }
            let byte = bytes[offset]
            if byte >= 0x20 && byte < 0x7F { return "character '\(Character(UnicodeScalar(byte)))'" }
            return String(format: "byte 0x%02X", byte)
        }

        func pathText() -> String {
            var text = ""
            for component in path {
                if component.hasPrefix("[") { text += component } else { text += text.isEmpty ? component : "." + component }
            }
            return text
        }

        mutating func value() throws(Fault) {
            skipBlanks()
            guard index < bytes.count else { throw Fault(offset: index, detail: "the file ends where a value was expected") }
            switch bytes[index] {
            case UInt8(ascii: "{"): try object()
            case UInt8(ascii: "["): try array()
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: throw Fault(offset: index, detail: unexpectedValueDetail())
            }
        }

        func unexpectedValueDetail() -> String {
            let rest = bytes[index..<min(bytes.count, index + 9)]
            let word = String(decoding: rest, as: UTF8.self)
            for special in ["NaN", "Infinity", "-Infinity", "inf", "nan"] where word.hasPrefix(special) {
                return "\(special) is not a JSON number (JSON has no NaN or infinity; write a finite number)"
            }
            if word.hasPrefix("//") || word.hasPrefix("/*") { return "comments are not allowed in JSON" }
            if word.hasPrefix("'") { return "strings need double quotes in JSON" }
            if word.hasPrefix("}") || word.hasPrefix("]") {
                return "a value was expected before \(describe(at: index)) (a trailing comma?)"
            }
            return "unexpected \(describe(at: index)) where a value was expected"
        }

        mutating func enter() throws(Fault) {
            depth += 1
            guard depth <= JSONSyntax.maximumDepth else {
                throw Fault(offset: index, detail: "nested deeper than \(JSONSyntax.maximumDepth) levels")
            }
        }

        mutating func object() throws(Fault) {
            try enter()
            index += 1
            skipBlanks()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return
            }
            var keys = Set<String>()
            while true {
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                        throw Fault(offset: index, detail: "a key was expected before '}' (a trailing comma?)")
                    }
                    throw Fault(
                        offset: index,
                        detail: index < bytes.count && bytes[index] == UInt8(ascii: "'")
                            ? "keys need double quotes in JSON" : "a quoted key was expected, found \(describe(at: index))")
                }
                let keyOffset = index
                let key = try string()
                guard keys.insert(key).inserted else {
                    let within = path.isEmpty ? "the top level" : "'\(pathText())'"
                    throw Fault(offset: keyOffset, detail: "duplicate key '\(key)' in \(within) (each key may appear once)")
                }
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw Fault(offset: index, detail: "':' was expected after the key '\(key)', found \(describe(at: index))")
                }
                index += 1
                path.append(key)
                try value()
                path.removeLast()
                guard try anotherMember(closedBy: "}", inside: "object") else { break }
            }
            depth -= 1
        }

        /// After a member: consumes a ',' (true: another member follows) or the closing
        /// bracket (false); anything else, or the end of the file, is the fault.
        mutating func anotherMember(closedBy close: Unicode.Scalar, inside container: String) throws(Fault) -> Bool {
            skipBlanks()
            guard index < bytes.count else {
                throw Fault(offset: index, detail: "the file ends inside an \(container) (missing '\(close)')")
            }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                return true
            }
            if bytes[index] == UInt8(ascii: close) {
                index += 1
                return false
            }
            throw Fault(offset: index, detail: "',' or '\(close)' was expected, found \(describe(at: index))")
        }

        mutating func array() throws(Fault) {
            try enter()
            index += 1
            skipBlanks()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return
            }
            var position = 0
            while true {
                path.append("[\(position)]")
                try value()
                path.removeLast()
                position += 1
                guard try anotherMember(closedBy: "]", inside: "array") else { break }
            }
            depth -= 1
        }

        /// A string's decoded text (escapes resolved, so that "a" and "\u0061" are the same key).
        mutating func string() throws(Fault) -> String {
            let start = index
            index += 1
            var plain = true
            let contentStart = index
            while true {
                guard index < bytes.count else { throw Fault(offset: start, detail: "a string starting here is not closed") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 {
                    throw Fault(
                        offset: index, detail: "a control character (\(String(format: "0x%02X", byte))) inside a string must be escaped")
                }
                if byte == UInt8(ascii: "\\") {
                    plain = false
                    index += 1
                    guard index < bytes.count else { throw Fault(offset: start, detail: "a string starting here is not closed") }
                    switch bytes[index] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        break
                    case UInt8(ascii: "u"):
                        guard index + 4 < bytes.count, bytes[(index + 1)...(index + 4)].allSatisfy({ isHexDigit($0) }) else {
                            throw Fault(offset: index - 1, detail: "\\u must be followed by four hexadecimal digits")
                        }
                        index += 4
                    default: throw Fault(offset: index - 1, detail: "invalid escape '\\\(describe(at: index))' in a string")
                    }
                }
                index += 1
            }
            let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
            index += 1
            let text = String(decoding: content, as: UTF8.self)
            return plain ? text : unescape(text)
        }

        func isHexDigit(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }

        /// The escapes of a string already checked to be well formed.
        func unescape(_ text: String) -> String {
            let data = Data(("\"" + text + "\"").utf8)
            return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? String) ?? text
        }

        mutating func number() throws(Fault) {
            let start = index
            func digits() -> Int {
                let first = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                return index - first
            }
            if bytes[index] == UInt8(ascii: "-") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                    index = start
                    throw Fault(offset: start, detail: unexpectedValueDetail())
                }
            }
            guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else {
                throw Fault(offset: start, detail: "a number needs digits after '-'")
            }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                    throw Fault(offset: start, detail: "a number must not start with 0 (leading zeros are not JSON)")
                }
            } else {
                _ = digits()
            }
            var scientific = false
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw Fault(offset: start, detail: "a number needs digits after its decimal point") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                scientific = true
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw Fault(offset: start, detail: "a number needs digits in its exponent") }
            }
            if scientific || index - start > 300 {
                let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                if let value = Double(literal), !value.isFinite {
                    throw Fault(offset: start, detail: "the number \(literal.prefix(40)) is too large (at most about 1.8e308)")
                }
            }
        }

        mutating func literal(_ word: String) throws(Fault) {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw Fault(offset: index, detail: unexpectedValueDetail())
            }
            index += expected.count
        }
    }
}
