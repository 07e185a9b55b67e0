import Foundation
import HAONetwork

/// Networks written as rows of a CSV file with a timm-style `arch_def` column (the notation of the
/// shared data's `anb_zcu102.csv`): one network per row.
///
/// Columns (case-insensitive): `arch_def` (required: a JSON list of stages, each a list of block
/// strings such as `ir_r2_k5_s2_e4_c24_se0.25`; Python's single quotes are accepted), and, optional
/// with their defaults: `resolution` (224), `stem_ch` (32), `head_ch` (1280), `num_classes` (1000),
/// `act` (relu: the activation of blocks without an `n<act>` option, the stem and the head),
/// `id` or `name` (the row's name; else "row N"). The stem is a 3x3 stride-2 convolution; squeeze-
/// excite widths are `floor(block input x ratio)` (MnasNet/EfficientNet); every layer is W8A8. When
/// a `macs_conv_fc_M` column is present, each network's counted MACs must match it.
public struct ArchDefRows: Sendable {
    /// The table read.
    public var table: CSVTable
    let archDef: Int
    let columns: [String: Int]

    /// Reads the columns of `table`; throws when it has no `arch_def` column.
    public init(_ table: CSVTable) throws(CalibrationError) {
        self.table = table
        archDef = try table.requiredColumn("arch_def")
        var columns: [String: Int] = [:]
        for name in ["resolution", "stem_ch", "head_ch", "num_classes", "act", "id", "name", "macs_conv_fc_m"] {
            if let i = table.column(name) { columns[name] = i }
        }
        self.columns = columns
    }

    /// The network of `record` and its group key (rows describing the same network share it), or
    /// an error naming the record's line and field.
    public func network(_ record: CSVTable.Record) throws(CalibrationError) -> (network: Network, group: String) {
        func field(_ name: String) -> String? {
            guard let i = name == "arch_def" ? archDef : columns[name], i < record.fields.count else { return nil }
            let v = record.fields[i].trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        func bad(_ name: String, _ reason: String) -> CalibrationError {
            .badField(file: table.file, line: record.line, field: name, reason: reason)
        }
        func integer(_ name: String, default value: Int) throws(CalibrationError) -> Int {
            guard let text = field(name) else { return value }
            guard let v = Int(text), v > 0 else { throw bad(name, "'\(text)' is not a positive integer") }
            return v
        }
        guard let text = field("arch_def") else { throw bad("arch_def", "empty") }
        let stages = try Self.stages(text, bad: { bad("arch_def", $0) })
        let activationText = field("act") ?? "relu"
        guard
            let activation = Activation(rawValue: activationText == "hswish" || activationText == "hard_swish" ? "h_swish" : activationText)
        else {
            throw bad("act", "'\(activationText)' is not an activation (relu, relu6, h_swish, swish)")
        }
        let name = field("id") ?? field("name") ?? "row \(record.line)"
        let resolution = try integer("resolution", default: 224)
        let stem = try integer("stem_ch", default: 32)
        let head = try integer("head_ch", default: 1280)
        let classes = try integer("num_classes", default: 1000)
        let network: Network
        do {
            network = try Network(
                name: name, resolution: resolution,
                stem: Stem(outChannels: stem, kernel: 3, stride: 2, activation: activation),
                archDef: ArchDefinition(stages: stages, defaultActivation: activation, seRounding: .blockInput),
                head: Head(convChannels: head, classes: classes, activation: activation))
        } catch {
            throw bad("arch_def", error.description)
        }
        do { try network.validate() } catch { throw bad("arch_def", error.description) }
        if let macsText = field("macs_conv_fc_m") {
            guard let stated = Double(macsText), stated.isFinite else { throw bad("macs_conv_fc_M", "'\(macsText)' is not a number") }
            let counted = Double(network.macs) / 1e6
            guard abs(counted - stated) <= 1e-4 * max(1, stated) else {
                throw bad(
                    "macs_conv_fc_M",
                    "states \(stated)M MACs, but the network the row describes has \(counted)M: the row's conventions differ from this reader's (see ArchDefRows)"
                )
            }
        }
        let group =
            stages.map { $0.joined(separator: " ") }.joined(separator: " | ")
            + " @\(resolution) stem \(stem) head \(head) classes \(classes) \(activation.rawValue)"
        return (network, group)
    }

    /// Parses an `arch_def` cell: a JSON list of lists of strings (single quotes accepted).
    static func stages(_ text: String, bad: (String) -> CalibrationError) throws(CalibrationError) -> [[String]] {
        let json = text.contains("\"") ? text : text.replacingOccurrences(of: "'", with: "\"")
        guard let value = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
            let list = value as? [Any]
        else {
            throw bad("is not a list of stages like [[\"ds_r1_k3_s1_c16\"], [\"ir_r2_k3_s2_e6_c24\"]]")
        }
        var stages: [[String]] = []
        for item in list {
            if let stage = item as? [String] {
                stages.append(stage)
            } else if let block = item as? String {
                stages.append([block])
            } else {
                throw bad("stage \(stages.count + 1) is not a list of block strings")
            }
        }
        guard !stages.flatMap({ $0 }).isEmpty else { throw bad("has no blocks") }
        return stages
    }
}
