import ArgumentParser
import Foundation
import HAOSolver
import HAOSupport

/// `hao lp`: solve a user's LP or MPS file with the project's GLPK backend.
struct LPCommand: ParsableCommand {
    /// The MILP solver files are solved with (the project's GLPK backend).
    private var milpSolver: any MILPSolver { GLPKSolver() }

    static let configuration = CommandConfiguration(
        commandName: "lp",
        abstract: "Solve an LP or MPS file with GLPK and print the status, objective and non-zero variables.",
        discussion: """
            The file is read with GLPK's readers (CPLEX LP, free MPS, or fixed MPS) into the project's
            model, validated, and solved exactly: simplex for LPs, branch and cut for MIPs. Use it to
            check files the project writes (hao solve --export-mps) or any model of your own; the
            objective is the one glpsol reports.

            A MIP stops after --time-limit seconds (default \(Int(LPCommand.defaultTimeLimitSeconds)) s, so a hard instance
            cannot run unnoticed for days; --no-time-limit lifts it) or at Ctrl-C, and
            reports the best solution found so far with a 'time limit' or 'interrupted'
            status (exit status 130 after Ctrl-C; a second Ctrl-C quits at once).

            Example:
              hao lp /usr/share/doc/glpk-utils/examples/plan.mps
              hao lp instance.lp --time-limit 10 --json
            """
    )

    enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, lp, mps
        case fixedMPS = "fixed-mps"
    }

    @Argument(help: "The LP or MPS file to solve.")
    var file: String

    @Option(help: "File format: auto (from the extension or content), lp, mps (free) or fixed-mps.")
    var format: FormatChoice = .auto

    @Option(
        parsing: .unconditional,
        help:
            "Stop after this many seconds and report the best solution found (default \(Int(LPCommand.defaultTimeLimitSeconds)); GLPK's limit, 2147483 s or about 24.8 days, applies to longer values)."
    )
    var timeLimit: Double?

    @Flag(help: "Run without a time limit (until optimal, or Ctrl-C).")
    var noTimeLimit = false

    /// The limit when none is given: long enough for every model the project writes (they solve
    /// in milliseconds to seconds), short enough that a hard user MIP reports its best-so-far.
    static let defaultTimeLimitSeconds = 600.0

    /// GLPK takes its time limit as an `int` of milliseconds; longer limits are clamped to this.
    static let maximumTimeLimitSeconds = Double(Int32.max) / 1000

    @Option(parsing: .unconditional, help: "Stop when the relative MIP gap is at most this (0 proves optimality).")
    var relativeGap: Double = 0

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "List every variable, not only the non-zero ones.")
    var all = false

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) {
            throw ValidationError("--time-limit must be a positive number of seconds, got \(timeLimit)")
        }
        if timeLimit != nil && noTimeLimit {
            throw ValidationError("give --time-limit or --no-time-limit, not both")
        }
        if !(relativeGap >= 0 && relativeGap.isFinite) {
            throw ValidationError("--relative-gap must be a finite number >= 0, got \(relativeGap)")
        }
    }

    struct Report: Encodable {
        var file: String
        var status: String
        var objective: Double?
        var objectiveName: String
        var sense: String
        var variables: [String: Double]
        var rows: Int
        var columns: Int
        var integerColumns: Int
        var solver: String
        var solveMs: Double

        enum CodingKeys: String, CodingKey {
            case file, status, objective, sense, variables, rows, columns, solver
            case objectiveName = "objective_name"
            case integerColumns = "integer_columns"
            case solveMs = "solve_ms"
        }

        // Every key always present: `objective` is null when there is no solution (infeasible,
        // unbounded, or a time limit without an incumbent), so scripts can rely on the shape.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(status, forKey: .status)
            try c.encode(objective, forKey: .objective)
            try c.encode(objectiveName, forKey: .objectiveName)
            try c.encode(sense, forKey: .sense)
            try c.encode(variables, forKey: .variables)
            try c.encode(rows, forKey: .rows)
            try c.encode(columns, forKey: .columns)
            try c.encode(integerColumns, forKey: .integerColumns)
            try c.encode(solver, forKey: .solver)
            try c.encode(solveMs, forKey: .solveMs)
        }
    }

    func run() throws {
        let chosen: ModelFileFormat? =
            switch format {
            case .auto: nil
            case .lp: .cplexLP
            case .mps: .freeMPS
            case .fixedMPS: .fixedMPS
            }
        let model: LinearModel
        let solution: Solution
        let stop = StopRequest()
        do {
            model = try LinearModel.read(from: file, format: chosen)
            // Clamp before converting: 1e30 s does not fit an Int64 of milliseconds, and GLPK
            // would clamp it to its own maximum anyway.
            let seconds = noTimeLimit ? nil : (timeLimit ?? Self.defaultTimeLimitSeconds)
            let limit = seconds.map { Duration.milliseconds(Int64((min($0, Self.maximumTimeLimitSeconds) * 1000).rounded(.up))) }
            var options = HAOSolver.SolverOptions(timeLimit: limit, relativeGap: relativeGap)
            options.stop = stop
            let signalSource = installSolveInterruptHandler(stop)
            defer { signalSource.cancel() }
            solution = try milpSolver.solve(model, options: options)
        } catch {
            throw CLIError(error.description)
        }
        try report(model, solution)
        if stop.isRequested { throw ExitCode(130) }
    }

    private func report(_ model: LinearModel, _ solution: Solution) throws {
        var values: [(String, Double)] = []
        if solution.status.hasSolution {
            values = zip(model.variables, solution.values)
                .filter { all || $0.1 != 0 }
                .map { ($0.0.name, $0.1) }
        }
        let report = Report(
            file: file, status: solution.status.rawValue, objective: solution.objective,
            objectiveName: model.objectiveName, sense: model.sense.rawValue,
            variables: Dictionary(values, uniquingKeysWith: { first, _ in first }),
            rows: model.constraints.count, columns: model.variables.count,
            integerColumns: model.variables.filter { $0.kind != .continuous }.count,
            solver: solution.solver.rawValue, solveMs: solution.solveTime.milliseconds)
        if json {
            try printJSON(report)
            return
        }
        if solution.status == .timeLimitWithIncumbent || solution.status == .timeLimitNoIncumbent, timeLimit == nil {
            printError(
                "note: stopped at the default time limit of \(Int(Self.defaultTimeLimitSeconds)) s; --time-limit S or --no-time-limit lets it run longer"
            )
        }
        try emit(
            "Model:      \(file): \(report.rows) rows, \(report.columns) columns (\(report.integerColumns) integer), \(model.nonzeroCount) non-zeros"
        )
        try emit("Status:     \(solution.status.rawValue.replacingOccurrences(of: "_", with: " "))")
        if let objective = solution.objective {
            let name = model.objectiveName.isEmpty ? "objective" : model.objectiveName
            try emit("Objective:  \(name) = \(format(objective)) (\(model.sense.rawValue))")
        }
        try emit("Solver:     \(solution.solver), \(String(format: "%.2f", report.solveMs)) ms")
        guard solution.status.hasSolution else { return }
        let label = all ? "Variables" : "Non-zero variables"
        try emit("\(label) (\(values.count) of \(model.variables.count)):")
        if !values.isEmpty {
            try emit(
                textTable(["name", "value"], values.map { [$0.0, format($0.1)] }, rightAligned: [1])
                    .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
