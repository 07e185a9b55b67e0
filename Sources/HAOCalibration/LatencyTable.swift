import Foundation
import HAOHardware
import HAONetwork
import HAOSolver
import HAOSupport

/// One network to put in a latency table, or the reason its row could not be read.
public struct LatencyTableInput: Sendable {
    /// The file it comes from, and its line for a CSV row.
    public var file: String
    /// The 1-based line of the CSV row; nil for a whole-file input (e.g. a JSON network).
    public var line: Int?
    /// The network, or why the row was skipped.
    public var network: Result<Network, CalibrationError>

    /// An input.
    public init(file: String, line: Int?, network: Result<Network, CalibrationError>) {
        self.file = file
        self.line = line
        self.network = network
    }

    /// The rows of a CSV file with an `arch_def` column (``ArchDefRows``): every record, a bad one
    /// carrying its error. Throws only when the file itself cannot be read or has no such column.
    public static func rows(ofCSV url: URL) throws(CalibrationError) -> [LatencyTableInput] {
        let table = try CSVTable(contentsOf: url)
        let rows = try ArchDefRows(table)
        return table.records.map { record in
            LatencyTableInput(
                file: url.path, line: record.line,
                network: Result { () throws(CalibrationError) -> Network in
                    try rows.network(record).network
                })
        }
    }
}

/// One row of a latency table.
public struct LatencyTableRow: Sendable, Encodable {
    /// The file the network was read from.
    public var file: String
    /// The 1-based line of the CSV row; nil for a whole-file input.
    public var line: Int?
    /// The network's name.
    public var name: String
    /// "ok", "infeasible" (no configuration fits), or "over_budget" (the fixed configuration does
    /// not fit this network's budget).
    public var status: String
    /// The predicted latency in milliseconds; nil unless ``status`` is "ok".
    public var latencyMs: Double?
    /// Frames per second at ``latencyMs`` (1000 / latency); nil unless ``status`` is "ok".
    public var fps: Double?
    /// The network's multiply-accumulates, in millions.
    public var macsMillions: Double
    /// Resources the configuration uses; nil when no configuration fits.
    public var resources: Resources?
    /// The configuration, as the target encodes it (compact JSON for the CSV cell; the value for JSON).
    public var configuration: String?
    var configurationValue: (any Encodable & Sendable)?
    /// Why there is no latency, when there is none.
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case file, line, name, status, fps, resources, configuration, reason
        case latencyMs = "latency_ms"
        case macsMillions = "macs_millions"
    }

    /// Every key always present (null when there is no value), the configuration as an object.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(line, forKey: .line)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(latencyMs, forKey: .latencyMs)
        try c.encode(fps, forKey: .fps)
        try c.encode(macsMillions, forKey: .macsMillions)
        try c.encode(resources, forKey: .resources)
        if let configurationValue {
            try c.encode(configurationValue, forKey: .configuration)
        } else {
            try c.encodeNil(forKey: .configuration)
        }
        try c.encode(reason, forKey: .reason)
    }
}

/// A batch latency table: every network's latency, frame rate, configuration and resources on one
/// target (`hao latency`). Each network gets the configuration the target chooses for it, or one
/// fixed configuration (hardware already built).
public struct LatencyTable: Sendable {
    /// The rows, in input order (skipped inputs have none).
    public var rows: [LatencyTableRow]
    /// Inputs that could not be read: file, line, reason.
    public var skipped: [(file: String, line: Int?, reason: String)]
    /// The target's name, the device and the latency model the figures come from.
    public var target: TargetID
    /// The device the target models, e.g. "ZU3EG".
    public var device: String
    /// The latency model the figures come from: calibrated or not, and the profile when calibrated.
    public var latencyModel: LatencyModelDescription

    /// Where a fixed configuration comes from.
    public enum FixedConfiguration: Sendable {
        /// A JSON file in the target's configuration format.
        case file(URL)
        /// The configuration a calibration profile was fitted on (its JSON text).
        case profile(name: String, json: String)
    }

    /// The table of `inputs` on `target`; `fixed` fixes the configuration, `solver` answers each
    /// network's configuration problem otherwise.
    public static func build(
        _ inputs: [LatencyTableInput], on target: any HardwareTarget, fixed: FixedConfiguration?,
        solver: SolverChoice, threads: Int
    ) throws -> LatencyTable {
        try build(inputs, target, fixed: fixed, solver: solver, threads: threads)
    }

