import Foundation
import HAOSupport

/// The on-disk kernel accuracy model (`hao-accuracy-kernel-v1`), written by
/// `hao predictor train` and read by ``AccuracyPredictor``. Keys are snake_case.
///
/// Prediction for a point `x` (percent top-1):
/// 1. teacher surrogate `s(x) = mean + sum_i alpha_i * exp(-d2(x, m_i) / (2 l^2))`, where
///    `d2` is the squared distance of the 128 OFA inputs and `m_i` the support points;
/// 2. full precision `f(x) = intercept + slope * s(x) + g(x)`, `g` a Gaussian-process
///    residual fitted to real fine-tuned networks, with predictive variance;
/// 3. `top1 = f(x) - quantization.penalty(x)`.
public struct KernelModelFile: Sendable, Codable {
    /// The `format` value of a kernel model file; ``AccuracyPredictor`` rejects other values.
    public static let formatName = "hao-accuracy-kernel-v1"

    /// The RBF kernel surrogate of the teacher MLP (subset-of-regressors kernel ridge over the support points).
    public struct Surrogate: Sendable, Codable {
        /// Squared RBF length scale `l^2` over the OFA one-hot distance.
        public var lengthScaleSquared: Double
        /// Mean of the teacher's top-1 over its training samples, in percent: the surrogate's value far from every support point.
        public var mean: Double
        /// One string per support point: 41 digits (20 kernel codes, 20 expand codes,
        /// resolution bucket; see `Encoding.codes`).
        public var supportCodes: [String]
        /// Kernel weight of each support point, in top-1 percent (same order as ``supportCodes``).
        public var alpha: [Double]
    }

    /// A labelled network of the calibration: one input of the Gaussian-process residual.
    public struct ResidualPoint: Sendable, Codable {
        /// 40 digits: kernel and expand codes of the slots.
        public var codes: String
        /// Input resolution in pixels (may lie between the space's choices, e.g. 156).
        public var resolution: Double
        /// The surrogate's prediction for this network, in top-1 percent (0 when the model has no surrogate).
        public var surrogate: Double
        /// Network name, for reports; optional.
        public var name: String?
    }

    /// The linear map from surrogate to real top-1 and its Gaussian-process residual (step 2 of the prediction).
    public struct Calibration: Sendable, Codable {
        /// Constant term of the linear mean, in top-1 percent.
        public var intercept: Double
        /// Coefficient of the surrogate value in the linear mean; fitted only when a teacher was given, else 0.
        public var slope: Double
        /// Covariance of (intercept, slope) from the generalised least-squares fit.
        public var meanCovariance: [[Double]]
        /// Prior variance of the residual GP, in squared top-1 points.
        public var signalVariance: Double
        /// Squared length scale of the residual GP, in units of squared one-hot distance.
        public var lengthScaleSquared: Double
        /// Observation noise variance of the residual GP, in squared top-1 points.
        public var noiseVariance: Double
        /// Resolution difference (pixels) that counts as one unit of squared distance.
        public var resolutionScale: Double
        /// The labelled networks the residual GP conditions on, in the order of ``alpha`` and ``inverseCovariance``.
        public var points: [ResidualPoint]
        /// `(K + noise I)^-1 (y - H beta)`.
        public var alpha: [Double]
        /// `(K + noise I)^-1`, for the predictive variance.
        public var inverseCovariance: [[Double]]
    }

    /// Provenance of one data file used by training, so that a model can be traced to its inputs.
    public struct DataFile: Sendable, Codable {
        /// File name (last path component) as given to `hao predictor train`.
        public var file: String
        /// What training used the file for, e.g. `teacher`, `fine-tuned nets`, `user labels`, `8-bit calibration`.
        public var role: String
        /// File size in bytes.
        public var bytes: Int
        /// FNV-1a 64-bit hash of the file's bytes, as 16 lowercase hex digits (JSON key `fnv1a64`).
        public var fnv1a64: String
        /// Rows taken from the file (1 for the teacher's JSON).
        public var rowsUsed: Int
        /// Where the data comes from, in words.
        public var provenance: String
    }

