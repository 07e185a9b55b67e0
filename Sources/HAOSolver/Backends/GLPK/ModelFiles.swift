import CGLPK
import CGLPKGuard
import Foundation
import HAOSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Text formats GLPK reads and writes.
public enum ModelFileFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// CPLEX LP format.
    case cplexLP = "lp"
    /// Free MPS (names without spaces, fields separated by blanks).
    case freeMPS = "mps"
    /// Fixed (column-positioned) MPS.
    case fixedMPS = "fixed-mps"

    var glpkCode: Int32 {
        switch self {
        case .cplexLP: return Int32(HAO_FORMAT_CPLEX_LP)
        case .freeMPS: return Int32(HAO_FORMAT_FREE_MPS)
        case .fixedMPS: return Int32(HAO_FORMAT_FIXED_MPS)
        }
    }

    /// Guesses the format from the file name, then from the first meaningful line.
    /// Returns `nil` when neither says.
    public static func detect(path: String, firstLines: [String]) -> ModelFileFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".lp") { return .cplexLP }
        if lower.hasSuffix(".mps") || lower.hasSuffix(".freemps") { return .freeMPS }
        for line in firstLines {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("*") || trimmed.hasPrefix("\\") { continue }
            let word = trimmed.split(separator: " ").first.map { $0.uppercased() } ?? ""
            if ["NAME", "ROWS", "OBJSENSE"].contains(word) { return .freeMPS }
            if ["MINIMIZE", "MINIMISE", "MINIMUM", "MIN", "MAXIMIZE", "MAXIMISE", "MAXIMUM", "MAX"].contains(word) {
                return .cplexLP
            }
            return nil
        }
        return nil
    }
}

extension LinearModel {
    /// Reads an LP or MPS file with GLPK's readers. With `format == nil` the format is
    /// detected from the extension or the content; an MPS file that the free reader rejects
    /// is retried as fixed MPS.
    public static func read(from path: String, format: ModelFileFormat? = nil) throws(SolverError) -> LinearModel {
        let head = try checkReadableFile(path)
        let formats: [ModelFileFormat]
        if let format {
            formats = [format]
        } else if let detected = ModelFileFormat.detect(path: path, firstLines: head) {
            formats = detected == .freeMPS ? [.freeMPS, .fixedMPS] : [detected]
        } else {
            throw .fileError(
                path: path, message: "cannot tell whether this is an LP or an MPS file; name it *.lp or *.mps, or pass the format")
        }
        var firstMessage = ""
        for format in formats {
            var pointer: OpaquePointer?
            var message = [CChar](repeating: 0, count: 4096)
            let code = hao_glpk_read(format.glpkCode, path, &pointer, &message, message.count)
            if code == HAO_GLPK_OK, let pointer {
                let problem = GLPKProblem(adopting: pointer)
                return extract(problem: pointer, keepAlive: problem)
            }
            if firstMessage.isEmpty { firstMessage = String(cString: message) }
        }
        throw .fileError(path: path, message: "not a valid \(formats[0] == .cplexLP ? "CPLEX LP" : "MPS") file: " + summarise(firstMessage))
    }

    /// Writes the model with GLPK's writers, after validating it.
    ///
    /// CPLEX LP has no objective constant (GLPK's writer would leave it in a comment), so a
    /// non-zero constant is written as a column fixed at 1 whose objective coefficient is
    /// the constant; the optimum read back by any solver is then the same. GLPK writes a
    /// ranged row in LP format with an auxiliary column (`~r_N`) for the same reason.
    public func write(to path: String, format: ModelFileFormat) throws(SolverError) {
        var model = self
        if format == .cplexLP, objectiveConstant != 0 {
            let names = Set(variables.map(\.name))
            var name = "objective_constant"
            while names.contains(name) { name += "_" }
            model.addVariable(name, lowerBound: 1, upperBound: 1, objective: objectiveConstant)
            model.objectiveConstant = 0
        }
        let problem = try GLPKProblem(model)
        // GLPK writes to a private scratch file; the bytes then reach `path` through AtomicFile,
        // which replaces a regular file atomically and writes a device or FIFO in place (GLPK
        // writing there directly, or a rename over it, would replace /dev/null itself as root).
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hao-model-\(UUID().uuidString).\(format.rawValue)")
            .path
        defer { unlink(scratch) }
        let (code, message) = try problem.withGuardedCallCapturingMessage { pointer, buffer, capacity in
            hao_glpk_write(pointer, format.glpkCode, scratch, buffer, capacity)
        }
        guard code == HAO_GLPK_OK else {
            throw .fileError(path: path, message: "cannot write the model to the temporary folder: " + summarise(message))
        }
        let bytes: Data
        do { bytes = try InputFile.read(URL(fileURLWithPath: scratch)) } catch {
            throw .fileError(path: path, message: "cannot read back GLPK's output: \(error.reason)")
        }
        let text = format == .freeMPS ? namingObjectiveRow(inFreeMPS: String(decoding: bytes, as: UTF8.self)) : nil
        do { try AtomicFile.write(text.map { Data($0.utf8) } ?? bytes, to: URL(fileURLWithPath: path)) } catch {
            throw .fileError(path: path, message: "cannot write: \(error.detail)")
        }
    }

