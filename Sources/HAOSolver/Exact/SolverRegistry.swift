/// A backend a user can choose by name (`--solver NAME`).
public struct SolverRegistration: Sendable {
    /// The backend's identifier.
    public var id: SolverID
    /// One line for help texts.
    public var summary: String
    /// Builds the backend with the caller's options (time limit and gap).
    public var make: @Sendable (SolverOptions) -> any ExactSolver

    /// A registration.
    public init(id: SolverID, summary: String, make: @escaping @Sendable (SolverOptions) -> any ExactSolver) {
        self.id = id
        self.summary = summary
        self.make = make
    }
}

/// The backends users can name. Adding a backend: its own folder under `Backends/` (its
/// ``ExactSolver`` conformer, its ``SolverID``, its ``SolverRegistration``) and one line here.
public enum SolverRegistry {
    /// Every registered backend, in the order help texts list them.
    public static let backends: [SolverRegistration] = [
        .glpk,
        .native,
        .enumeration,
    ]

    /// The registered backend named `name` (case-insensitive), if any.
    public static func backend(named name: String) -> SolverRegistration? {
        backends.first { $0.id.rawValue == name.lowercased() }
    }
}

extension SolverRegistration {
    /// The integer program, solved by GLPK's branch and cut.
    public static let glpk = SolverRegistration(id: .glpk, summary: "the integer program, solved by GLPK") {
        MILPBackend(milp: GLPKSolver(), options: $0)
    }
    /// The problem's own exact algorithm.
    public static let native = SolverRegistration(id: .native, summary: "the exact pure-Swift algorithm") { _ in NativeBackend() }
    /// Exhaustive enumeration.
    public static let enumeration = SolverRegistration(id: .enumeration, summary: "every candidate evaluated (slow; certifies the others)")
    { _ in
        EnumerationBackend()
    }
}

/// What a user asks for with `--solver`: a registered backend by name, or `auto`, the project's
/// default policy: the native exact solver, its answer certified by GLPK (``Certified``).
///
/// Stored as its name, so checkpoints and reports read "auto", "glpk", ...
public struct SolverChoice: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name as given on the command line.
    public let name: String

    /// The default policy.
    public static let auto = SolverChoice(checked: "auto")
    /// GLPK only.
    public static let glpk = SolverChoice(checked: SolverID.glpk.rawValue)
    /// The native exact solver only.
    public static let native = SolverChoice(checked: SolverID.native.rawValue)
    /// Exhaustive enumeration only.
    public static let enumeration = SolverChoice(checked: SolverID.enumeration.rawValue)

    private init(checked name: String) { self.name = name }

    /// The choice named `text` (case-insensitive): "auto" or a registered backend; nil otherwise.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        guard lowered == "auto" || SolverRegistry.backend(named: lowered) != nil else { return nil }
        name = lowered
    }

    /// Every name `init?(_:)` accepts, "auto" first.
    public static var allNames: [String] { ["auto"] + SolverRegistry.backends.map(\.id.rawValue) }

    /// The choice's name: "auto" or a backend's identifier, lowercase.
    public var description: String { name }

    /// The solver this choice stands for. `timeLimit` bounds each MILP solve (GLPK); under `auto`
    /// a certificate that reaches it is reported as not obtained (the native answer stands).
    public func makeSolver(timeLimit: Duration? = .seconds(60)) -> any ExactSolver {
        let options = SolverOptions(timeLimit: timeLimit)
        if name == "auto" { return Certified(NativeBackend(), certifier: GLPKSolver(), options: options) }
        return SolverRegistry.backend(named: name)!.make(options)
    }

    /// Whether this is the default policy (native answers certified by GLPK).
    public var isAuto: Bool { name == "auto" }

    /// Decodes a choice from its name; an unknown name is a decoding error listing the accepted ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let choice = SolverChoice(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown solver '\(text)'; expected one of \(SolverChoice.allNames.joined(separator: ", "))")
        }
        self = choice
    }

    /// Encodes the choice as its name (a JSON string).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