    /// How the model was trained, for reproduction.
    public struct Training: Sendable, Codable {
        /// The command that wrote the file (`hao predictor train`).
        public var tool: String
        /// Random seed of the run (``TrainingOptions/seed``).
        public var seed: UInt64
        /// Every data file read, with its role and hash.
        public var data: [DataFile]
        /// Teacher-labelled random architectures used to fit the surrogate (0 without a teacher).
        public var teacherSamples: Int
        /// Support points the surrogate kept (0 without a teacher).
        public var supportPoints: Int
        /// Teacher-labelled architectures held out to choose the surrogate's hyperparameters (0 without a teacher).
        public var holdoutSamples: Int
        /// Labelled networks the calibration was fitted on.
        public var realNetworks: Int
        /// How the hyperparameters were chosen: the grids tried, their scores and the choice, in words.
        public var selection: String
    }

    /// One validation figure stored with the model (an error of predictions against measurements).
    public struct Metric: Sendable, Codable {
        /// What was compared on which data; ``coverageName`` marks the coverage entry.
        public var name: String
        /// Number of compared pairs.
        public var count: Int
        /// Mean absolute error in top-1 points (for the coverage entry, the covered fraction in 0...1).
        public var mae: Double
        /// Largest absolute error in top-1 points (JSON key `max_error`).
        public var maxError: Double
        /// Kendall rank correlation of predictions and measurements in -1...1, when defined (JSON key `kendall_tau`).
        public var kendallTau: Double?
        /// What the figure does and does not show, e.g. "no bias correction"; optional.
        public var note: String?

        /// Name of the leave-one-out coverage entry: its `mae` field holds the fraction of nets
        /// within one predicted standard deviation and `maxError` is unused (0), so readers
        /// must not print it as an error.
        public static let coverageName = "leave-one-out coverage of +-1 predictive stddev"
        /// Whether this entry is the coverage fraction rather than an error measurement.
        public var isCoverage: Bool { name == Self.coverageName }
    }

    /// Must equal ``formatName``.
    public var format: String
    /// Model label, shown by ``AccuracyPredictor/modelName``.
    public var name: String
    /// What the model is, in words.
    public var description: String
    /// The input encoding, in words (see ``Encoding``).
    public var encoding: String
    /// Units and centring of targets and inputs, in words.
    public var normalisation: String
    /// The teacher surrogate; nil when trained without a teacher (then the surrogate term is 0).
    public var surrogate: Surrogate?
    /// Linear mean and Gaussian-process residual on real networks.
    public var calibration: Calibration
    /// The quantization penalty subtracted from the full-precision prediction.
    public var quantization: QuantizationModel
    /// How the model was trained.
    public var training: Training
    /// Validation figures measured by training (holdout, leave-one-out, quantization checks).
    public var validation: [Metric]

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys]
        return e
    }

    /// Writes the model as JSON (see ``AtomicFile``: a regular file is replaced atomically, a
    /// device or FIFO written in place, never replaced).
    public func write(to url: URL) throws {
        let data = try Self.encoder().encode(self)
        try AtomicFile.write(data, to: url)
    }
}

/// The compiled, fast form of a ``KernelModelFile``.
struct KernelPredictor: Sendable {
    let surrogateMean: Double
    let supportCount: Int
    /// Flat `supportCount x 41` codes.
    let supportCodes: [UInt8]
    let alpha: [Double]
    /// `exp(-d2 / (2 l^2))` for integer `d2`; the OFA distance only takes integer values.
    let expTable: [Double]
    let hasSurrogate: Bool
    let calibration: KernelModelFile.Calibration
    let residualCodes: [UInt8]
    /// Mismatch cost between two codes (0 inactive, 1...3 choice): the squared distance of their one-hots.
    static let codeDistance: [Int] = {
        var t = [Int](repeating: 0, count: 16)
        for a in 0..<4 { for b in 0..<4 { t[a * 4 + b] = a == b ? 0 : (a == 0 || b == 0 ? 1 : 2) } }
        return t
    }()