    /// GLPK's MPS writer ignores the objective's name and always calls its row `R0000000`
    /// (GLPK 5.0, `row_name` in src/api/mps.c); the LP writer keeps it. So that both files
    /// name the objective alike, the free-MPS text gets the model's objective name in the
    /// row-name fields, when that name is usable: non-empty, free of blanks and distinct from
    /// every row name GLPK wrote. Otherwise GLPK's name stays. (Fixed MPS is left alone: its
    /// names are limited to 8 characters.)
    private func namingObjectiveRow(inFreeMPS text: String) -> String {
        let generated = "R0000000"
        let name = objectiveName
        guard !name.isEmpty, name != generated, !name.contains(where: { $0.isWhitespace }), name.first != "*" else { return text }
        // Row names as GLPK writes them: blanks become '_', unnamed rows get R%07d.
        for (i, row) in constraints.enumerated() {
            let written =
                row.name.isEmpty
                ? "R" + String(repeating: "0", count: max(0, 7 - String(i + 1).count)) + String(i + 1)
                : String(row.name.map { $0 == " " ? "_" : $0 })
            if written == name { return text }
        }
        var section = ""
        var lines: [String] = []
        lines.reserveCapacity(constraints.count + variables.count * 4)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let first = line.first else {
                lines.append(String(line))
                continue
            }
            if first == "*" {
                lines.append(String(line))
                continue
            }
            if first != " " {
                section = String(line.split(separator: " ").first ?? "")
                lines.append(String(line))
                continue
            }
            var fields = line.split(separator: " ").map(String.init)
            // Row-name fields: ROWS "type name"; COLUMNS "column row value [row value]";
            // RHS "set row value [row value]". Integer markers have none.
            let positions: [Int]
            switch section {
            case "ROWS": positions = fields.first == "N" ? [1] : []
            case "COLUMNS": positions = fields.count > 1 && fields[1] == "'MARKER'" ? [] : [1, 3]
            case "RHS": positions = [1, 3]
            default: positions = []
            }
            var changed = false
            for p in positions where p < fields.count && fields[p] == generated {
                fields[p] = name
                changed = true
            }
            lines.append(changed ? " " + fields.joined(separator: " ") : String(line))
        }
        return lines.joined(separator: "\n")
    }

    /// Reads back every row, column and coefficient of a GLPK problem. Only indices
    /// GLPK itself reports are used, so none of these calls can fail.
    private static func extract(problem: OpaquePointer, keepAlive: GLPKProblem) -> LinearModel {
        var model = LinearModel(
            name: glp_get_prob_name(problem).map { String(cString: $0) } ?? "",
            objectiveName: glp_get_obj_name(problem).map { String(cString: $0) } ?? "",
            sense: glp_get_obj_dir(problem) == GLP_MAX ? .maximize : .minimize)
        model.objectiveConstant = glp_get_obj_coef(problem, 0)
        let columns = Int(glp_get_num_cols(problem))
        let rows = Int(glp_get_num_rows(problem))
        for j in 1...max(columns, 1) where columns > 0 {
            let index = Int32(j)
            let name = glp_get_col_name(problem, index).map { String(cString: $0) } ?? "x\(j)"
            let kind: VariableKind
            switch glp_get_col_kind(problem, index) {
            case GLP_BV: kind = .binary
            case GLP_IV: kind = .integer
            default: kind = .continuous
            }
            let (lower, upper) = bounds(
                type: glp_get_col_type(problem, index),
                lower: glp_get_col_lb(problem, index), upper: glp_get_col_ub(problem, index))
            model.variables.append(
                Variable(
                    name: name, kind: kind, lowerBound: lower, upperBound: upper,
                    objective: glp_get_obj_coef(problem, index)))
        }
        var indices = [Int32](repeating: 0, count: columns + 1)
        var values = [Double](repeating: 0, count: columns + 1)
        for i in 1...max(rows, 1) where rows > 0 {
            let index = Int32(i)
            let name = glp_get_row_name(problem, index).map { String(cString: $0) } ?? "r\(i)"
            let (lower, upper) = bounds(
                type: glp_get_row_type(problem, index),
                lower: glp_get_row_lb(problem, index), upper: glp_get_row_ub(problem, index))
            let count = Int(glp_get_mat_row(problem, index, &indices, &values))
            let terms = (0..<count).map { k in Term(VariableID(index: Int(indices[k + 1]) - 1), values[k + 1]) }
            model.constraints.append(Constraint(name: name, terms: terms, lowerBound: lower, upperBound: upper))
        }
        withExtendedLifetime(keepAlive) {}
        return model
    }

    private static func bounds(type: Int32, lower: Double, upper: Double) -> (Double, Double) {
        switch type {
        case GLP_FR: return (-.infinity, .infinity)
        case GLP_LO: return (lower, .infinity)
        case GLP_UP: return (-.infinity, upper)
        default: return (lower, upper)
        }
    }

    /// Checks the path in Swift first, so that the common mistakes get plain messages.
    private static func checkReadableFile(_ path: String) throws(SolverError) -> [String] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .fileError(path: path, message: "no such file")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw .fileError(path: path, message: "not a regular file")
        }
        guard status.st_size > 0 else {
            throw .fileError(path: path, message: "the file is empty")
        }
        guard let file = fopen(path, "r") else {
            throw .fileError(path: path, message: "cannot open for reading")
        }
        defer { fclose(file) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 1024)
        while lines.count < 20, fgets(&buffer, Int32(buffer.count), file) != nil {
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines
    }
}

/// GLPK's diagnostics on one line, without its "reading ..." chatter.
private func summarise(_ message: String) -> String {
    let lines = message.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }
    let useful = lines.filter { line in
        !line.isEmpty && !line.hasPrefix("Reading ") && !line.hasPrefix("Writing ") && !line.contains(" lines were ")
            && !line.hasPrefix("Error detected in file")
    }
    let text = useful.joined(separator: "; ")
    return text.isEmpty ? "GLPK gave no details" : text
}
