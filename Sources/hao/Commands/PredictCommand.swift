import ArgumentParser
import Foundation
import HAONetwork
import HAOPredictor
import HAOSupport

/// `hao predict NETWORK`: predicted top-1 of a network in the search space.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the ImageNet top-1 of a network of the search space.",
        discussion: """
            NETWORK is a network JSON file (Models/networks format), the name of a
            file in Models/networks (without .json), or an architecture point:
              {"depths": [5 values], "kernels": [20], "expand_ratios": [20],
               "bits": [20], "resolution": R}
            A network outside the search space is refused with the reason; a
            resolution between the grid's values (e.g. 156) is predicted with a
            warning, one outside the trained range is refused.
            The quantization penalty is shown by layer kind; --regime ptq uses
            the post-training constants (docs/predictor.md).
            Examples:
              hao predict my_net.json
              hao predict point.json --json
              hao predict my_net.json --sensitivity hessian.csv
              hao predict my_net.json \\
                --model <data>/ofa_predictor/acc_predictor_mlp.json
            where <data> is the folder of the project's public data set (its
            README gives provenance); the teacher MLP is not shipped with hao.
            """
    )

    @Argument(help: "Network JSON file, network name, or architecture point JSON.")
    var network: String

    @Option(name: .long, help: "Predictor model file (default: Models/predictors/ofa-mbv3-w4w8-kernel.json).")
    var model: String?

    @Option(name: .long, help: "Search space file (default: Models/spaces/ofa-mbv3-w4w8.json).")
    var space: String?

    @Option(
        name: .long,
        help: "Per-slot 4-bit sensitivity file (JSON hao-sensitivity-v1 or CSV slot,penalty_4bit); overrides the model's default.")
    var sensitivity: String?

    @Option(
        name: .long,
        help:
            "Training regime of the quantized network: qat (quantization-aware training, default) or ptq (post-training with reconstruction)."
    )
    var regime: QuantizationRegime = .qat

    @Option(name: .long, help: "Models directory (default: located automatically).")
    var modelsDir: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let searchSpace = try loadSpace(space, modelsDir: modelsDir)
        let modelURL: URL
        if let model {
            modelURL = URL(fileURLWithPath: model)
        } else {
            modelURL = try ModelsDirectory.locate(explicit: modelsDir).predictors.appendingPathComponent("ofa-mbv3-w4w8-kernel.json")
        }
        var predictor = try AccuracyPredictor(contentsOf: modelURL).with(regime: regime)
        if let sensitivity {
            predictor = predictor.with(
                quantization: try QuantizationModel.userSensitivity(
                    contentsOf: URL(fileURLWithPath: sensitivity), base: predictor.quantization))
        }
        let (name, point, warning) = try resolvePoint(searchSpace)
        if let warning { printError("warning: \(warning)") }
        let p = predictor.predict(point)
        let penalty = predictor.quantization.penaltyDetail(point)
        if predictor.ignoresBitWidths {
            printError(
                "note: model \(predictor.modelName) (\(predictor.format)) has no quantization part, so bit widths are ignored: the prediction is full precision (give --sensitivity to add a penalty)"
            )
        }
        if json {
            let out = PredictionJSON(
                network: name, top1: p.top1, stddev: p.stddev, fullPrecisionTop1: p.fullPrecisionTop1,
                quantizationPenalty: p.quantizationPenalty, quantizationRegime: predictor.quantization.regime.rawValue,
                penaltyBreakdown: predictor.ignoresBitWidths ? [] : penalty.breakdown, penaltySource: predictor.quantization.source,
                model: predictor.modelName, modelFormat: predictor.format, bitWidthsIgnored: predictor.ignoresBitWidths,
                resolutionOnGrid: warning == nil, point: point)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            try emit(String(decoding: try e.encode(out), as: UTF8.self))
        } else {
            let sd = p.stddev.map { String(format: " +- %.2f", $0) } ?? " (no uncertainty from this model)"
            try emit(String(format: "%@: predicted top-1 %.2f%%", name, p.top1) + sd)
            try emit(
                String(
                    format: "  full precision %.2f%%, quantization penalty %.2f points (%@); model %@", p.fullPrecisionTop1,
                    p.quantizationPenalty, predictor.quantization.regime.rawValue, predictor.modelName))
            if !predictor.ignoresBitWidths { try emit("  penalty by layer kind: " + Self.describe(penalty.breakdown)) }
        }
    }

    /// `8-bit base 0.63, expand 0.21 (6 layers), depthwise k7 0.12 (2 layers), ...`.
    static func describe(_ terms: [PenaltyTerm]) -> String {
        terms.map { t in
            let label =
                t.name == "int8_base"
                ? "8-bit base" : t.name.replacingOccurrences(of: "_k", with: " k").replacingOccurrences(of: "_", with: "-")
            return String(format: "%@ %.2f", label, t.points) + (t.layers > 0 ? " (\(t.layers) layer\(t.layers == 1 ? "" : "s"))" : "")
        }.joined(separator: ", ")
    }

    /// The network's name, its point and a warning when its resolution is off the search grid.
    func resolvePoint(_ space: SearchSpace) throws -> (String, ArchitecturePoint, String?) {
        var url = URL(fileURLWithPath: network)
        if !FileManager.default.fileExists(atPath: url.path), !network.contains("/") {
            url = try ModelsDirectory.locate(explicit: modelsDir).networks.appendingPathComponent(network + ".json")
        }
        let data: Data
        do { data = try InputFile.read(url) } catch {
            throw CLIError("cannot read network '\(network)': \(error.reason)")
        }
        do { try JSONFile.checkSyntax(data, source: "'\(url.path)'") } catch { throw CLIError("\(error)") }
        // A file with a point's keys is a point: report what the point format lacks, rather than
        // falling through to the network format and complaining about its keys (e.g. 'name').
        let pointKeys: Set<String> = ["depths", "kernels", "expand_ratios"]
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["blocks"] == nil, !pointKeys.isDisjoint(with: object.keys)
        {
            let point: ArchitecturePoint
            do { point = try JSONDecoder().decode(ArchitecturePoint.self, from: data) } catch let error as DecodingError {
                throw PointFileError.malformed(path: url.path, reason: Self.describe(error))
            }
            return (url.lastPathComponent, point, try space.checkForPrediction(point))
        }
        let net = try Network.decode(from: data, source: "'\(url.path)'")
        let (point, warning) = try space.predictionPoint(for: net)
        return (net.name, point, warning)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? "'\($0.stringValue)'" }.joined(separator: " ")
        }
        switch error {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not \(type == Int.self ? "an integer" : "a \(type)")"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Why an architecture point file (`{"depths": ..., "bits": ...}`) could not be read.
enum PointFileError: Error, CustomStringConvertible {
    case malformed(path: String, reason: String)

    var description: String {
        switch self {
        case .malformed(let path, let reason):
            return
                "architecture point '\(path)': \(reason) (a point has depths [5], kernels [20], expand_ratios [20], bits [20] and resolution)"
        }
    }
}

/// `hao predict --json` output.
struct PredictionJSON: Encodable {
    var network: String
    var top1: Double
    var stddev: Double?
    var fullPrecisionTop1: Double
    var quantizationPenalty: Double
    var quantizationRegime: String
    /// Terms summing to `quantizationPenalty`: the 8-bit base, then each layer kind below 8 bits.
    var penaltyBreakdown: [PenaltyTerm]
    var penaltySource: String
    var model: String
    var modelFormat: String
    /// True when the model has no quantization part (a dense MLP without --sensitivity).
    var bitWidthsIgnored: Bool
    /// False when the resolution lies between the search grid's values.
    var resolutionOnGrid: Bool
    var point: ArchitecturePoint
    enum CodingKeys: String, CodingKey {
        case network, top1, stddev, model, point
        case fullPrecisionTop1 = "full_precision_top1"
        case quantizationPenalty = "quantization_penalty"
        case quantizationRegime = "quantization_regime"
        case penaltyBreakdown = "penalty_breakdown"
        case penaltySource = "penalty_source"
        case modelFormat = "model_format"
        case bitWidthsIgnored = "bit_widths_ignored"
        case resolutionOnGrid = "resolution_on_grid"
    }
}

extension QuantizationRegime: ExpressibleByArgument {}
