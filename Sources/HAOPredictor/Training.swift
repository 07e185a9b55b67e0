import Foundation
import HAOSupport

/// Options of ``PredictorTrainer``. The defaults produce the shipped model.
public struct TrainingOptions: Sendable, Hashable {
    /// Seed of the random number generator that draws teacher samples and the holdout; training is deterministic for a given seed.
    public var seed: UInt64 = 2021
    /// Teacher-labelled random architectures used to fit the surrogate.
    public var teacherSamples = 6000
    /// Support (inducing) points of the surrogate; they set the model size and prediction cost.
    public var supportPoints = 1200
    /// Teacher-labelled architectures held out to choose the surrogate's hyperparameters.
    public var holdoutSamples = 1000
    /// Candidate squared RBF length scales of the surrogate (OFA one-hot distance units;
    /// two random architectures are about 40-60 units apart).
    public var surrogateLengthScales: [Double] = [16, 32, 64, 128]
    /// Candidate noise-to-signal ratios of the surrogate's ridge.
    public var surrogateRidges: [Double] = [0.001, 0.01, 0.1, 1]
    /// The `name` written into the model file.
    public var name = "ofa-mbv3-w4w8-kernel"

    /// Creates the default options, which reproduce the shipped model.
    public init() {}
}

/// A labelled network for the calibration stage.
public struct LabelledNetwork: Sendable, Hashable {
    /// Network name, as given in its data file.
    public var name: String
    /// Resolution may lie between the space's choices (the fine-tuned nets use e.g. 156).
    public var point: ArchitecturePoint
    /// Full-precision top-1 in percent: measured, for the fine-tuned nets; for user rows, the measured top-1 plus the
    /// quantization penalty of the row's bit widths (the calibration fits full precision).
    public var top1: Double
    /// The data file the label came from: `ofa_specialized.csv`, or a user CSV's path as given.
    public var source: String
}

/// What training measured, beyond what the model file stores.
public struct TrainingReport: Sendable {
    /// The labelled networks the calibration was fitted on (fine-tuned nets and user labels), after exclusions.
    public var realNetworks: [LabelledNetwork]
    /// Leave-one-out predictions of the real networks (same order), full precision.
    public var leaveOneOut: [Double]
    /// Predictive standard deviation of each leave-one-out prediction, in top-1 points (same order).
    public var leaveOneOutStd: [Double]
    /// Quantization calibration residuals, as printable lines.
    public var quantizationNotes: [String]
    /// Rows of the data files that were skipped, each with its reason (e.g. a network outside the width-1.0 space).
    public var excluded: [String]
    /// Suspicious but accepted input (e.g. one top-1 that looks like a fraction), with file and line.
    public var warnings: [String] = []
}

/// Trains the kernel accuracy model from data files (see docs/predictor.md):
/// - a `dense-mlp-v1` JSON: the teacher (the released once-for-all predictor);
/// - `ofa_specialized.csv`: fine-tuned nets with real top-1 (width-1.0 MobileNetV3 rows are used);
/// - a user CSV `name,resolution,depths,kernels,expand_ratios,bits,top1` (lists dash-separated,
///   kernels/expand_ratios/bits over the active blocks only; `bits` optional, 8 when the
///   column or the cell is empty);
/// - `mobilenet_quant_acc.csv`, `tfslim_mobilenet_v1_v2.csv`: the quantization penalty by layer kind;
///   `hawqv3_model_zoo.csv`, `mpnas201_bitwidth_acc.csv`: quantization checks.
public struct PredictorTrainer: Sendable {
    /// The search space whose points the model predicts.
    public var space: SearchSpace
    /// Sizes, seed and hyperparameter grids of the fit.
    public var options: TrainingOptions

    /// Creates a trainer for `space`; the default options reproduce the shipped model.
    public init(space: SearchSpace, options: TrainingOptions = TrainingOptions()) {
        self.space = space
        self.options = options
    }

    enum Role: String {
        case teacher
        case fineTuned = "fine-tuned nets"
        case user = "user labels"
        case tfslim = "8-bit calibration"
        case
            hawq = "previous 4-bit rule and interpolation check"
        case mpnas = "position sensitivity"
        case
            published = "quantization penalty by layer kind"
    }

