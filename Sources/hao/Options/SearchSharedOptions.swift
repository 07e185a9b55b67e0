import ArgumentParser
import HAOCoDesign
import HAOEvolution

/// Options of both `hao search` and `hao search benchmark`.
///
/// ArgumentParser gives an option to the first command of the stack that declares it, so a
/// subcommand that re-declares a parent's `--population` never receives it (the benchmark's
/// `--population` was silently ignored that way). Declared once as an option group by both
/// commands, the parsed values reach the subcommand too.
struct SearchSharedOptions: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Individuals per generation (default: \(CoDesignDefaults.population)); for 'hao search benchmark' the default is \(SearchBenchmarkCommand.defaultPopulation)."
    )
    var population: Int?
    @Option(
        name: .long,
        help:
            "Variation operators: 'ordinal' (SBX and polynomial mutation on each gene's rank: kernel 3<5<7, expand ratio, depth, bits, resolution) or 'categorical' (uniform crossover, redraw to any other value). Default: \(VariationOperators.default.name)."
    )
    var variation: String?
}
