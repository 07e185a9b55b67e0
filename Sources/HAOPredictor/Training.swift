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

    // MARK: - Data readers

    /// Width-1.0 once-for-all MobileNetV3 rows whose block pattern fits the space.
    func fineTuned(_ t: CSVTable) throws -> ([LabelledNetwork], [String]) {
        let cName = try t.column("name")
        let cSpace = try t.column("space")
        let cTop1 = try t.column("top1")
        let cRes = try t.column("resolution")
        let cDepths = try t.column("stage_depths")
        let cKs = try t.column("ks")
        let cEx = try t.column("expand")
        let cSE = try t.column("use_se")
        let cFirst = try t.column("first_conv_out")
        var nets: [LabelledNetwork] = []
        var excluded: [String] = []
        for row in t.rows {
            let name = try row.string(cName)
            guard try row.string(cSpace) == "MobileNetV3" else {
                excluded.append("\(name): ProxylessNAS space, not MobileNetV3")
                continue
            }
            guard try row.int(cFirst) == space.stem.outChannels else {
                excluded.append("\(name): width multiplier 1.2 (stem \(try row.int(cFirst)) channels), outside the width-1.0 space")
                continue
            }
            let depths = try row.intList(cDepths)
            let ks = try row.intList(cKs)
            let ex = try row.intList(cEx)
            let se = try row.intList(cSE)
            let point = try activeListsToPoint(
                depths: depths, kernels: ks, expands: ex, bits: nil,
                resolution: try row.int(cRes), file: t.file, line: row.line)
            var slotIndex = 0
            for (s, d) in depths.enumerated() {
                for _ in 0..<d {
                    if (se[slotIndex] != 0) != space.stages[s].squeezeExcite {
                        throw PredictorError.badData(
                            file: t.file, line: row.line, reason: "\(name): squeeze-excite pattern differs from the space's stage \(s + 1)")
                    }
                    slotIndex += 1
                }
            }
            nets.append(.init(name: name, point: point, top1: try row.double(cTop1), source: "ofa_specialized.csv"))
        }
        return (nets, excluded)
    }

    /// Builds a point from per-active-block lists; inactive slots take the space's first choices.
    func activeListsToPoint(
        depths: [Int], kernels: [Int], expands: [Int], bits: [Int]?, resolution: Int,
        file: String, line: Int
    ) throws -> ArchitecturePoint {
        func bad(_ s: String) -> PredictorError { .badData(file: file, line: line, reason: s) }
        guard depths.count == ArchitecturePoint.stageCount else { throw bad("\(depths.count) stage depths, expected 5") }
        let n = depths.reduce(0, +)
        guard kernels.count == n, expands.count == n, bits.map({ $0.count == n }) ?? true else {
            throw bad("depths sum to \(n) blocks but kernels/expand/bits list \(kernels.count)/\(expands.count)/\(bits?.count ?? n)")
        }
        guard let lo = space.resolutionChoices.min(), let hi = space.resolutionChoices.max(), (lo...hi).contains(resolution) else {
            throw bad("resolution \(resolution) outside \(space.resolutionChoices.min() ?? 0)...\(space.resolutionChoices.max() ?? 0)")
        }
        var p = ArchitecturePoint(
            depths: depths,
            kernels: .init(repeating: space.kernelChoices[0], count: 20),
            expandRatios: .init(repeating: space.expandChoices[0], count: 20),
            bits: .init(repeating: space.bitChoices[0], count: 20), resolution: space.resolutionChoices[0])
        var i = 0
        for (s, d) in depths.enumerated() where d <= ArchitecturePoint.slotsPerStage {
            for j in 0..<d {
                let slot = s * ArchitecturePoint.slotsPerStage + j
                p.kernels[slot] = kernels[i]
                p.expandRatios[slot] = expands[i]
                p.bits[slot] = bits?[i] ?? 8
                i += 1
            }
        }
        do { try space.check(p) } catch let e as SearchSpaceError { throw bad("\(e)") }
        p.resolution = resolution
        return p
    }

    /// The columns a user label CSV may have.
    static let userColumns = ["name", "resolution", "depths", "kernels", "expand_ratios", "bits", "top1"]

    /// ``userRows(_:file:quantization:)`` plus checks on the file as a whole: unknown columns and
    /// over-long rows are refused (a misspelt or extra column would otherwise be dropped silently);
    /// top-1 given as fractions is refused when every value is at most 1 (no real ImageNet
    /// classifier is below 1%: chance is 0.1%), and warned about when only some are.
    func userRowsChecked(_ t: CSVTable, file: String, quantization: QuantizationModel) throws
        -> (rows: [LabelledNetwork], warnings: [String])
    {
        let unknown = t.header.filter { !Self.userColumns.contains($0) }
        guard unknown.isEmpty else {
            throw PredictorError.badData(
                file: file, line: 1,
                reason:
                    "unknown column\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); a user label CSV has \(Self.userColumns.joined(separator: ",")) (bits and name optional)"
            )
        }
        if let dup = t.header.first(where: { h in t.header.filter { $0 == h }.count > 1 }) {
            throw PredictorError.badData(file: file, line: 1, reason: "column '\(dup)' appears twice")
        }
        for row in t.rows where row.fields.count > t.header.count {
            throw PredictorError.badData(
                file: file, line: row.line, reason: "\(row.fields.count) fields but the header has \(t.header.count) columns")
        }
        let rows = try userRows(t, file: file, quantization: quantization)
        let cT = try t.column("top1")
        let small = try t.rows.filter { try $0.double(cT) <= 1.0 }
        if !small.isEmpty && small.count == t.rows.count {
            throw PredictorError.badData(
                file: file, line: t.rows[0].line,
                reason:
                    "every top1 is at most 1.0 (e.g. \(try t.rows[0].string(cT))): these look like fractions; give top1 in percent (77.0, not 0.77)"
            )
        }
        let warnings = try small.map { row in
            "\(file):\(row.line): top1 \(try row.string(cT)) looks like a fraction among percent values; it was used as \(try row.string(cT))%"
        }
        return (rows, warnings)
    }

    func userRows(_ t: CSVTable, file: String, quantization: QuantizationModel) throws -> [LabelledNetwork] {
        let cRes = try t.column("resolution")
        let cD = try t.column("depths")
        let cK = try t.column("kernels")
        let cE = try t.column("expand_ratios")
        let cT = try t.column("top1")
        let cB = t.header.firstIndex(of: "bits")
        let cN = t.header.firstIndex(of: "name")
        guard !t.rows.isEmpty else { throw PredictorError.badData(file: file, line: 2, reason: "no data rows") }
        return try t.rows.map { row in
            let p = try activeListsToPoint(
                depths: try row.intList(cD), kernels: try row.intList(cK),
                expands: try row.intList(cE),
                // An empty bits cell means all-8-bit, like a missing column (docs, --help).
                bits: try cB.flatMap { row.isBlank($0) ? nil : try row.intList($0) },
                resolution: try row.int(cRes), file: file, line: row.line)
            let top1 = try row.double(cT)
            guard (0...100).contains(top1) else {
                throw PredictorError.badData(file: file, line: row.line, reason: "top1 \(top1) not a percentage")
            }
            // Measured on a quantized net: add back the modelled penalty to get a full-precision label.
            let name = try cN.map { try row.string($0) } ?? "\(URL(fileURLWithPath: file).lastPathComponent):\(row.line)"
            return LabelledNetwork(name: name, point: p, top1: top1 + quantization.penalty(p).points, source: file)
        }
    }

    // MARK: - Surrogate

    struct SurrogateFit {
        var file: KernelModelFile.Surrogate
        var holdout: KernelModelFile.Metric
        var selection: String
    }
}