    struct Loaded {
        var teacher: DenseMLP?
        var real: [LabelledNetwork] = []
        var files: [KernelModelFile.DataFile] = []
        var tfslim: CSVTable?
        var hawq: CSVTable?
        var mpnas: CSVTable?
        var published: CSVTable?
        var excluded: [String] = []
        var warnings: [String] = []
    }

    /// Trains a model from `files`. Deterministic for `options.seed` and the files' contents.
    public func train(files: [URL]) throws -> (KernelModelFile, TrainingReport) {
        var (loaded, userFiles) = try load(files)
        // Quantization first: user labels of quantized nets are converted to full-precision equivalents.
        let (quant, quantNotes) = try calibrateQuantization(loaded)
        loaded.warnings += quantNotes.warnings
        for (url, table) in userFiles {
            let (rows, warnings) = try userRowsChecked(table, file: url.path, quantization: quant)
            loaded.real += rows
            loaded.warnings += warnings
        }
        guard !loaded.real.isEmpty else {
            throw PredictorError.training("no labelled networks: give ofa_specialized.csv or a user CSV of (network, top-1)")
        }

        var rng = SplitMix64(seed: options.seed)
        let fitted = try fitSurrogateAndCalibration(loaded, rng: &rng)
        var metrics = fitted.metrics
        let (loo, looStd) = try leaveOneOut(
            loaded.real, surrogate: fitted.surrogateValues, hasTeacher: loaded.teacher != nil,
            metrics: &metrics)
        for line in quantNotes.metrics { metrics.append(line) }
        let hasTeacher = loaded.teacher != nil
        let surrogateFile = fitted.surrogateFile
        let cal = fitted.calibration
        let selection = fitted.selection
        let file = KernelModelFile(
            format: KernelModelFile.formatName,
            name: options.name,
            description:
                "Top-1 accuracy predictor for the \(space.name) space: an RBF kernel surrogate of the once-for-all predictor, calibrated on fine-tuned networks' real ImageNet top-1 with a Gaussian-process residual, minus a quantization penalty by layer kind and training regime. Trained by `hao predictor train`.",
            encoding:
                "OFA 128 inputs (per-slot kernel one-hot {3,5,7} x20, expand one-hot {3,4,6} x20, resolution bucket (r-112)/16 clamped 0..7 x8) stored compactly as 41 digit codes: 20 kernel codes, 20 expand codes (0 inactive, 1..3 choice index+1), bucket. Bit widths enter only the quantization penalty (per layer of each active block).",
            normalisation:
                "targets in top-1 percent; surrogate centred on the teacher-sample mean; calibration residual GP on squared one-hot distance plus (resolution difference / resolution_scale)^2.",
            surrogate: surrogateFile,
            calibration: cal,
            quantization: quant,
            training: .init(
                tool: "hao predictor train", seed: options.seed, data: loaded.files,
                teacherSamples: hasTeacher ? options.teacherSamples : 0,
                supportPoints: surrogateFile?.alpha.count ?? 0,
                holdoutSamples: hasTeacher ? options.holdoutSamples : 0,
                realNetworks: loaded.real.count, selection: selection),
            validation: metrics)
        let report = TrainingReport(
            realNetworks: loaded.real, leaveOneOut: loo, leaveOneOutStd: looStd,
            quantizationNotes: quantNotes.lines, excluded: loaded.excluded,
            warnings: loaded.warnings)
        return (file, report)
    }