    init(file f: KernelModelFile, path: String) throws {
        func bad(_ s: String) -> PredictorError { .corruptedModel(path: path, reason: s) }
        func parse(_ s: String, count: Int, maxDigit: UInt8) throws -> [UInt8] {
            let digits = s.utf8.map { $0 &- 48 }
            guard digits.count == count, digits.allSatisfy({ $0 <= maxDigit }) else {
                throw bad("code string '\(s)' is not \(count) digits in 0...\(maxDigit)")
            }
            return digits
        }
        if let s = f.surrogate {
            guard s.supportCodes.count == s.alpha.count, !s.alpha.isEmpty else {
                throw bad("surrogate has \(s.supportCodes.count) support points but \(s.alpha.count) weights")
            }
            guard s.lengthScaleSquared > 0, s.lengthScaleSquared.isFinite, s.mean.isFinite, s.alpha.allSatisfy(\.isFinite) else {
                throw bad("surrogate has a non-finite or non-positive parameter")
            }
            var codes: [UInt8] = []
            codes.reserveCapacity(s.supportCodes.count * Encoding.codeCount)
            for c in s.supportCodes {
                var digits = try parse(c, count: Encoding.codeCount, maxDigit: 7)
                guard digits.prefix(40).allSatisfy({ $0 <= 3 }) else { throw bad("slot code above 3 in '\(c)'") }
                codes.append(contentsOf: digits)
                digits.removeAll()
            }
            supportCodes = codes
            supportCount = s.alpha.count
            alpha = s.alpha
            surrogateMean = s.mean
            let maxD2 = 2 * Encoding.codeCount
            expTable = (0...maxD2).map { exp(-Double($0) / (2 * s.lengthScaleSquared)) }
            hasSurrogate = true
        } else {
            supportCodes = []
            supportCount = 0
            alpha = []
            surrogateMean = 0
            expTable = [1]
            hasSurrogate = false
        }
        let c = f.calibration
        let n = c.points.count
        let scalars = [c.intercept, c.slope, c.signalVariance, c.lengthScaleSquared, c.noiseVariance, c.resolutionScale]
        guard scalars.allSatisfy(\.isFinite), c.signalVariance >= 0, c.noiseVariance >= 0, c.lengthScaleSquared > 0,
            c.resolutionScale > 0
        else { throw bad("calibration has a non-finite or out-of-range parameter") }
        guard c.alpha.count == n, c.inverseCovariance.count == n, c.inverseCovariance.allSatisfy({ $0.count == n }),
            c.meanCovariance.count == 2, c.meanCovariance.allSatisfy({ $0.count == 2 })
        else {
            throw bad("calibration arrays have inconsistent sizes")
        }
        guard c.alpha.allSatisfy(\.isFinite), c.inverseCovariance.joined().allSatisfy(\.isFinite),
            c.meanCovariance.joined().allSatisfy(\.isFinite),
            c.points.allSatisfy({ $0.resolution.isFinite && $0.surrogate.isFinite })
        else {
            throw bad("calibration has a non-finite value")
        }
        var rc: [UInt8] = []
        for p in c.points { rc += try parse(p.codes, count: 40, maxDigit: 3) }
        residualCodes = rc
        calibration = c
        if let problem = f.quantization.problem { throw bad("quantization section: \(problem)") }
    }

    /// The checks of ``checkConsistency(_:bad:)`` for a model read from `path`.
    func checkFile(_ f: KernelModelFile, path: String) throws {
        try checkConsistency(f) { PredictorError.corruptedModel(path: path, reason: $0) }
    }

