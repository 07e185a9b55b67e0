import HAOEvolution

/// Upper limits on a search's size, with the reason a user is told.
///
/// A search keeps every distinct candidate it evaluated, in memory and in its checkpoint
/// (measured: about 1.1 kB of checkpoint per evaluation, a 16 x 3 run on the default space),
/// and at most `population` new candidates arrive per generation. The checkpoint must stay
/// readable by the loader (``HAOSupport/InputFile/defaultLimit``, 512 MiB), so the number of
/// evaluations a run may ask for is bounded; the default run (128 x 80) asks for 10,368.
public enum SearchLimits {
    /// The most evaluations a run may ask for: population x (generations + 1).
    public static let maximumEvaluations = 400_000
    /// The most generations (with the smallest population, 2, this is 200,002 evaluations).
    public static let maximumGenerations = 100_000

    /// Checks a run's size.
    public static func check(population: Int, generations: Int) throws {
        guard generations >= 0 else { throw SearchError.invalidSetting("--generations must be at least 0, got \(generations)") }
        guard generations <= maximumGenerations else {
            throw SearchError.invalidSetting("--generations \(generations) is above the limit of \(maximumGenerations): \(reason)")
        }
        let (product, overflow) = population.multipliedReportingOverflow(by: generations + 1)
        guard !overflow, product <= maximumEvaluations else {
            throw SearchError.invalidSetting(
                "population \(population) x (generations \(generations) + 1) asks for up to \(overflow ? "more than 2^63" : "\(product)") evaluations, above the limit of \(maximumEvaluations): \(reason)"
            )
        }
    }

    /// Why the limits exist, for messages.
    static let reason =
        "a search keeps every evaluated candidate in memory and in its checkpoint (about 1.1 kB each), and the checkpoint must stay below the 512 MiB a resume can read; run fewer generations, or a smaller population"
}