    /// Reads every data file and sorts it by role (teacher, fine-tuned nets, quantization data, user labels).
    func load(_ files: [URL]) throws -> (Loaded, [(URL, CSVTable)]) {
        guard !files.isEmpty else { throw PredictorError.training("no data files given") }
        var loaded = Loaded()
        var userFiles: [(URL, CSVTable)] = []
        for url in files {
            let data: Data
            do { data = try InputFile.read(url) } catch {
                throw PredictorError.badData(file: url.path, line: 0, reason: "cannot read: \(error.reason)")
            }
            func record(_ role: Role, rows: Int, provenance: String) {
                loaded.files.append(
                    .init(
                        file: url.lastPathComponent, role: role.rawValue, bytes: data.count,
                        fnv1a64: Self.fnv1a64(data), rowsUsed: rows, provenance: provenance))
            }
            if url.pathExtension.lowercased() == "json" {
                let mlp = try DenseMLP(data: data, path: url.path)
                guard mlp.inputDimension == Encoding.ofaFeatureCount, mlp.outputDimension == 1 else {
                    throw PredictorError.training("\(url.path): teacher MLP must map 128 inputs to 1 output")
                }
                guard loaded.teacher == nil else { throw PredictorError.training("more than one teacher MLP given") }
                loaded.teacher = mlp
                record(.teacher, rows: 1, provenance: "once-for-all MobileNetV3 accuracy predictor (han-cai/files, MIT), used as a teacher")
                continue
            }
            let table = try CSVTable(text: String(decoding: data, as: UTF8.self), file: url.path)
            if table.has("first_conv_out", "stage_depths", "top1") {
                let (nets, excluded) = try fineTuned(table)
                loaded.real += nets
                loaded.excluded += excluded
                record(
                    .fineTuned, rows: nets.count,
                    provenance: "once-for-all specialized nets (mit-han-lab/once-for-all, MIT): real ImageNet top-1 after fine-tuning")
            } else if table.has("model", "width", "resolution", "bits", "top1") {
                loaded.tfslim = table
                record(
                    .tfslim, rows: table.rows.count, provenance: "tensorflow/models slim READMEs (Apache-2.0): MobileNetV1 float vs int8")
            } else if table.has("model", "scheme", "bops_g", "top1") {
                loaded.hawq = table
                record(.hawq, rows: table.rows.count, provenance: "Zhen-Dong/HAWQ model zoo (MIT): ResNet18/50 W8A8, W4A4, mixed")
            } else if table.has("network", "weight_bits", "act_bits", "first_last_bits", "quant_top1", "training", "source") {
                loaded.published = try CSVTable(quotedText: String(decoding: data, as: UTF8.self), file: url.path)
                record(
                    .published, rows: table.rows.count,
                    provenance:
                        "published top-1 of quantized MobileNet-family networks (torchvision, TF Model Garden, NNCF, AIMET, MQBench, Brevitas, HAQ; see its source column)"
                )
            } else if table.has("nb201_index", "cifar10_acc", "cell_op_bits(pos:w/a)") {
                loaded.mpnas = table
                record(
                    .mpnas, rows: table.rows.count, provenance: "Leannnnnnn/MP-NAS-Bench201 (checks only): CIFAR-10 per-position bit widths"
                )
            } else if table.has("resolution", "depths", "kernels", "expand_ratios", "top1") {
                userFiles.append((url, table))
                record(.user, rows: table.rows.count, provenance: "user-supplied measured top-1")
            } else {
                throw PredictorError.unrecognisedData(file: url.path, header: table.header.joined(separator: ","))
            }
        }

        return (loaded, userFiles)
    }

    /// The surrogate of the teacher (when given) and the calibration GP on the labelled networks.
    struct Fitted {
        var surrogateFile: KernelModelFile.Surrogate?
        var calibration: KernelModelFile.Calibration
        var surrogateValues: [Double]
        var metrics: [KernelModelFile.Metric]
        var selection: String
    }

