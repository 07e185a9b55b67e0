import CGLPK
import CGLPKGuard
import HAOSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SolverID {
    /// GLPK, the GNU Linear Programming Kit.
    public static let glpk = SolverID("glpk", displayName: "GLPK")
}

/// Solves a ``LinearModel`` exactly with GLPK: the simplex method for LPs, branch and cut
/// (`glp_intopt`, with GLPK's MIP presolver) for models with integer columns.
///
/// Every model is validated in Swift before GLPK sees it, and every GLPK call runs under a
/// C error guard, so a call GLPK still rejects comes back as ``SolverError/rejected(by:message:)``
/// instead of aborting the process. GLPK keeps its state per thread: a solve builds,
/// solves and frees its problem on the calling thread, so any number of threads may
/// solve at once. Terminal output is silenced per thread, and each thread's GLPK
/// environment is freed when the thread exits.
public struct GLPKSolver: MILPSolver {
    /// Always ``SolverID/glpk``.
    public var id: SolverID { .glpk }

    /// Passed to GLPK unchecked; only tests set it, to reach GLPK's own parameter checks.
    var unvalidatedMessageLevel: Int32?
    /// Branch-and-cut settings (GLPK's defaults when nil).
    public var tuning: GLPKTuning?

    /// GLPK with its own branch-and-cut defaults.
    public init() {}

    /// GLPK with `tuning` (GLPK's own defaults when nil).
    public init(tuning: GLPKTuning?) {
        self.tuning = tuning
    }

    init(unvalidatedMessageLevel: Int32) {
        self.unvalidatedMessageLevel = unvalidatedMessageLevel
    }

    /// Threads whose GLPK environment was freed when they exited, since the process started.
    public static var environmentsFreedAtThreadExit: Int {
        Int(hao_glpk_environments_freed_at_thread_exit())
    }

    /// Solves `model` with GLPK's simplex and branch and cut under `options`; the solution's status says whether the
    /// optimum is proven or GLPK stopped early (time limit, gap). Throws ``SolverError/invalidModel(_:)`` for a bad model,
    /// ``SolverError/invalidOption(_:)`` for a bad limit, and ``SolverError/rejected(by:message:)`` or
    /// ``SolverError/failed(_:code:message:)`` when GLPK reports an error (it never aborts the process).
    public func solve(_ model: LinearModel, options: SolverOptions = SolverOptions()) throws(SolverError) -> Solution {
        var glpkOptions = try Self.glpkOptions(options, messageLevel: unvalidatedMessageLevel ?? GLP_MSG_OFF)
        tuning?.apply(to: &glpkOptions)
        let clock = ContinuousClock()
        let start = clock.now
        // Names only serve files and messages: a solve leaves them out of GLPK's copy.
        let problem = try GLPKProblem(model, names: false)
        var values = [Double](repeating: .nan, count: model.variables.count)
        var result = hao_glpk_result()
        var options = glpkOptions
        let code = try problem.withGuardedCall { problem, buffer, capacity in
            values.withUnsafeMutableBufferPointer { column in
                result.column_values = column.baseAddress
                return hao_glpk_solve(problem, &options, &result, buffer, capacity)
            }
        }
        _ = code
        let elapsed = clock.now - start
        let status: SolveStatus
        switch Int(result.status) {
        case Int(HAO_STATUS_OPTIMAL): status = .optimal
        case Int(HAO_STATUS_FEASIBLE): status = .feasible
        case Int(HAO_STATUS_INFEASIBLE): status = .infeasible
        case Int(HAO_STATUS_UNBOUNDED): status = .unbounded
        case Int(HAO_STATUS_TIME_LIMIT_INCUMBENT): status = .timeLimitWithIncumbent
        case Int(HAO_STATUS_TIME_LIMIT_NO_INCUMBENT): status = .timeLimitNoIncumbent
        case Int(HAO_STATUS_STOPPED_INCUMBENT): status = .stoppedWithIncumbent
        case Int(HAO_STATUS_STOPPED_NO_INCUMBENT): status = .stoppedNoIncumbent
        default:
            throw .failed(.glpk, code: Int(result.glpk_code), message: Self.describe(glpkCode: result.glpk_code))
        }
        let bound = result.best_bound.isFinite ? result.best_bound : nil
        if status.hasSolution {
            return Solution(
                status: status, objective: result.objective, values: values, bestBound: bound,
                solveTime: elapsed, solver: id)
        }
        return Solution(status: status, objective: nil, values: [], bestBound: bound, solveTime: elapsed, solver: id)
    }