    /// What finiteness cannot catch in a hand-edited or damaged file: the surrogate's mean and
    /// the predictions at the model's own labelled networks must be top-1 percentages, a model
    /// whose calibration was fitted on a surrogate must still have it, and the surrogate must
    /// reproduce the values the calibration recorded for those networks (so an edited weight,
    /// mean or length scale is caught, not silently predicted with).
    /// Only files are checked: the trainer builds partial models (a calibration without its
    /// surrogate, for leave-one-out) on purpose.
    private func checkConsistency(_ f: KernelModelFile, bad: (String) -> PredictorError) throws {
        let c = calibration
        let percent = 0.0...100.0
        // The reported figures are top-1 points and counts: shown to users, so held to their ranges too.
        for (i, m) in f.validation.enumerated() {
            guard m.count >= 0, m.mae.isFinite, percent.contains(m.mae), m.maxError.isFinite, percent.contains(m.maxError),
                m.kendallTau.map({ $0.isFinite && (-1...1).contains($0) }) ?? true
            else {
                throw bad(
                    "validation[\(i)] (\(m.name)): count \(m.count), mae \(m.mae), max_error \(m.maxError), kendall_tau \(m.kendallTau.map { "\($0)" } ?? "none") are not a count, errors in 0...100 points and a rank correlation in -1...1"
                )
            }
        }
        let t = f.training
        guard [t.teacherSamples, t.supportPoints, t.holdoutSamples, t.realNetworks].allSatisfy({ $0 >= 0 }),
            t.data.allSatisfy({ $0.bytes >= 0 && $0.rowsUsed >= 0 && $0.rowsUsed <= max($0.bytes, 1) })
        else {
            throw bad("training: a count is negative, or a data file uses more rows than it has bytes")
        }
        if let s = f.surrogate, !percent.contains(s.mean) {
            throw bad("surrogate.mean \(s.mean) is not a top-1 percentage (0...100)")
        }
        if !hasSurrogate, c.slope != 0 || c.points.contains(where: { $0.surrogate != 0 }) {
            throw bad(
                "the 'surrogate' section is missing but the calibration was fitted on one (slope \(c.slope)); the file is incomplete: retrain it with 'hao predictor train'"
            )
        }
        // The inverse of a covariance matrix is symmetric with a positive diagonal; a single
        // edited entry breaks that, and would change every predictive standard deviation.
        let n = c.points.count
        for i in 0..<n {
            guard c.inverseCovariance[i][i] > 0 else {
                throw bad(
                    "calibration.inverse_covariance[\(i)][\(i)] = \(c.inverseCovariance[i][i]); the diagonal of an inverse covariance is positive"
                )
            }
            for j in 0..<i where abs(c.inverseCovariance[i][j] - c.inverseCovariance[j][i]) > 1e-9 * max(1, abs(c.inverseCovariance[i][j]))
            {
                throw bad(
                    "calibration.inverse_covariance is not symmetric ([\(i)][\(j)] = \(c.inverseCovariance[i][j]), [\(j)][\(i)] = \(c.inverseCovariance[j][i]))"
                )
            }
        }
        guard c.meanCovariance[0][0] >= 0, c.meanCovariance[1][1] >= 0,
            abs(c.meanCovariance[0][1] - c.meanCovariance[1][0]) <= 1e-9 * max(1, abs(c.meanCovariance[0][1]))
        else {
            throw bad("calibration.mean_covariance \(c.meanCovariance) is not a covariance (symmetric, diagonal >= 0)")
        }
        for (i, point) in c.points.enumerated() {
            guard (16...1024).contains(point.resolution) else {
                throw bad(
                    "calibration point \(i)\(point.name.map { " (\($0))" } ?? ""): resolution \(point.resolution) is outside 16...1024")
            }
            let codes = Array(residualCodes[(i * 40)..<(i * 40 + 40)]) + [UInt8(Encoding.resolutionBucket(Int(point.resolution.rounded())))]
            if hasSurrogate, point.resolution >= 1, point.resolution <= 4096 {
                let recomputed = surrogate(codes)
                guard abs(recomputed - point.surrogate) <= 1e-6 * max(1, abs(point.surrogate)) else {
                    throw bad(
                        "the surrogate gives \(recomputed) for calibration point \(i)\(point.name.map { " (\($0))" } ?? "") but the calibration recorded \(point.surrogate); the surrogate or calibration section was edited: retrain with 'hao predictor train'"
                    )
                }
            }
            let (predicted, variance) = calibrated(codes: codes, resolution: point.resolution, surrogate: point.surrogate)
            guard variance.isFinite, variance <= 100 * 100 else {
                throw bad(
                    "its predictive variance for its own calibration point \(i) is \(variance) (a standard deviation above 100 top-1 points)"
                )
            }
            guard predicted.isFinite, percent.contains(predicted) else {
                throw bad(
                    "it predicts \(predicted)% top-1 for its own calibration point \(i)\(point.name.map { " (\($0))" } ?? ""), outside 0...100 (calibration intercept \(c.intercept), slope \(c.slope))"
                )
            }
        }
    }

