import Foundation
import HAOSupport

/// A predicted ImageNet top-1 accuracy.
public struct Prediction: Sendable, Hashable, Codable {
    /// Predicted top-1 in percent, after the quantization penalty.
    public var top1: Double
    /// Predictive standard deviation in points, when the model gives one.
    public var stddev: Double?
    /// Predicted full-precision top-1 in percent.
    public var fullPrecisionTop1: Double
    /// Points subtracted for quantization.
    public var quantizationPenalty: Double

    /// Creates a prediction from its fields; `top1` should equal `fullPrecisionTop1 - quantizationPenalty`.
    public init(top1: Double, stddev: Double?, fullPrecisionTop1: Double, quantizationPenalty: Double) {
        self.top1 = top1
        self.stddev = stddev
        self.fullPrecisionTop1 = fullPrecisionTop1
        self.quantizationPenalty = quantizationPenalty
    }
}

/// Predicts the top-1 accuracy of a point of the default search space.
///
/// Loads either a kernel model (`hao-accuracy-kernel-v1`, the shipped default, with a
/// predictive standard deviation) or a dense MLP (`dense-mlp-v1`, e.g. the released
/// once-for-all predictor, used as is: no bias correction, no uncertainty).
/// Thread-safe and cheap to copy; `predict` does not allocate much and does not throw.
public struct AccuracyPredictor: Sendable {
    enum Backend: Sendable {
        case kernel(KernelPredictor)
        case mlp(DenseMLP)
    }

    let backend: Backend
    /// The quantization penalty applied to full-precision predictions.
    public private(set) var quantization: QuantizationModel
    /// A label for the model: its `name` (kernel model) or file name (MLP), with the format.
    public let modelName: String
    /// The model file's format: `hao-accuracy-kernel-v1` (``KernelModelFile/formatName``) or `dense-mlp-v1` (``DenseMLP/formatName``).
    public let format: String
    /// The decoded kernel model file (nil for an MLP).
    public let kernelModel: KernelModelFile?
    /// Whether predictions ignore bit widths: a dense MLP file (e.g. the once-for-all teacher)
    /// has no quantization part, so unless one is given (``with(quantization:)``, the
    /// `quantization` argument) every point is predicted at full precision.
    public private(set) var ignoresBitWidths: Bool

    /// Loads a model file, detecting its format from the `format` key.
    /// - Parameter quantization: overrides the file's quantization model (an MLP file has
    ///   none; without an override its predictions are full precision).
    public init(contentsOf url: URL, quantization: QuantizationModel? = nil) throws {
        let data: Data
        do { data = try InputFile.read(url) } catch {
            throw PredictorError.unreadable(path: url.path, reason: error.reason)
        }
        struct Header: Decodable { var format: String? }
        let header: Header
        do { header = try JSONFile.decode(Header.self, from: data, source: "'\(url.path)'") } catch {
            throw PredictorError.corruptedModel(path: url.path, reason: error.reason)
        }
        guard let format = header.format else {
            throw PredictorError.corruptedModel(path: url.path, reason: "no 'format' key")
        }
        switch format {
        case KernelModelFile.formatName:
            let file: KernelModelFile
            do { file = try KernelModelFile.decoder().decode(KernelModelFile.self, from: data) } catch {
                if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let q = object["quantization"] as? [String: Any], q["qat"] == nil, q["int4_penalty"] != nil
                {
                    throw PredictorError.corruptedModel(
                        path: url.path,
                        reason:
                            "its quantization section is the MAC-share form of earlier versions (int4_penalty, stage_multipliers), which this version no longer reads; retrain the model with `hao predictor train` (docs/predictor.md)"
                    )
                }
                let reason = (error as? DecodingError).map { JSONFile.translate($0, source: "").reason } ?? "\(error)"
                throw PredictorError.corruptedModel(path: url.path, reason: reason)
            }
            try self.init(file: file, path: url.path, quantization: quantization)
            if case .kernel(let kernel) = backend { try kernel.checkFile(file, path: url.path) }
        case DenseMLP.formatName:
            let mlp = try DenseMLP(data: data, path: url.path)
            guard mlp.inputDimension == Encoding.ofaFeatureCount, mlp.outputDimension == 1 else {
                throw PredictorError.corruptedModel(
                    path: url.path,
                    reason:
                        "an accuracy MLP must map \(Encoding.ofaFeatureCount) inputs to 1 output, this one maps \(mlp.inputDimension) to \(mlp.outputDimension)"
                )
            }
            self.init(
                backend: .mlp(mlp), quantization: quantization ?? .none, modelName: url.lastPathComponent,
                format: format, kernelModel: nil, ignoresBitWidths: quantization == nil)
        default:
            throw PredictorError.unknownFormat(path: url.path, format: format)
        }
    }

    /// Wraps an in-memory kernel model (as produced by the trainer).
    public init(file: KernelModelFile, path: String = "<memory>", quantization: QuantizationModel? = nil) throws {
        guard file.format == KernelModelFile.formatName else { throw PredictorError.unknownFormat(path: path, format: file.format) }
        self.init(
            backend: .kernel(try KernelPredictor(file: file, path: path)),
            quantization: quantization ?? file.quantization, modelName: file.name, format: file.format,
            kernelModel: file, ignoresBitWidths: false)
    }

    private init(
        backend: Backend, quantization: QuantizationModel, modelName: String, format: String,
        kernelModel: KernelModelFile?, ignoresBitWidths: Bool
    ) {
        self.ignoresBitWidths = ignoresBitWidths
        self.backend = backend
        self.quantization = quantization
        self.modelName = modelName
        self.format = format
        self.kernelModel = kernelModel
    }

    /// A copy using another quantization model (e.g. a user's sensitivity file).
    public func with(quantization: QuantizationModel) -> AccuracyPredictor {
        var copy = self
        copy.quantization = quantization
        copy.ignoresBitWidths = false
        return copy
    }

    /// A copy whose quantization penalty uses `regime`'s constants (bit-blindness unchanged).
    public func with(regime: QuantizationRegime) throws -> AccuracyPredictor {
        var copy = self
        copy.quantization = try quantization.with(regime: regime)
        return copy
    }

    /// Predicts a point. The point should be in the space (see ``SearchSpace/contains(_:)``);
    /// values outside the once-for-all choices contribute nothing to the encoding rather than trapping.
    public func predict(_ point: ArchitecturePoint) -> Prediction {
        let fp: Double
        var variance: Double?
        switch backend {
        case .kernel(let k):
            let codes = Encoding.codes(point)
            let s = k.surrogate(codes)
            let r = k.calibrated(codes: codes, resolution: Double(point.resolution), surrogate: s)
            fp = r.mean
            variance = r.variance
        case .mlp(let m):
            fp = m.ofaTop1(point)
        }
        let q = quantization.penalty(point)
        if let v = variance { variance = v + q.std * q.std }
        return Prediction(
            top1: fp - q.points, stddev: variance.map { $0.squareRoot() },
            fullPrecisionTop1: fp, quantizationPenalty: q.points)
    }

    /// Predicts many points (same as mapping ``predict(_:)``).
    public func predict(_ points: [ArchitecturePoint]) -> [Prediction] { points.map(predict) }

    /// The teacher-surrogate value (kernel model) or raw MLP output, in percent, before
    /// calibration and quantization.
    public func uncalibratedTop1(_ point: ArchitecturePoint) -> Double {
        switch backend {
        case .kernel(let k): return k.surrogate(Encoding.codes(point))
        case .mlp(let m): return m.ofaTop1(point)
        }
    }
}
