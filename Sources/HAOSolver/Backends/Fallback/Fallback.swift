/// Tries `primary`; when it fails (a backend error, or a stop before proving optimality), solves
/// with `secondary` and says so in the result's messages. The one fallback policy of the project.
public struct Fallback<Primary: ExactSolver, Secondary: ExactSolver>: ExactSolver {
    /// The backend tried first.
    public var primary: Primary
    /// The backend that takes over when the first fails.
    public var secondary: Secondary

    /// `primary`, then `secondary` on failure.
    public init(_ primary: Primary, _ secondary: Secondary) {
        self.primary = primary
        self.secondary = secondary
    }

    /// Both backends' names in the order they are tried, e.g. "glpk, then native".
    public var name: String { "\(primary.name), then \(secondary.name)" }

    /// The primary's result; when the primary throws (any error), the secondary's, with a first message naming the primary and
    /// its error. Throws the secondary's error when both fail.
    public func solve<Problem: ExactProblem>(_ problem: Problem) throws(SolverError) -> ExactResult<Problem.Answer> {
        do {
            return try primary.solve(problem)
        } catch {
            var result = try secondary.solve(problem)
            result.messages.insert(
                "\(primary.displayName) did not finish (\(error)); the \(secondary.displayName) exact solver took over", at: 0)
            return result
        }
    }
}