    /// Teacher-surrogate value in percent.
    @inline(__always)
    func surrogate(_ codes: [UInt8]) -> Double {
        guard hasSurrogate else { return 0 }
        let width = Encoding.codeCount
        var sum = 0.0
        supportCodes.withUnsafeBufferPointer { sc in
            alpha.withUnsafeBufferPointer { a in
                expTable.withUnsafeBufferPointer { table in
                    Self.codeDistance.withUnsafeBufferPointer { dist in
                        codes.withUnsafeBufferPointer { x in
                            for i in 0..<supportCount {
                                let base = i * width
                                var d2 = 0
                                for j in 0..<(width - 1) { d2 &+= dist[Int(x[j]) &* 4 &+ Int(sc[base &+ j])] }
                                if x[width - 1] != sc[base + width - 1] { d2 &+= 2 }
                                sum += a[i] * table[d2]
                            }
                        }
                    }
                }
            }
        }
        return surrogateMean + sum
    }

    /// Full-precision mean and variance for slot codes (first 40 of `codes`) at `resolution`
    /// with surrogate value `s`.
    func calibrated(codes: [UInt8], resolution: Double, surrogate s: Double) -> (mean: Double, variance: Double) {
        let c = calibration
        let n = c.points.count
        var k = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var d2 = 0
            for j in 0..<40 { d2 += Self.codeDistance[Int(codes[j]) * 4 + Int(residualCodes[i * 40 + j])] }
            let dr = (resolution - c.points[i].resolution) / c.resolutionScale
            k[i] = c.signalVariance * exp(-(Double(d2) + dr * dr) / (2 * c.lengthScaleSquared))
        }
        var mean = c.intercept + c.slope * s
        for i in 0..<n { mean += k[i] * c.alpha[i] }
        // Rasmussen & Williams (2006) eq. 2.42: GP variance plus the mean-basis uncertainty.
        var kinvk = [Double](repeating: 0, count: n)
        var quad = 0.0
        for i in 0..<n {
            var v = 0.0
            for j in 0..<n { v += c.inverseCovariance[i][j] * k[j] }
            kinvk[i] = v
            quad += k[i] * v
        }
        var r0 = 1.0
        var r1 = s
        for i in 0..<n {
            r0 -= kinvk[i]
            r1 -= kinvk[i] * c.points[i].surrogate
        }
        let basis =
            r0 * (c.meanCovariance[0][0] * r0 + c.meanCovariance[0][1] * r1)
            + r1 * (c.meanCovariance[1][0] * r0 + c.meanCovariance[1][1] * r1)
        let variance = max(0, c.signalVariance - quad) + c.noiseVariance + max(0, basis)
        return (mean, variance)
    }
}