    static func glpkOptions(_ options: SolverOptions, messageLevel: Int32) throws(SolverError) -> hao_glpk_options {
        var result = hao_glpk_options()
        if let limit = options.timeLimit {
            let milliseconds = limit.milliseconds
            guard milliseconds > 0 else { throw .invalidOption("the time limit must be positive, got \(limit)") }
            result.time_limit_ms = Int32(clamping: Int(min(milliseconds.rounded(.up), Double(Int32.max))))
        }
        guard options.relativeGap.isFinite, options.relativeGap >= 0 else {
            throw .invalidOption("the relative gap must be a finite number >= 0, got \(options.relativeGap)")
        }
        result.mip_gap = options.relativeGap
        result.presolve = options.presolve ? 1 : 0
        result.message_level = messageLevel
        if let stop = options.stop { result.stop_requested = UnsafePointer(stop.flag) }
        return result
    }

    static func describe(glpkCode code: Int32) -> String {
        switch code {
        case GLP_EBADB: return "invalid initial basis"
        case GLP_ESING: return "singular basis matrix"
        case GLP_ECOND: return "ill-conditioned basis matrix"
        case GLP_EBOUND: return "incorrect bounds"
        case GLP_EFAIL: return "solver failure"
        case GLP_EOBJLL, GLP_EOBJUL: return "objective limit reached"
        case GLP_EITLIM: return "iteration limit exceeded"
        case GLP_EROOT: return "no optimal basis for the relaxation"
        case GLP_ESTOP: return "search terminated"
        default: return "unexpected return code"
        }
    }
}

/// A GLPK problem object owned by one thread for the duration of one operation.
///
/// After a caught error GLPK frees every problem of the thread, so the handle forgets
/// its pointer instead of deleting it a second time.
final class GLPKProblem {
    private(set) var pointer: OpaquePointer?