    static func build<T: HardwareTarget>(
        _ inputs: [LatencyTableInput], _ target: T, fixed source: FixedConfiguration?,
        solver: SolverChoice, threads: Int
    ) throws -> LatencyTable {
        var fixed: T.Configuration?
        switch source {
        case .file(let url):
            do { fixed = try JSONFile.load(T.Configuration.self, from: url) } catch {
                throw CalibrationError.badFile(file: url.path, line: nil, reason: "not a \(T.id) configuration: \(error)")
            }
        case .profile(let name, let json):
            do { fixed = try JSONDecoder().decode(T.Configuration.self, from: Data(json.utf8)) } catch {
                throw CalibrationError.invalidOption(
                    "calibration profile \(name): its fixed configuration is not a \(T.id) configuration (\(error))")
            }
        case nil: break
        }
        var skipped: [(String, Int?, String)] = []
        var readable: [(index: Int, network: Network)] = []
        for (i, input) in inputs.enumerated() {
            switch input.network {
            case .success(let n): readable.append((i, n))
            case .failure(let e): skipped.append((input.file, input.line, Self.reason(e)))
            }
        }
        let networks = readable
        let exact = solver.makeSolver()
        let fixedConfiguration = fixed
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let results = ParallelMap.map(count: networks.count, threads: threads) { k throws(HardwareError) -> LatencyTableRow in
            let input = inputs[networks[k].index]
            let network = networks[k].network
            var row = LatencyTableRow(
                file: input.file, line: input.line, name: network.name, status: "infeasible",
                macsMillions: Double(network.macs) / 1e6)
            let report: T.Report
            if let fixedConfiguration {
                report = try target.evaluate(fixedConfiguration, for: network)
                if !report.totalResources.fits(in: report.budget) {
                    row.status = "over_budget"
                    row.reason = "the configuration does not fit this network's budget"
                }
            } else {
                let solution = try target.solve(network, using: exact)
                guard let r = solution.report else {
                    row.reason = solution.diagnosis ?? "no configuration fits"
                    return row
                }
                report = r
            }
            if row.status == "infeasible" { row.status = "ok" }
            row.latencyMs = report.latencyMs
            row.fps = report.fps
            row.resources = report.totalResources
            row.configuration = (try? encoder.encode(report.configuration)).map { String(decoding: $0, as: UTF8.self) }
            row.configurationValue = report.configuration
            return row
        }
        var rows: [LatencyTableRow] = []
        for (k, result) in results.enumerated() {
            switch result {
            case .success(let row): rows.append(row)
            case .failure(let error):
                let input = inputs[networks[k].index]
                skipped.append((input.file, input.line, error.description))
            }
        }
        skipped.sort { ($0.0, $0.1 ?? 0) < ($1.0, $1.1 ?? 0) }
        return LatencyTable(rows: rows, skipped: skipped, target: T.id, device: target.device.part, latencyModel: target.latencyModel)
    }

    /// What is wrong with a skipped row, without its file and line (listed beside it).
    static func reason(_ error: CalibrationError) -> String {
        switch error {
        case .badField(_, _, let field, let reason): return "field '\(field)': \(reason)"
        case .badFile(_, _, let reason): return reason
        default: return error.description
        }
    }

    /// The table as CSV: one row per network; the configuration as a compact JSON cell.
    public func csv() -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func num(_ x: Double?, _ digits: Int) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "" }
        var lines = ["file,line,name,status,latency_ms,fps,macs_millions,dsp,bram18,lut,ff,configuration,reason"]
        for r in rows {
            let resources = r.resources.map { ["\($0.dsp)", "\($0.bram18)", "\($0.lut)", "\($0.ff)"] } ?? ["", "", "", ""]
            let cells =
                [
                    quote(r.file), r.line.map(String.init) ?? "", quote(r.name), r.status, num(r.latencyMs, 5), num(r.fps, 3),
                    num(r.macsMillions, 3),
                ] + resources + [quote(r.configuration ?? ""), quote(r.reason ?? "")]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The `--json` form of a latency table.
public struct LatencyTableDocument: Encodable, Sendable {
    struct Skipped: Encodable, Sendable {
        var file: String
        var line: Int?
        var reason: String
    }
    var target: String
    var device: String
    var latencyModel: LatencyModelDescription
    var rows: [LatencyTableRow]
    var skipped: [Skipped]
    enum CodingKeys: String, CodingKey {
        case target, device, rows, skipped
        case latencyModel = "latency_model"
    }

    /// The document of `table`.
    public init(_ table: LatencyTable) {
        target = table.target.rawValue
        device = table.device
        latencyModel = table.latencyModel
        rows = table.rows
        skipped = table.skipped.map { Skipped(file: $0.file, line: $0.line, reason: $0.reason) }
    }
}
