import ArgumentParser
import HAOCoDesign

extension ExternalMetrics: ExpressibleByArgument {}

/// `hao search --state DIR --ask N | --tell FILE`: the search driven by external evaluators
/// (docs/ask-tell.md).
struct AskTellOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder of an ask/tell search (created by the first --ask).", valueName: "dir"))
    var state: String?
    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "Print up to N candidates the search waits for, one JSON object per line, and record them as handed out.", valueName: "n"))
    var ask: Int?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Record measurements: one JSON object per line, {\"id\", \"top1\"?, \"latency_ms\"?} ('-' reads stdin).", valueName: "file"))
    var tell: String?
    @Flag(name: .long, help: "With --ask: also hand out again candidates handed out before and not told (a lost worker's).")
    var reask = false
    @Option(
        name: .long,
        help: ArgumentHelp("With the first --ask: which metrics come from outside: accuracy, latency or both.", valueName: "metrics"))
    var external: ExternalMetrics?

    /// Whether any ask/tell option is given.
    var isUsed: Bool { state != nil || ask != nil || tell != nil || reask || external != nil }

    /// Checks the combination; `out` and `resume` are the search's folder options.
    func validate(out: String?, resume: String?) throws {
        guard isUsed else { return }
        guard state != nil else { throw ValidationError("--ask, --tell, --reask and --external need --state DIR") }
        guard (ask != nil) != (tell != nil) else { throw ValidationError("give one of --ask N or --tell FILE with --state") }
        if let ask, ask < 1 { throw ValidationError("--ask needs a count of at least 1, got \(ask)") }
        if tell != nil && (reask || external != nil) { throw ValidationError("--reask and --external go with --ask, not --tell") }
        if out != nil || resume != nil { throw ValidationError("an ask/tell search lives in its --state folder; drop --out / --resume") }
    }
}
