import ArgumentParser
import Foundation
import HAONetwork
import HAOPredictor
import HAOSupport

/// `hao predictor ...`: train and inspect accuracy predictors.
struct PredictorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictor",
        abstract: "Train accuracy predictors.",
        subcommands: [Train.self]
    )

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train a kernel accuracy model from data files (deterministic for a seed).",
            discussion: """
                Data files are recognised by name and header:
                  a dense-mlp-v1 JSON teacher (the released once-for-all predictor),
                  ofa_specialized.csv (fine-tuned networks with real ImageNet top-1),
                  mobilenet_quant_acc.csv and tfslim_mobilenet_v1_v2.csv (the
                  quantization penalty), hawqv3_model_zoo.csv and
                  mpnas201_bitwidth_acc.csv (quantization checks),
                  and user CSVs with the header
                    name,resolution,depths,kernels,expand_ratios,bits,top1
                  where depths has 5 dash-separated entries, kernels, expand_ratios
                  and bits list the active blocks only (e.g. 3-5-7), bits may be
                  empty (8 bits) and top1 is in percent.
                Example (reproduces the shipped model; about 17 s of CPU in a release
                build, measured on a shared 2-core machine):
                  hao predictor train \\
                    --data <data>/ofa_predictor/acc_predictor_mlp.json \\
                      <data>/ofa_specialized.csv \\
                      <data>/tfslim_mobilenet_v1_v2.csv \\
                      <data>/hawqv3_model_zoo.csv \\
                      <data>/mpnas201_bitwidth_acc.csv \\
                      <data>/mobilenet_quant_acc.csv \\
                    --out Models/predictors/ofa-mbv3-w4w8-kernel.json --seed 2021
                where <data> is the folder of the project's public data set (its
                README gives provenance); these files are not shipped with hao.
                """
        )

        @Option(name: .long, parsing: .upToNextOption, help: "Data files (see the discussion).")
        var data: [String]

        @Option(name: .long, help: "Output model file.")
        var out: String

        @Option(name: .long, parsing: .unconditional, help: "Random seed.")
        var seed: UInt64 = TrainingOptions().seed

        @Option(name: .long, help: "Search space file (default: Models/spaces/ofa-mbv3-w4w8.json).")
        var space: String?

        @Option(name: .long, parsing: .unconditional, help: "Teacher-labelled samples.")
        var teacherSamples: Int = TrainingOptions().teacherSamples

        @Option(name: .long, parsing: .unconditional, help: "Support points of the surrogate.")
        var supportPoints: Int = TrainingOptions().supportPoints

        @Option(name: .long, parsing: .unconditional, help: "Held-out teacher samples for hyperparameter choice.")
        var holdoutSamples: Int = TrainingOptions().holdoutSamples

        @Option(name: .long, help: "Model name recorded in the file.")
        var name: String = TrainingOptions().name

        @Option(name: .long, help: "Models directory (default: located automatically).")
        var modelsDir: String?

        @Flag(name: .long, help: "Print the quantization calibration details and leave-one-out predictions.")
        var verbose = false

        func validate() throws {
            // The samples are held in memory and the support matrix is m x m doubles: beyond these
            // sizes (3.2 GB at 20,000 support points) a request is a typo that would exhaust memory.
            for (option, value, limit) in [
                ("--teacher-samples", teacherSamples, 1_000_000), ("--holdout-samples", holdoutSamples, 1_000_000),
                ("--support-points", supportPoints, 20_000),
            ] where !(1...limit).contains(value) {
                throw ValidationError(
                    "\(option) must be in 1...\(limit.formatted(.number.grouping(.automatic))) (the samples are held in memory; at most 1,000,000 teacher and holdout samples and 20,000 support points), got \(value)"
                )
            }
            if data.isEmpty { throw ValidationError("give at least one --data file") }
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
            // Refuse an output path that cannot be written before minutes of training, not after.
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--out \(out): the folder \(folder) does not exist")
            }
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationError("--out \(out) is a directory; give a file name")
            }
        }

        func run() throws {
            let searchSpace = try loadSpace(space, modelsDir: modelsDir)
            var options = TrainingOptions()
            options.seed = seed
            options.teacherSamples = teacherSamples
            options.supportPoints = supportPoints
            options.holdoutSamples = holdoutSamples
            options.name = name
            let trainer = PredictorTrainer(space: searchSpace, options: options)
            let (model, report) = try trainer.train(files: data.map { URL(fileURLWithPath: $0) })
            try model.write(to: URL(fileURLWithPath: out))
            try emit(
                "wrote \(out) (\(model.format), \(model.training.realNetworks) labelled nets, \(model.training.supportPoints) support points, seed \(seed))"
            )
            for w in report.warnings { printError("warning: \(w)") }
            for m in model.validation {
                if m.isCoverage {
                    try emit(
                        String(
                            format: "  %@: n=%d, %.0f%% within one predicted stddev (68%% if calibrated)",
                            m.name, m.count, 100 * m.mae))
                    continue
                }
                let tau = m.kendallTau.map { String(format: ", Kendall tau %.3f", $0) } ?? ""
                try emit(String(format: "  %@: n=%d, MAE %.3f, max %.3f", m.name, m.count, m.mae, m.maxError) + tau)
            }
            if verbose {
                for line in report.quantizationNotes { try emit(line) }
                for e in report.excluded { try emit("excluded: \(e)") }
                for (i, net) in report.realNetworks.enumerated() where i < report.leaveOneOut.count {
                    try emit(
                        String(
                            format: "  LOO %@ r%d: real %.1f, predicted %.2f +- %.2f", net.name, net.point.resolution,
                            net.top1, report.leaveOneOut[i], report.leaveOneOutStd[i]))
                }
            }
        }
    }
}

/// Loads a search space from an explicit path or the models directory's default.
func loadSpace(_ path: String?, modelsDir: String?) throws -> SearchSpace {
    if let path { return try SearchSpace(contentsOf: URL(fileURLWithPath: path)) }
    let dir = try ModelsDirectory.locate(explicit: modelsDir)
    return try SearchSpace(contentsOf: dir.spaces.appendingPathComponent("ofa-mbv3-w4w8.json"))
}
