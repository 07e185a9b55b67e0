import Foundation
import HAOHardware
import HAONetwork

extension MeasurementReader {
    /// Block and layer rows (the columns of `ultra96_ofa_blocks.csv`), each timed as its own program.
    func readBlockRows(_ table: CSVTable, url: URL) throws(CalibrationError) -> MeasurementSet {
        var index: [String: Int] = [:]
        for name in ["op", "cin", "hw", "cout", "k", "e", "stride", "act", "se"] { index[name] = try table.requiredColumn(name) }
        let latencyColumn = try latencyIndex(table)
        let labelColumn = table.column("block")
        var set = MeasurementSet(files: [url])
        for record in table.records {
            guard let ms = try latency(record, latencyColumn, table: table) else {
                set.unmeasured.append((url.path, record.line))
                continue
            }
            let row = BlockRow(record: record, table: table, index: index)
            let (network, part) = try row.probe()
            let group = ["op", "cin", "hw", "cout", "k", "e", "stride", "act", "se"].map { row.text($0) }.joined(separator: "|")
            let label =
                labelColumn.flatMap { $0 < record.fields.count ? record.fields[$0] : nil }.flatMap { $0.isEmpty ? nil : $0 } ?? group
            set.measurements.append(
                LatencyMeasurement(
                    network: network, part: part, scope: .singleBlock, latencyMs: ms,
                    group: group, label: label, file: url.path, line: record.line))
        }
        return set
    }
}

/// One block or layer row and the probe network that holds it.
///
/// A probe is the smallest valid network in which the row's work runs with the measured shapes:
/// a stem producing the row's input channels (3x3, stride 2, from a resolution of at least 16), as
/// many stride-2 depthwise-separable blocks as it takes to reach the row's input size, then the
/// measured block (or, for a head row, a head of the measured widths). Only the measured part is
/// evaluated; the scaffolding around it is there because a network must have a stem, a block and a head.
struct BlockRow {
    var record: CSVTable.Record
    var table: CSVTable
    var index: [String: Int]

    func text(_ name: String) -> String {
        let i = index[name]!
        return i < record.fields.count ? record.fields[i].trimmingCharacters(in: .whitespaces) : ""
    }

    func bad(_ name: String, _ reason: String) -> CalibrationError {
        .badField(file: table.file, line: record.line, field: name, reason: reason)
    }

    func integer(_ name: String) throws(CalibrationError) -> Int {
        let t = text(name)
        guard let v = Int(t), v > 0 else { throw bad(name, "'\(t)' is not a positive integer") }
        return v
    }

    func activation() throws(CalibrationError) -> Activation {
        let t = text("act").lowercased()
        switch t {
        case "", "linear", "none": return .linear
        case "relu": return .relu
        case "relu6": return .relu6
        case "h_swish", "hswish", "hard_swish": return .hardSwish
        case "swish": return .swish
        default: throw bad("act", "'\(t)' is not an activation (relu, relu6, h_swish, swish)")
        }
    }

    /// The probe network and the part of it the row measured.
    func probe() throws(CalibrationError) -> (Network, MeasuredPart) {
        let op = text("op")
        let cin = try integer("cin")
        let size = try integer("hw")
        let cout = try integer("cout")
        let act = try activation()
        let network: Network
        let part: MeasuredPart
        switch op.lowercased() {
        case "mbconv":
            let k = try integer("k")
            let e = try integer("e")
            let stride = try integer("stride")
            let seText = text("se")
            guard seText == "0" || seText == "1" else { throw bad("se", "'\(seText)' is not 0 or 1") }
            let expanded = cin * e
            let se = seText == "1" ? ArchDefinition.makeDivisible(Double(expanded / 4)) : 0
            let block = Block(
                inChannels: cin, outChannels: cout, expandedChannels: expanded, kernel: k, stride: stride,
                seChannels: se, activation: act == .linear ? .relu : act)
            (network, part) = try wrap(
                blockAt: size, channels: cin, block: block,
                head: Head(convChannels: cout, classes: 10, activation: .relu))
        case "conv":
            let k = try integer("k")
            if cin <= 4 {
                // The stem: k x k from the image, stride 2 (once-for-all's first conv).
                network = Network(
                    name: label, resolution: size, inputChannels: cin,
                    stem: Stem(outChannels: cout, kernel: k, stride: 2, activation: act),
                    blocks: [Block(inChannels: cout, outChannels: cout, expandedChannels: cout, kernel: 3, stride: 1, activation: .relu)],
                    head: Head(convChannels: cout, classes: 10, activation: .relu))
                part = .stem
            } else if size == 1 {
                // A 1x1 conv on the pooled vector: the head's hidden FC.
                (network, part) = try wrap(
                    blockAt: 16, channels: 16, block: nil,
                    head: Head(convChannels: cin, hiddenChannels: cout, classes: 10, activation: act), part: .headHidden)
            } else {
                guard k == 1 else { throw bad("k", "only 1x1 convolutions after the stem are modelled (the head conv), got \(k)") }
                (network, part) = try wrap(
                    blockAt: size, channels: cin, block: nil,
                    head: Head(convChannels: cout, classes: 10, activation: act), part: .headConv)
            }
        case "linear":
            (network, part) = try wrap(
                blockAt: 16, channels: 16, block: nil,
                head: Head(convChannels: cin, classes: cout, activation: .relu), part: .classifier)
        default:
            throw bad("op", "'\(op)' is not MBConv, Conv or Linear")
        }
        do { try network.validate() } catch { throw bad("op", "the row does not describe a supported block: \(error)") }
        return (network, part)
    }

    var label: String { "line \(record.line)" }

    /// A probe in which the last block sees a `size` x `size` input with `channels` channels: the
    /// measured `block` (part: that block), or a pass-through block before a measured head layer.
    func wrap(
        blockAt size: Int, channels: Int, block: Block?, head: Head,
        part headPart: MeasuredPart = .wholeNetwork
    ) throws(CalibrationError) -> (Network, MeasuredPart) {
        var resolution = size
        var halvings = 0
        while resolution < 16 {
            resolution *= 2
            halvings += 1
        }
        // The stem halves once when the size had to grow; further halvings are stride-2 blocks.
        let stemStride = halvings > 0 ? 2 : 1
        var blocks: [Block] = []
        for _ in 0..<max(halvings - 1, 0) {
            blocks.append(
                Block(inChannels: channels, outChannels: channels, expandedChannels: channels, kernel: 3, stride: 2, activation: .relu))
        }
        blocks.append(
            block ?? Block(inChannels: channels, outChannels: channels, expandedChannels: channels, kernel: 3, stride: 1, activation: .relu)
        )
        let network = Network(
            name: label, resolution: resolution,
            stem: Stem(outChannels: channels, kernel: 3, stride: stemStride, activation: .relu),
            blocks: blocks, head: head)
        return (network, block == nil ? headPart : .block(blocks.count - 1))
    }
}
