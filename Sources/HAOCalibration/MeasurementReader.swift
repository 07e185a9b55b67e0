import Foundation
import HAOHardware
import HAONetwork
import HAOSupport

/// Reads measured latencies from files (docs/calibration.md, "Measurement files"):
///
/// - **block rows**, a CSV with the columns of the shared data's `ultra96_ofa_blocks.csv`: `op`
///   (`MBConv`, `Conv`, `Linear`), `cin`, `hw` (input height = width), `cout`, `k`, `e`, `stride`,
///   `act`, `se` (0/1) and the latency (`avg_ms` by default); each block or layer was timed as its own
///   program (once-for-all MobileNetV3 blocks: squeeze-excite width `make_divisible(expanded / 4, 8)`);
/// - **whole networks**, a CSV with an `arch_def` column (``ArchDefRows``) and a latency column;
/// - **network files** (the project's JSON format) with a top-level `measured_latency_ms`.
///
/// A row without a latency (an empty cell) is left out and listed; a malformed row is an error
/// naming its file, line and field.
public struct MeasurementReader: Sendable {
    /// The latency column; nil: `latency_ms`, else `avg_ms`, else the only column whose name
    /// starts with `latency` and ends with `_ms`.
    public var latencyColumn: String?

    /// A reader.
    public init(latencyColumn: String? = nil) {
        self.latencyColumn = latencyColumn
    }

    /// Reads every file.
    public func read(_ urls: [URL]) throws(CalibrationError) -> MeasurementSet {
        var set = MeasurementSet()
        for url in urls { set.append(try read(url)) }
        return set
    }

    /// Reads one file, by its kind.
    public func read(_ url: URL) throws(CalibrationError) -> MeasurementSet {
        if url.pathExtension.lowercased() == "json" { return try readNetworkFile(url) }
        let table = try CSVTable(contentsOf: url)
        if table.column("arch_def") != nil { return try readArchDefRows(table, url: url) }
        if table.column("op") != nil && table.column("cin") != nil { return try readBlockRows(table, url: url) }
        throw .badFile(
            file: url.path, line: 1,
            reason:
                "neither an arch_def column (whole networks) nor op/cin/hw/cout/... columns (blocks); columns: \(table.header.joined(separator: ", "))"
        )
    }

    /// The latency column of `table`.
    func latencyIndex(_ table: CSVTable) throws(CalibrationError) -> Int {
        if let latencyColumn { return try table.requiredColumn(latencyColumn) }
        if let i = table.column("latency_ms") ?? table.column("avg_ms") { return i }
        let candidates = table.header.indices.filter {
            let name = table.header[$0].lowercased()
            return name.hasPrefix("latency") && name.hasSuffix("_ms")
        }
        guard candidates.count == 1 else {
            let names = candidates.map { table.header[$0] }
            throw .badFile(
                file: table.file, line: 1,
                reason: names.isEmpty
                    ? "no latency column (latency_ms, avg_ms or latency*_ms); name one with --latency-column"
                    : "several latency columns (\(names.joined(separator: ", "))); choose one with --latency-column")
        }
        return candidates[0]
    }

    /// The latency of `record` in column `index`: nil for an empty cell.
    func latency(_ record: CSVTable.Record, _ index: Int, table: CSVTable) throws(CalibrationError) -> Double? {
        let text = index < record.fields.count ? record.fields[index].trimmingCharacters(in: .whitespaces) : ""
        if text.isEmpty { return nil }
        guard let value = Double(text), value.isFinite, value > 0 else {
            throw .badField(
                file: table.file, line: record.line, field: table.header[index],
                reason: "'\(text)' is not a positive latency in milliseconds")
        }
        return value
    }

    func readArchDefRows(_ table: CSVTable, url: URL) throws(CalibrationError) -> MeasurementSet {
        let rows = try ArchDefRows(table)
        let latencyColumn = try latencyIndex(table)
        var set = MeasurementSet(files: [url])
        for record in table.records {
            guard let ms = try latency(record, latencyColumn, table: table) else {
                set.unmeasured.append((url.path, record.line))
                continue
            }
            let (network, group) = try rows.network(record)
            set.measurements.append(
                LatencyMeasurement(
                    network: network, part: .wholeNetwork, scope: .network, latencyMs: ms,
                    group: group, label: network.name, file: url.path, line: record.line))
        }
        return set
    }

    func readNetworkFile(_ url: URL) throws(CalibrationError) -> MeasurementSet {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        // Property names are the file's keys as written, so decoding errors name the key the user sees.
        struct Measured: Decodable {
            var measured_latency_ms: Double?
            var measured_scope: WorkloadScope?
        }
        let network: Network
        let measured: Measured
        do {
            network = try Network.loadValidated(contentsOf: url)
            measured = try JSONFile.load(Measured.self, from: url)
        } catch {
            throw .badFile(file: url.path, line: nil, reason: "\(error)")
        }
        guard let ms = measured.measured_latency_ms else {
            throw .badFile(
                file: url.path, line: nil, reason: "a network file used as a measurement needs a top-level \"measured_latency_ms\"")
        }
        guard ms.isFinite, ms > 0 else {
            throw .badFile(file: url.path, line: nil, reason: "measured_latency_ms \(ms) is not a positive number")
        }
        let group = (try? String(decoding: JSONEncoder().encode(network.blocks), as: UTF8.self)) ?? network.name
        return MeasurementSet(
            measurements: [
                LatencyMeasurement(
                    network: network, part: .wholeNetwork, scope: measured.measured_scope ?? .network, latencyMs: ms,
                    group: "\(group)@\(network.resolution)", label: network.name, file: url.path, line: nil)
            ], files: [url])
    }
}