    /// Builds GLPK's copy of a model that has passed validation, with its names unless `names` is false.
    init(_ model: LinearModel, names withNames: Bool = true) throws(SolverError) {
        do { try model.validate() } catch { throw .invalidModel(error) }
        let arrays = GLPKArrays(model)
        let (ia, ja, ar) = (arrays.ia, arrays.ja, arrays.ar)
        let (rowType, rowLower, rowUpper) = (arrays.rowType, arrays.rowLower, arrays.rowUpper)
        let (colKind, colType, colLower, colUpper, objective) = (
            arrays.colKind, arrays.colType, arrays.colLower, arrays.colUpper, arrays.objective
        )
        let names =
            withNames
            ? CStringTable(model.constraints.map(\.name) + model.variables.map(\.name) + [model.name, model.objectiveName])
            : CStringTable([String](repeating: "", count: model.constraints.count + model.variables.count + 2))
        defer { names.deallocate() }
        let rowCount = model.constraints.count
        let colCount = model.variables.count
        var built: OpaquePointer?
        var message = [CChar](repeating: 0, count: 2048)
        let code: Int32 = names.pointers.withUnsafeBufferPointer { namePointers in
            rowType.withUnsafeBufferPointer { rowType in
                rowLower.withUnsafeBufferPointer { rowLower in
                    rowUpper.withUnsafeBufferPointer { rowUpper in
                        colKind.withUnsafeBufferPointer { colKind in
                            colType.withUnsafeBufferPointer { colType in
                                colLower.withUnsafeBufferPointer { colLower in
                                    colUpper.withUnsafeBufferPointer { colUpper in
                                        objective.withUnsafeBufferPointer { objective in
                                            ia.withUnsafeBufferPointer { ia in
                                                ja.withUnsafeBufferPointer { ja in
                                                    ar.withUnsafeBufferPointer { ar in
                                                        let base = namePointers.baseAddress!
                                                        var data = hao_glpk_model()
                                                        data.name = UnsafePointer(base[rowCount + colCount])
                                                        data.objective_name = UnsafePointer(base[rowCount + colCount + 1])
                                                        data.maximize = model.sense == .maximize ? 1 : 0
                                                        data.objective_constant = model.objectiveConstant
                                                        data.rows = Int32(rowCount)
                                                        data.cols = Int32(colCount)
                                                        data.row_bound_type = rowType.baseAddress
                                                        data.row_lower = rowLower.baseAddress
                                                        data.row_upper = rowUpper.baseAddress
                                                        data.row_names = UnsafeRawPointer(base).assumingMemoryBound(
                                                            to: UnsafePointer<CChar>?.self)
                                                        data.col_kind = colKind.baseAddress
                                                        data.col_bound_type = colType.baseAddress
                                                        data.col_lower = colLower.baseAddress
                                                        data.col_upper = colUpper.baseAddress
                                                        data.col_objective = objective.baseAddress
                                                        data.col_names = UnsafeRawPointer(base + rowCount).assumingMemoryBound(
                                                            to: UnsafePointer<CChar>?.self)
                                                        data.nonzeros = Int32(ia.count)
                                                        data.ia = ia.baseAddress
                                                        data.ja = ja.baseAddress
                                                        data.ar = ar.baseAddress
                                                        return hao_glpk_build(&data, &built, &message, message.count)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard code == HAO_GLPK_OK, let built else {
            throw .rejected(by: .glpk, message: String(cString: message))
        }
        pointer = built
    }

    /// Wraps a problem GLPK created itself (e.g. by reading a file).
    init(adopting pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Runs a guarded C entry point on the problem. On a caught error the problem is gone.
    func withGuardedCall(
        _ body: (OpaquePointer, UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws(SolverError) -> Int32 {
        guard let pointer else { throw .rejected(by: .glpk, message: "the GLPK problem was freed by an earlier error") }
        var message = [CChar](repeating: 0, count: 4096)
        let code = message.withUnsafeMutableBufferPointer { buffer in
            body(pointer, buffer.baseAddress!, buffer.count)
        }
        if code == HAO_GLPK_CAUGHT_ERROR {
            self.pointer = nil
            throw .rejected(by: .glpk, message: String(cString: message))
        }
        return code
    }

    /// Like ``withGuardedCall(_:)`` but also returns GLPK's captured output.
    func withGuardedCallCapturingMessage(
        _ body: (OpaquePointer, UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws(SolverError) -> (code: Int32, message: String) {
        guard let pointer else { throw .rejected(by: .glpk, message: "the GLPK problem was freed by an earlier error") }
        var message = [CChar](repeating: 0, count: 4096)
        let code = message.withUnsafeMutableBufferPointer { buffer in
            body(pointer, buffer.baseAddress!, buffer.count)
        }
        let text = String(cString: message)
        if code == HAO_GLPK_CAUGHT_ERROR {
            self.pointer = nil
            throw .rejected(by: .glpk, message: text)
        }
        return (code, text)
    }

    deinit {
        if let pointer { hao_glpk_delete(pointer) }
    }

    /// GLPK's bound type for a pair of (possibly infinite) bounds.
    static func bounds(_ lower: Double, _ upper: Double) -> (Int32, Double, Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): return (GLP_FR, 0, 0)
        case (true, false): return (GLP_LO, lower, 0)
        case (false, true): return (GLP_UP, 0, upper)
        case (true, true): return (lower == upper ? GLP_FX : GLP_DB, lower, upper)
        }
    }
}

/// A model as the column-major arrays GLPK's loader takes (1-based row and column indices).
struct GLPKArrays {
    var ia: [Int32] = [], ja: [Int32] = [], ar: [Double] = []
    var rowType: [Int32] = [], rowLower: [Double] = [], rowUpper: [Double] = []
    var colKind: [Int32] = [], colType: [Int32] = [], colLower: [Double] = [], colUpper: [Double] = [], objective: [Double] = []

    init(_ model: LinearModel) {
        let rows = model.mergedRows()
        let nonzeros = rows.reduce(0) { $0 + $1.count }
        ia.reserveCapacity(nonzeros)
        ja.reserveCapacity(nonzeros)
        ar.reserveCapacity(nonzeros)
        for (rowIndex, row) in rows.enumerated() {
            for term in row {
                ia.append(Int32(rowIndex + 1))
                ja.append(Int32(term.variable.index + 1))
                ar.append(term.coefficient)
            }
        }
        for row in model.constraints {
            let (type, lower, upper) = GLPKProblem.bounds(row.lowerBound, row.upperBound)
            rowType.append(type)
            rowLower.append(lower)
            rowUpper.append(upper)
        }
        for column in model.variables {
            switch column.kind {
            case .continuous: colKind.append(GLP_CV)
            case .integer: colKind.append(GLP_IV)
            case .binary: colKind.append(GLP_BV)
            }
            let (type, lower, upper) = GLPKProblem.bounds(column.lowerBound, column.upperBound)
            colType.append(type)
            colLower.append(lower)
            colUpper.append(upper)
            objective.append(column.objective)
        }
    }
}

/// C strings that live until ``deallocate()``; empty strings become NULL (GLPK then names them).
struct CStringTable {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { $0.isEmpty ? nil : strdup($0) }
    }

    func deallocate() {
        for case let pointer? in pointers { free(pointer) }
    }
}
