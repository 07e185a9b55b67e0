/// Which solver backend produced an answer, or is asked for.
///
/// An open set of names rather than a closed enumeration, so that a new backend declares its own
/// identifier in its own folder (`extension SolverID { static let highs = ... }`) and registers
/// with one line in ``SolverRegistry``. Two identifiers are equal when their raw values are.
public struct SolverID: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    /// The identifier as it appears on the command line and in JSON reports, e.g. "glpk".
    public let rawValue: String
    /// The name in prose, e.g. "GLPK".
    public let displayName: String

    /// An identifier; `displayName` defaults to the raw value.
    public init(_ rawValue: String, displayName: String? = nil) {
        self.rawValue = rawValue
        self.displayName = displayName ?? rawValue
    }

    /// The identifier `rawValue`, with the raw value as its display name; never fails (the set of names is open).
    public init(rawValue: String) { self.init(rawValue) }

    /// The raw value, e.g. "glpk".
    public var description: String { rawValue }

    /// Equal when the raw values are; the display name is ignored.
    public static func == (lhs: SolverID, rhs: SolverID) -> Bool { lhs.rawValue == rhs.rawValue }
    /// Hashes the raw value only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// Decodes an identifier from its raw value (a JSON string); any string is accepted.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the raw value only (a JSON string); the display name is not stored.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Not a solver: the answer followed from the problem's own reductions (e.g. pruning left a
    /// choice with no candidate, so the problem is infeasible without solving anything).
    public static let reductions = SolverID("pruning", displayName: "pruning")
}
