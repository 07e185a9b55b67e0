import Foundation
import HAOSupport

/// A dense multilayer perceptron read from a `dense-mlp-v1` JSON file (the format of the
/// released once-for-all predictor as shared in `ofa_predictor/acc_predictor_mlp.json`):
/// `{"format": "dense-mlp-v1", "input_dim": N, "layers": [{"weight": out x in, "bias": out,
/// "activation": "relu" | "none"}]}`, each layer applied as `W x + b`.
///
/// For the OFA predictor the input is ``Encoding/ofa(_:)`` and the output a fraction.
public struct DenseMLP: Sendable {
    /// The `format` value this reader accepts; any other value is rejected with ``PredictorError/unknownFormat(path:format:)``.
    public static let formatName = "dense-mlp-v1"

    struct Layer: Sendable {
        var inputs: Int
        var outputs: Int
        /// Row-major `outputs x inputs`.
        var weight: [Double]
        var bias: [Double]
        var relu: Bool
    }

    let layers: [Layer]
    /// Length of the input vector the first layer expects (`input_dim`; 128 for the once-for-all predictor).
    public let inputDimension: Int
    /// Length of the output vector: the last layer's output count (1 for the once-for-all predictor), 0 for a network without layers.
    public var outputDimension: Int { layers.last?.outputs ?? 0 }

    private struct FileLayer: Decodable {
        var weight: [[Double]]
        var bias: [Double]
        var activation: String?
    }
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // Property names are the file's keys as written, so decoding errors name the key the user sees.
    private struct File: Decodable {
        var format: String
        var input_dim: Int
        var layers: [FileLayer]
    }

    /// Loads and checks a `dense-mlp-v1` file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try InputFile.read(url) } catch {
            throw PredictorError.unreadable(path: url.path, reason: error.reason)
        }
        try self.init(data: data, path: url.path)
    }

    init(data: Data, path: String) throws {
        let file: File
        do { file = try JSONFile.decode(File.self, from: data, source: "'\(path)'") } catch {
            throw PredictorError.corruptedModel(path: path, reason: error.reason)
        }
        guard file.format == Self.formatName else { throw PredictorError.unknownFormat(path: path, format: file.format) }
        guard file.input_dim > 0, !file.layers.isEmpty else {
            throw PredictorError.corruptedModel(path: path, reason: "no layers or non-positive input_dim")
        }
        var width = file.input_dim
        var built: [Layer] = []
        for (i, l) in file.layers.enumerated() {
            guard l.weight.count == l.bias.count, l.weight.count > 0 else {
                throw PredictorError.corruptedModel(
                    path: path, reason: "layer \(i): \(l.weight.count) weight rows but \(l.bias.count) biases")
            }
            guard l.weight.allSatisfy({ $0.count == width }) else {
                throw PredictorError.corruptedModel(path: path, reason: "layer \(i): weight rows must have \(width) columns")
            }
            let flat = l.weight.flatMap { $0 }
            guard flat.allSatisfy(\.isFinite), l.bias.allSatisfy(\.isFinite) else {
                throw PredictorError.corruptedModel(path: path, reason: "layer \(i) has a non-finite weight or bias")
            }
            let act = l.activation ?? "none"
            guard act == "relu" || act == "none" || act == "linear" else {
                throw PredictorError.corruptedModel(path: path, reason: "layer \(i): unknown activation '\(act)'")
            }
            built.append(Layer(inputs: width, outputs: l.bias.count, weight: flat, bias: l.bias, relu: act == "relu"))
            width = l.bias.count
        }
        layers = built
        inputDimension = file.input_dim
    }

    /// The network's outputs for `input` (which must have ``inputDimension`` values).
    /// The first layer skips zero inputs, which makes one-hot encodings cheap.
    public func evaluate(_ input: [Double]) -> [Double] {
        precondition(input.count == inputDimension, "DenseMLP input has \(input.count) values, expected \(inputDimension)")
        var x = input
        for (index, layer) in layers.enumerated() {
            var y = layer.bias
            layer.weight.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { out in
                    x.withUnsafeBufferPointer { xin in
                        if index == 0 {
                            // Column-wise: only non-zero inputs contribute.
                            for j in 0..<layer.inputs where xin[j] != 0 {
                                let v = xin[j]
                                for o in 0..<layer.outputs { out[o] += w[o * layer.inputs + j] * v }
                            }
                        } else {
                            for o in 0..<layer.outputs {
                                var s = 0.0
                                let row = o * layer.inputs
                                for j in 0..<layer.inputs { s += w[row + j] * xin[j] }
                                out[o] += s
                            }
                        }
                        if layer.relu { for o in 0..<layer.outputs where out[o] < 0 { out[o] = 0 } }
                    }
                }
            }
            x = y
        }
        return x
    }

    /// The OFA predictor's top-1 in percent (output fraction x 100) for a point's 128 OFA inputs.
    public func ofaTop1(_ point: ArchitecturePoint) -> Double {
        evaluate(Encoding.ofa(point))[0] * 100
    }
}
