import Foundation
import HAOEvolution
import HAOPredictor
import HAOSupport

/// The frontier's files (JSON, CSV, SVG) and its console table.
extension FrontierReport {
    /// Writes frontier.json, frontier.csv and frontier.svg into `folder`, each atomically.
    public func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do { json = try encoder.encode(self) } catch {
            throw SearchError.unwritableOutput(path: folder.path, detail: "cannot encode the frontier: \(error)")
        }
        do {
            try AtomicFile.write(json, to: folder.appendingPathComponent("frontier.json"))
            try AtomicFile.write(Data(csv().utf8), to: folder.appendingPathComponent("frontier.csv"))
            try AtomicFile.write(Data(svg().utf8), to: folder.appendingPathComponent("frontier.svg"))
        } catch {
            throw SearchError.unwritableOutput(path: error.path, detail: error.detail)
        }
    }

    /// One row per frontier point; the network and configuration as compact JSON cells.
    public func csv() -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func num(_ x: Double?, _ digits: Int) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "" }
        var lines = [
            "name,top1,top1_stddev,latency_ms,fps,resolution,depths,kernels,expand_ratios,bits,dsp,bram18,lut,ff,solver,configuration,arch_def,ofa_config,network"
        ]
        let networkEncoder = JSONEncoder()
        networkEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for f in frontier {
            let active = (0..<ArchitecturePoint.slotCount).filter { f.point.isActive(slot: $0) }
            let r = f.metrics.resources
            let network = (try? networkEncoder.encode(f.network)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            func joined(_ values: [Int]) -> String { values.map(String.init).joined(separator: " ") }
            let kernels: [Int] = active.map { f.point.kernels[$0] }
            let expands: [Int] = active.map { f.point.expandRatios[$0] }
            let bits: [Int] = active.map { f.point.bits[$0] }
            let resourceCells: [String] = r.map { ["\($0.dsp)", "\($0.bram18)", "\($0.lut)", "\($0.ff)"] } ?? ["", "", "", ""]
            var cells: [String] = [quote(f.network.name), num(f.metrics.top1, 3), num(f.metrics.top1StdDev, 3)]
            cells += [num(f.metrics.latencyMs, 4), num(f.metrics.fps, 3), "\(f.point.resolution)", joined(f.point.depths)]
            cells += [joined(kernels), joined(expands), joined(bits)]
            cells += resourceCells
            let configuration =
                f.metrics.configuration.flatMap { try? networkEncoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "null"
            func json<T: Encodable>(_ value: T?) -> String {
                value.flatMap { try? networkEncoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            }
            cells += [
                quote(f.metrics.solver ?? ""), quote(configuration), quote(json(f.archDef)), quote(json(f.ofaConfig)), quote(network),
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A plain-text table of the frontier for the terminal.
    public func table() -> String {
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        let widths = [3, 7, 8, 10, 5, 6, 7, 4]
        func row(_ cells: [String], _ depths: String, _ low: String) -> String {
            zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ") + "  " + pad(depths, 9, left: true) + "  " + low
        }
        var rows = [row(["#", "top-1", "fps", "latency ms", "DSP", "BRAM18", "LUT", "res"], "depths", "4-bit blocks")]
        for (i, f) in frontier.enumerated() {
            let r = f.metrics.resources
            let (low, total) = f.lowBitBlocks
            let cells = [
                "\(i + 1)", String(format: "%.2f", f.metrics.top1), String(format: "%.2f", f.metrics.fps),
                String(format: "%.3f", f.metrics.latencyMs), r.map { "\($0.dsp)" } ?? "-",
                r.map { "\($0.bram18)" } ?? "-", r.map { "\($0.lut)" } ?? "-", "\(f.point.resolution)",
            ]
            rows.append(row(cells, f.point.depths.map(String.init).joined(separator: "."), "\(low)/\(total)"))
        }
        return rows.joined(separator: "\n")
    }
}