    func fitSurrogateAndCalibration(_ loaded: Loaded, rng: inout SplitMix64) throws -> Fitted {
        var surrogateFile: KernelModelFile.Surrogate? = nil
        var metrics: [KernelModelFile.Metric] = []
        var selection = ""
        var predictorForSurrogate: ((ArchitecturePoint) -> Double) = { _ in 0 }
        if let teacher = loaded.teacher {
            let fit = try fitSurrogate(teacher: teacher, rng: &rng)
            surrogateFile = fit.file
            metrics.append(fit.holdout)
            selection += fit.selection
            let compiled = try KernelPredictor(file: Self.shell(surrogate: fit.file), path: "<training>")
            predictorForSurrogate = { compiled.surrogate(Encoding.codes($0)) }
            // Raw teacher against the real labels, for context.
            let raw = loaded.real.map { teacher.ofaTop1($0.point) }
            metrics.append(
                Self.metric(
                    name: "teacher MLP as is vs real top-1 (in-space fine-tuned nets)",
                    predicted: raw, actual: loaded.real.map(\.top1), note: "no bias correction"))
        } else {
            selection += "no teacher given: calibration GP on the labelled networks alone. "
        }
        let s = loaded.real.map { predictorForSurrogate($0.point) }
        let y = loaded.real.map(\.top1)
        let hasTeacher = loaded.teacher != nil
        let cal = try ResidualGP.fit(points: loaded.real.map(\.point), surrogate: s, y: y, useSlope: hasTeacher)
        selection +=
            "calibration GP hyperparameters by restricted marginal likelihood over a grid: signal variance \(cal.signalVariance), length scale^2 \(cal.lengthScaleSquared), noise variance \(cal.noiseVariance)."

        return Fitted(surrogateFile: surrogateFile, calibration: cal, surrogateValues: s, metrics: metrics, selection: selection)
    }

    /// Leave-one-out on the labelled networks (hyperparameters re-selected in every fold), its
    /// predictions and standard deviations; the figures are appended to `metrics`.
    func leaveOneOut(
        _ real: [LabelledNetwork], surrogate s: [Double], hasTeacher: Bool,
        metrics: inout [KernelModelFile.Metric]
    ) throws -> ([Double], [Double]) {
        let y = real.map(\.top1)
        var loo: [Double] = []
        var looStd: [Double] = []
        var looLinear: [Double] = []
        var looOffset: [Double] = []
        for i in 0..<real.count where real.count > 3 {
            let keep = (0..<real.count).filter { $0 != i }
            let sub = try ResidualGP.fit(
                points: keep.map { real[$0].point }, surrogate: keep.map { s[$0] },
                y: keep.map { y[$0] }, useSlope: hasTeacher)
            let p = try KernelPredictor(file: Self.shell(surrogate: nil, calibration: sub), path: "<loo>")
            let r = p.calibrated(codes: Encoding.codes(real[i].point), resolution: Double(real[i].point.resolution), surrogate: s[i])
            loo.append(r.mean)
            looStd.append(r.variance.squareRoot())
            if hasTeacher {
                let lin = try ResidualGP.fit(
                    points: keep.map { real[$0].point }, surrogate: keep.map { s[$0] },
                    y: keep.map { y[$0] }, useSlope: true, allowGP: false)
                looLinear.append(lin.intercept + lin.slope * s[i])
                let offset = keep.map { y[$0] - s[$0] }.reduce(0, +) / Double(keep.count)
                looOffset.append(s[i] + offset)
            }
        }
        if !loo.isEmpty {
            metrics.append(
                Self.metric(
                    name: "leave-one-out, shipped method (surrogate + linear calibration + GP residual)",
                    predicted: loo, actual: y, note: "hyperparameters re-selected in every fold"))
            if hasTeacher {
                metrics.append(
                    Self.metric(name: "leave-one-out, surrogate + constant offset only", predicted: looOffset, actual: y, note: nil))
                metrics.append(
                    Self.metric(name: "leave-one-out, surrogate + linear calibration, no GP", predicted: looLinear, actual: y, note: nil))
            }
            let inside = zip(zip(loo, looStd), y).filter { abs($0.0.0 - $0.1) <= $0.0.1 }.count
            metrics.append(
                .init(
                    name: KernelModelFile.Metric.coverageName, count: loo.count,
                    mae: Double(inside) / Double(loo.count), maxError: 0, kendallTau: nil,
                    note: "mae field holds the fraction of nets within one predicted stddev (0.68 expected for a calibrated Gaussian)"))
        }
        return (loo, looStd)
    }

    // MARK: - Surrogate

    struct SurrogateFit {
        var file: KernelModelFile.Surrogate
        var holdout: KernelModelFile.Metric
        var selection: String
    }
}
