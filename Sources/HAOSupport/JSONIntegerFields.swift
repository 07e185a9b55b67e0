import Foundation

/// Finds a JSON number that is not an integer where a file format wants one.
///
/// Foundation's `JSONDecoder` rejects `224.5`, `1e308` or `2^63` for an `Int` field with
/// "The given data was not valid JSON" and no coding path, which sends the user looking
/// for a syntax error. The loaders check syntax first, so when the decoder still says the
/// data is not JSON they look here for the field to name.
public enum JSONIntegerFields {
    /// The first value at one of `patterns` that is a number but not an integer in `Int`'s
    /// range, as (path, value), e.g. ("blocks[3].kernel", "224.5"); nil if there is none.
    ///
    /// A pattern is a key path; the component `"[]"` matches every element of an array, so
    /// `["blocks", "[]", "kernel"]` checks every block's kernel. Values of other JSON types
    /// are ignored (the decoder reports those itself).
    public static func firstNonInteger(in json: Any, patterns: [[String]]) -> (path: String, value: String)? {
        for pattern in patterns {
            if let found = walk(json, pattern[...], "") { return found }
        }
        return nil
    }

    /// The same, for JSON bytes (nil if they do not parse).
    public static func firstNonInteger(in data: Data, patterns: [[String]]) -> (path: String, value: String)? {
        guard let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return firstNonInteger(in: json, patterns: patterns)
    }

    /// What the message says an integer field accepts.
    public static let expectation = "expected an integer (a whole number from -2^63 to 2^63-1)"

    private static func walk(_ value: Any, _ pattern: ArraySlice<String>, _ path: String) -> (path: String, value: String)? {
        guard let head = pattern.first else {
            // NSNumber bridges to Int only when the value is exactly an Int (224.0 does, 224.5 does not).
            guard let number = value as? NSNumber, !(value is Bool), (number as? Int) == nil else { return nil }
            return (path, number.description)
        }
        let rest = pattern.dropFirst()
        if head == "[]" {
            guard let array = value as? [Any] else { return nil }
            for (index, element) in array.enumerated() {
                if let found = walk(element, rest, path + "[\(index)]") { return found }
            }
            return nil
        }
        guard let object = value as? [String: Any], let child = object[head] else { return nil }
        return walk(child, rest, path.isEmpty ? head : path + "." + head)
    }
}
