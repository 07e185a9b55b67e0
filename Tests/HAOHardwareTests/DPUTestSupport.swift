import Foundation
import HAONetwork
import HAOTestSupport

@testable import HAOHardware

/// Fixtures of the DPU tests: the measured data's rows as DPU programs, and the prototype's
/// reference predictions (Tests/Fixtures/dpu, produced by the research prototype of docs/dpu.md).
enum DPUFixtures {
    static var directory: URL { TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/dpu") }

    /// A minimal CSV reader (quoted fields with doubled quotes), header row first.
    static func readCSV(_ url: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.unicodeScalars.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map {
            Dictionary(uniqueKeysWithValues: zip(header, $0 + Array(repeating: "", count: max(0, header.count - $0.count))))
        }
    }

    /// The prototype's fitted parameter sets ("zcu102", "ultra96"), in the target's order.
    static func prototypeParameters() throws -> [String: DPULatencyParameters] {
        let data = try Data(contentsOf: directory.appendingPathComponent("prototype_parameters.json"))
        let raw = try JSONDecoder().decode([String: [String: Double]].self, from: data)
        let order = ["eta_bw", "eta_se", "eff_conv", "eff_alu", "c_tile", "c_se", "t_op_us", "t_net_ms"]
        return raw.mapValues { p in DPULatencyParameters(values: order.map { p[$0]! }) }
    }

    /// A network of the measured ZCU102 set (anb_zcu102.csv row) in the project's format.
    static func anbNetwork(_ row: [String: String]) throws -> Network {
        let stages = try JSONDecoder().decode([[String]].self, from: Data(row["arch_def"]!.utf8))
        let act: Activation = row["act"] == "relu" ? .relu : Activation(rawValue: row["act"]!)!
        return try Network(
            name: row["id"]!, resolution: Int(row["resolution"]!)!,
            stem: Stem(outChannels: Int(row["stem_ch"]!)!, kernel: 3, stride: 2, activation: act),
            archDef: ArchDefinition(stages: stages, defaultActivation: act, seRounding: .blockInput),
            head: Head(convChannels: Int(row["head_ch"]!)!, classes: Int(row["num_classes"]!)!, activation: act))
    }

    /// timm's make_divisible(v, 8).
    static func divisible(_ v: Double) -> Int { ArchDefinition.makeDivisible(v) }

    /// One row of ultra96_ofa_blocks.csv as its own one-group DPU program (OFA MobileNetV3 blocks:
    /// SE channels make_divisible(mid / 4, 8); the 3-channel stem is stride 2).
    static func ultra96Program(_ row: [String: String]) -> DPUProgram {
        let cin = Int(row["cin"]!)!
        let hw = Int(row["hw"]!)!
        let cout = Int(row["cout"]!)!
        let act = Activation(rawValue: row["act"]!.isEmpty ? "relu" : row["act"]!)!
        let layer: DPULayer
        switch row["op"]! {
        case "Linear": layer = DPULayer(kind: .fullyConnected, inChannels: cin, outChannels: cout, inputSize: 1)
        case "Conv":
            layer = DPULayer(
                kind: .conv, inChannels: cin, outChannels: cout, inputSize: hw, kernel: Int(row["k"]!)!,
                stride: cin == 3 ? 2 : 1, activation: act)
        default:
            let k = Int(row["k"]!)!
            let e = Int(row["e"]!)!
            let s = Int(row["stride"]!)!
            let mid = cin * e
            layer = DPULayer(
                kind: e == 1 ? .depthwiseSeparable : .invertedResidual, inChannels: cin, outChannels: cout, inputSize: hw,
                kernel: k, stride: s, midChannels: mid, seChannels: row["se"] == "1" ? divisible(Double(mid) / 4) : 0,
                activation: act, residual: s == 1 && cin == cout)
        }
        return DPUProgram(name: row["block"]!, layers: [layer])
    }

    /// MobileNetV2 (Sandler et al. 2018) at `width`, as the TF-slim / Keras reference rounds it.
    static func mobileNetV2(width: Double) throws -> Network {
        func c(_ v: Int) -> Int { divisible(Double(v) * width) }
        let spec: [(Int, Int, Int, Int)] = [
            (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
        ]
        let stages = spec.map { t, co, n, s in [t == 1 ? "ds_r\(n)_k3_s\(s)_c\(c(co))" : "ir_r\(n)_k3_s\(s)_e\(t)_c\(c(co))"] }
        return try Network(
            name: "MobileNetV2 \(width)", resolution: 224, stem: Stem(outChannels: c(32), activation: .relu6),
            archDef: ArchDefinition(stages: stages, defaultActivation: .relu6),
            head: Head(convChannels: divisible(1280 * max(1, width)), activation: .relu6))
    }

    /// MobileNetV1 (Howard et al. 2017): stem and 13 depthwise-separable blocks whose pointwise
    /// convs are activated, no residuals, no head conv before pooling.
    static func mobileNetV1() -> Network {
        var blocks: [Block] = []
        var cin = 32
        let spec =
            [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + Array(repeating: (512, 1), count: 5) + [(1024, 2), (1024, 1)]
        for (cout, s) in spec {
            blocks.append(
                Block(
                    inChannels: cin, outChannels: cout, expandedChannels: cin, kernel: 3, stride: s, activation: .relu6,
                    projectActivation: .relu6, noSkip: s == 1 && cin == cout))
            cin = cout
        }
        return Network(
            name: "MobileNetV1 1.0", resolution: 224, stem: Stem(outChannels: 32, activation: .relu6), blocks: blocks,
            head: Head(convChannels: 1024, activation: .relu6, hasConv: false))
    }

    /// The cores the prototype's hardware names stand for.
    static func core(_ hardware: String) -> DPUCore? {
        switch hardware {
        case "ZCU102 B4096@281": return DPUCore(architecture: .b4096, ramUsage: .low, clockMHz: 281)
        case "ZCU104 B4096@300": return DPUCore(architecture: .b4096, ramUsage: .low, clockMHz: 300)
        case "KV260 B4096@300": return DPUCore(architecture: .b4096, ramUsage: .high, clockMHz: 300)
        case "Ultra96 B2304@200": return DPUCore(architecture: .b2304, ramUsage: .low, clockMHz: 200)
        case "Ultra96 B1600@287": return DPUCore(architecture: .b1600, ramUsage: .low, clockMHz: 287)
        default: return nil
        }
    }
}
