import Foundation
import Testing

/// One hostile input: the arguments (`$F` is ``HostileFixtures/folder``, `$T` a fresh temporary
/// path) and a fragment the one-line error must contain.
struct HostileCase: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var fragment: String

    init(_ arguments: String, _ fragment: String) {
        self.arguments = arguments.split(separator: " ").map(String.init)
        self.fragment = fragment
    }

    init(arguments: [String], _ fragment: String) {
        self.arguments = arguments
        self.fragment = fragment
    }

    var testDescription: String { arguments.joined(separator: " ") }
}

/// Every subcommand fed bad input: each run must end within its time limit, with a status
/// between 1 and 127 (no trap, no signal), and one line on standard error that starts with
/// "Error: ", names what is wrong, and shows no Foundation error domain or GLPK internals.
@Suite("Hostile input: one clear line, never a crash or a hang")
struct HostileInputTests {
    static let search = "search --generations 1 --population 4 --no-baselines --out $T"

    static let cases: [HostileCase] =
        solve + verify + baselinesAndDevices + quantize + predict + train + searchCases
        + benchmark + lp + interchange + general

    static let solve: [HostileCase] = [
        .init("solve /dev/null", "it is a character device, not a file"),
        .init("solve $F/empty.json", "the file is empty"),
        .init("solve $F/blank.json", "holds only blanks"),
        .init("solve $F", "it is a directory"),
        .init("solve /dev/zero", "it is a character device"),
        .init("solve $F/no-such-file.json", "no-such-file"),
        .init("solve $F/fifo", "the file is empty"),
        .init("solve $F/net_nan.json", "NaN is not a JSON number"),
        .init("solve $F/net_dup.json", "duplicate key 'resolution'"),
        .init("solve $F/net_huge.json", "is too large"),
        .init("solve $F/net_comment.json", "comments are not allowed"),
        .init("solve $F/trunc.json", "line"),
        .init("solve $F/deep.json", "nested deeper than"),
        .init("solve $F/binary.json", "not valid JSON"),
        .init("solve $F/array.json", "expected"),
        .init("solve $F/string.json", "expected"),
        .init("solve mnasnet_a1 --device $F/empty.json", "the file is empty"),
        .init("solve mnasnet_a1 --device $F/dev_nan.json", "NaN is not a JSON number"),
        .init("solve mnasnet_a1 --device $F/dev_dup.json", "duplicate key 'dsp' in 'resources'"),
        .init("solve mnasnet_a1 --device $F/dev_neg.json", "dsp"),
        .init("solve mnasnet_a1 --device $F/dev_trailing.json", "trailing comma"),
        .init("solve mnasnet_a1 --device $F", "directory"),
        .init("solve mnasnet_a1 --device /dev/zero", "character device"),
        .init("solve mnasnet_a1 --device nosuchboard", "nosuchboard"),
        .init("solve mnasnet_a1 --cap 2", "cap"),
        .init("solve mnasnet_a1 --cap -1", "cap"),
        .init("solve mnasnet_a1 --cap nan", "cap"),
        .init("solve mnasnet_a1 --cap lut=abc", "lut"),
        .init("solve mnasnet_a1 --cap bogus=0.5", "bogus"),
        .init("solve mnasnet_a1 --bits 3", "weight_bits: 3 is not supported"),
        .init("solve mnasnet_a1 --bits -1", "-1"),
        .init("solve mnasnet_a1 --bits 0", "0"),
        .init("solve mnasnet_a1 --bits 99999999999999999999", "99999999999999999999"),
        .init("solve mnasnet_a1 --target-fps -1", "-1"),
        .init("solve mnasnet_a1 --target-fps nan", "nan"),
        .init("solve mnasnet_a1 --target-fps 0", "0"),
        .init("solve mnasnet_a1 --target bogus", "unknown target 'bogus'"),
        .init("solve mnasnet_a1 --solver bogus", "bogus"),
        .init("solve mnasnet_a1 --export-mps $F", "it is a directory"),
        .init("solve mnasnet_a1 --export-mps /nonexistent/dir/x.mps", "does not exist"),
        .init("solve mnasnet_a1 --export-lp $F/fifo", "nobody reads"),
        .init("solve mnasnet_a1 --export-lp $F/plain_file.txt/x.lp", "a part of its path is not a folder"),
        .init("solve mnasnet_a1 --models-dir /nonexistent", "/nonexistent"),
        .init("solve mnasnet_a1 --models-dir $F/emptydir", "not a models directory"),
        .init("solve", "Missing expected argument"),
        .init("solve mnasnet_a1 extra", "Unexpected argument 'extra'"),
        .init("solve mnasnet_a1 --no-such-option", "no-such-option"),
    ]

    static let verify: [HostileCase] = [
        .init("verify mnasnet_a1 --max-enumeration -1", "--max-enumeration must be in 0...1000000000"),
        .init("verify mnasnet_a1 --max-enumeration 99999999999", "--max-enumeration must be in"),
        .init("verify mnasnet_a1 --max-enumeration abc", "abc"),
        .init("verify /dev/null", "it is a character device"),
        .init("verify $F/net_dup.json", "duplicate key"),
        .init("verify mnasnet_a1 --bits 5", "weight_bits: 5 is not supported"),
        .init("verify mnasnet_a1 --device $F/dev_nan.json", "NaN is not a JSON number"),
        .init("verify mnasnet_a1 --cap 0", "cap"),
        .init("verify mnasnet_a1 --target bogus", "unknown target"),
        .init("verify", "Missing expected argument"),
    ]

    static let baselinesAndDevices: [HostileCase] = [
        .init("baselines --device $F/empty.json", "the file is empty"),
        .init("baselines --device $F/dev_dup.json", "duplicate key"),
        .init("baselines --models-dir $F/models_nonets", "device directory not found"),
        .init("baselines --models-dir $F/models_badnet", "broken.json"),
        .init("baselines --cap 0", "cap"),
        .init("baselines --solver bogus", "bogus"),
        .init("baselines --target bogus", "unknown target"),
        .init("devices --models-dir /nonexistent", "/nonexistent"),
        .init("devices --models-dir $F/models_baddevice", "duplicate key 'dsp'"),
        .init("devices --models-dir $F/models_nandevice", "NaN is not a JSON number"),
        .init("devices --models-dir $F/models_nodevices", "devices"),
        .init("devices extra", "Unexpected argument"),
    ]

    static let quantize: [HostileCase] = [
        .init("quantize mnasnet_a1", "give a target"),
        .init("quantize mnasnet_a1 --target-fps -1", "--target-fps must be a positive number"),
        .init("quantize mnasnet_a1 --target-fps 0", "--target-fps must be a positive number"),
        .init("quantize mnasnet_a1 --target-fps inf", "--target-fps must be a positive number"),
        .init("quantize mnasnet_a1 --max-size-mb nan", "--max-size-mb must be a positive number"),
        .init("quantize mnasnet_a1 --max-size-mb -3", "--max-size-mb must be a positive number"),
        .init("quantize mnasnet_a1 --target-fps 30 --max-size-mb 3", "give one target"),
        .init("quantize mnasnet_a1 --target-fps 30 --sensitivity /dev/null", "sensitivity"),
        .init("quantize mnasnet_a1 --target-fps 30 --sensitivity $F/sens_nan.csv", "sensitivity"),
        .init("quantize mnasnet_a1 --target-fps 30 --sensitivity $F/sens_text.csv", "sensitivity"),
        .init("quantize mnasnet_a1 --target-fps 30 --sensitivity $F", "directory"),
        .init("quantize mnasnet_a1 --target-fps 30 --predictor $F/p_intercept.json", "outside 0...100"),
        .init("quantize mnasnet_a1 --target-fps 30 --predictor $F/p_nosurrogate.json", "'surrogate' section is missing"),
        .init("quantize mnasnet_a1 --target-fps 30 --predictor $F/p_dup.json", "duplicate key 'name'"),
        .init("quantize mnasnet_a1 --target-fps 30 --space $F/empty.json", "the file is empty"),
        .init("quantize mnasnet_a1 --target-fps 30 --space $F/space_dup.json", "duplicate key 'name'"),
        .init("quantize mnasnet_a1 --target-fps 30 --regime bogus", "bogus"),
        .init("quantize /dev/zero --target-fps 30", "character device"),
        .init("quantize mnasnet_a1 --target-fps 30 --device $F/dev_trailing.json", "trailing comma"),
    ]

    static let predict: [HostileCase] = [
        .init("predict /dev/null", "it is a character device"),
        .init("predict $F", "directory"),
        .init("predict $F/point_nan.json", "NaN is not a JSON number"),
        .init("predict $F/point_dup.json", "duplicate key 'resolution'"),
        .init("predict $F/point_kernel.json", "9"),
        .init("predict $F/point_short.json", "depths"),
        .init("predict $F/point.json --model $F/p_intercept.json", "predicts 1e+308% top-1"),
        .init("predict $F/point.json --model $F/p_intercept_neg.json", "outside 0...100"),
        .init("predict $F/point.json --model $F/p_nosurrogate.json", "'surrogate' section is missing"),
        .init("predict $F/point.json --model $F/p_alpha.json", "the surrogate or calibration section was edited"),
        .init("predict $F/point.json --model $F/p_mean.json", "surrogate.mean 500.0 is not a top-1 percentage"),
        .init("predict $F/point.json --model $F/p_lengthscale.json", "surrogate"),
        .init("predict $F/point.json --model $F/p_noformat.json", "format"),
        .init("predict $F/point.json --model $F/p_badformat.json", "hao-accuracy-kernel-v9"),
        .init("predict $F/point.json --model $F/p_nocalibration.json", "calibration"),
        .init("predict $F/point.json --model $F/p_noquant.json", "quantization"),
        .init("predict $F/point.json --model $F/p_dup.json", "duplicate key 'name'"),
        .init("predict $F/point.json --model $F/p_nan.json", "NaN is not a JSON number"),
        .init("predict $F/point.json --model $F/mlp_huge.json", "is too large"),
        .init("predict $F/point.json --model $F/mlp_shape.json", "layer 0"),
        .init("predict $F/point.json --model /dev/null", "it is a character device"),
        .init("predict $F/point.json --model $F", "directory"),
        .init("predict $F/point.json --space $F/space_dup.json", "duplicate key 'name'"),
        .init("predict $F/point.json --space $F/space_nan.json", "NaN is not a JSON number"),
        .init("predict $F/point.json --space $F/space_kernel.json", "kernel_choices [3, 5, 70]"),
        .init("predict $F/point.json --space $F/space_nostages.json", "stages"),
        .init("predict $F/point.json --sensitivity $F/sens_dup.json", "duplicate key 'format'"),
        .init("predict $F/point.json --sensitivity $F/sens_short.json", "20"),
        .init("predict $F/point.json --regime bogus", "bogus"),
        .init("predict $F/point.json --model $F/p_invcov.json", "inverse_covariance is not symmetric"),
        .init("predict $F/point.json --model $F/p_pointres.json", "resolution -1.0 is outside 16...1024"),
        .init("predict $F/point.json --model $F/p_mae.json", "validation[0]"),
        .init("predict $F/point.json --sensitivity $F/sens_huge.json", "is above 100"),
        .init("verify $F/net_top1.json --max-enumeration 0", "reference, top1: -1e+308 is outside"),
        .init("baselines --models-dir $F/models_top1", "reference, top1"),
    ]

    static let train: [HostileCase] = [
        .init("predictor train --data x --out $T --teacher-samples -1", "--teacher-samples must be in 1...1,000,000"),
        .init("predictor train --data x --out $T --support-points 0", "--support-points must be in 1...20,000"),
        .init("predictor train --data x --out $T --holdout-samples 2000000", "--holdout-samples must be in 1...1,000,000"),
        .init("predictor train --data x --out /proc/x/m.json", "the folder /proc/x does not exist"),
        .init("predictor train --data x --out $F", "is a directory"),
        .init("predictor train --data $F --out $T", "directory"),
        .init("predictor train --data /dev/null --out $T", "/dev/null"),
        .init("predictor train --data $F/bad.csv --out $T", "bad.csv"),
        .init("predictor train --data $F/empty.json --out $T", "empty.json"),
        .init("predictor train --data x --out $T --name", "Missing value"),
        .init("predictor train --data x --out $T --seed -1", "-1"),
        .init("predictor train --out $T", "--data"),
        .init("predictor train --data x", "--out"),
        .init("predictor bogus", "bogus"),
    ]

    static let searchCases: [HostileCase] = [
        .init("search --generations -1 --out $T", "--generations must be at least 0"),
        .init("search --generations 1000000000 --out $T", "above the limit of 100000"),
        .init("search --generations 5000 --out $T", "above the limit of 400000"),
        .init("search --population 1 --out $T", "--population must be at least 2"),
        .init("search --population 1000000 --out $T", "above the limit"),
        .init("search --population abc --out $T", "abc"),
        .init("search --threads 0 --out $T", "--threads must be in 1...256"),
        .init("search --threads 1000 --out $T", "--threads must be in 1...256"),
        .init("search --min-fps -5 --out $T", "min-fps"),
        .init("search --min-fps nan --out $T", "min-fps"),
        .init("search --max-latency-ms 0 --out $T", "max-latency"),
        .init("search --seed -1 --out $T", "-1"),
        .init("search --bits bogus --out $T", "bogus"),
        .init(search + " --bits optimal", "give --min-fps or --max-latency-ms"),
        .init(search + " --space $F/empty.json", "the file is empty"),
        .init(search + " --space $F/space_dup.json", "duplicate key 'name'"),
        .init(search + " --space $F/space_kernel.json", "kernel_choices [3, 5, 70]"),
        .init(search + " --predictor $F/p_intercept.json", "outside 0...100"),
        .init(search + " --predictor $F/p_nosurrogate.json", "'surrogate' section is missing"),
        .init(search + " --predictor $F/p_alpha.json", "was edited"),
        .init(search + " --predictor /dev/null", "it is a character device"),
        .init(search + " --predictor $F", "directory"),
        .init(search + " --device $F/dev_nan.json", "NaN is not a JSON number"),
        .init(search + " --device $F/dev_dup.json", "duplicate key"),
        .init(search + " --cap bogus", "bogus"),
        .init(search + " --target bogus", "unknown target"),
        .init("search --resume $F/no-such-folder", "is not a folder of a search"),
        .init("search --resume $F/emptydir", "no such file"),
        .init("search --resume $F/ckpt_empty", "the file is empty"),
        .init("search --resume $F/ckpt_nan", "NaN is not a JSON number"),
        .init("search --resume $F/ckpt_dup", "duplicate key 'format'"),
        .init("search --resume $F/ckpt_array", "checkpoint"),
        .init("search --resume $F/ckpt_wrongformat", "checkpoint"),
        .init("search --resume $F/ckpt_dir", "directory"),
        .init("search --resume $F/plain_file.txt", "is not a folder of a search"),
        .init("search --resume $F/emptydir --overwrite", "--overwrite starts a new search"),
        .init("search --out $F/plain_file.txt", "not a folder"),
        .init("search --out /proc/hao-test/out", "/proc/hao-test/out"),
        .init("search --out $F/has_checkpoint --generations 1", "already holds a search checkpoint"),
        .init("search --out $F/has_frontier --generations 1", "already holds the outputs of an earlier search"),
        .init("search --out $T --resume $F/emptydir", "name different folders"),
        .init("search --allow-bit-blind-predictor --bogus", "bogus"),
    ]

    static let benchmark: [HostileCase] = [
        .init("search benchmark --data x --seeds 0", "--seeds must be in 1...1000"),
        .init("search benchmark --data x --seeds -3", "--seeds must be in 1...1000"),
        .init("search benchmark --data x --population 1", "--population must be in 2...6561"),
        .init("search benchmark --data x --budgets a,b", "--budgets must be a comma-separated list"),
        .init("search benchmark --data x --budgets 0", "--budgets must be a comma-separated list"),
        .init("search benchmark --data x --budgets 10,,20", "--budgets must be a comma-separated list"),
        .init("search benchmark --data /dev/null", "/dev/null"),
        .init("search benchmark --data $F", "directory"),
        .init("search benchmark --data $F/bad.csv", "bad.csv"),
        .init("search benchmark", "--data"),
        .init("search benchmark --data x --population 100000", "--population must be in 2...6561"),
    ]

    static let lp: [HostileCase] = [
        .init("lp /dev/null", "not a regular file"),
        .init("lp $F", "not a regular file"),
        .init("lp $F/empty.lp", "the file is empty"),
        .init("lp $F/garbage.lp", "not a valid CPLEX LP file"),
        .init("lp $F/garbage.mps", "not a valid MPS file"),
        .init("lp $F/big.lp", "non-zero coefficients must lie within"),
        .init("lp $F/tiny.lp", "non-zero coefficients must lie within"),
        .init("lp $F/bigobj.lp", "non-zero coefficients must lie within"),
        .init("lp $F/noext", "cannot tell whether this is an LP or an MPS file"),
        .init("lp $F/no-such.lp", "no such file"),
        .init("lp x.lp --time-limit -1", "--time-limit must be a positive number of seconds"),
        .init("lp x.lp --time-limit nan", "--time-limit must be a positive number of seconds"),
        .init("lp x.lp --time-limit 0", "--time-limit must be a positive number of seconds"),
        .init("lp x.lp --time-limit inf", "--time-limit must be a positive number of seconds"),
        .init("lp x.lp --relative-gap -1", "--relative-gap must be a finite number >= 0"),
        .init("lp x.lp --format bogus", "bogus"),
        .init("lp x.lp --time-limit 5 --no-time-limit", "not both"),
        .init("lp", "Missing expected argument"),
    ]

    static let interchange: [HostileCase] = [
        .init("import /dev/null", "/dev/null"),
        .init("import $F", "directory"),
        .init("import $F/garbage.onnx", "garbage.onnx"),
        .init("import $F/no-such.onnx", "no such file"),
        .init("import x.onnx --resolution -1", "--resolution -1 is outside 16...1024"),
        .init("import x.onnx --resolution 100000", "--resolution 100000 is outside 16...1024"),
        .init(arguments: ["import", "x.onnx", "--name", " "], "--name must not be empty"),
        .init("export mnasnet_a1 --format bogus", "bogus"),
        .init("export mnasnet_a1 --format onnx", "give --out FILE"),
        .init("export mnasnet_a1 --format json --out $F", "it is a directory"),
        .init("export mnasnet_a1 --format json --out /nonexistent/x.json", "does not exist"),
        .init("export mnasnet_a1 --format json --out $F/fifo", "nobody reads"),
        .init("export mnasnet_a1 --format json --weights random", "--weights and --seed apply to --format onnx only"),
        .init("export mnasnet_a1 --format onnx --out $T --seed -1", "-1"),
        .init("export $F/frontier_nan.json#0 --format json", "NaN is not a JSON number"),
        .init("export $F/frontier_other.json#0 --format json", "something-else"),
        .init("export $F/frontier_dup.json#0 --format json", "duplicate key 'format'"),
        .init("export /dev/null --format json", "it is a character device"),
        .init("export no_such_network --format json", "no_such_network"),
    ]

    static let general: [HostileCase] = [
        .init("bogus", "bogus"),
        .init("--bogus", "bogus"),
    ]

    @Test(arguments: cases)
    func refusedWithOneClearLine(_ hostile: HostileCase) throws {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("hao-hostile-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let arguments = hostile.arguments.map {
            $0.replacingOccurrences(of: "$F", with: HostileFixtures.folder.path).replacingOccurrences(of: "$T", with: temporary)
        }
        let result = try HAOBinary.run(arguments, timeout: 120)
        #expect(result.status >= 1 && result.status < 128, "status \(result.status): \(result.stderr.prefix(500))")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "\(lines.count) lines on stderr: \(result.stderr.prefix(800))")
        #expect(result.stderr.hasPrefix("Error: "), "\(result.stderr.prefix(500))")
        #expect(result.stderr.contains(hostile.fragment), "expected '\(hostile.fragment)' in: \(result.stderr.prefix(500))")
        for leak in ["Fatal error", "NSCocoaErrorDomain", "Error Domain=", "Error detected in file", "Backtrac"] {
            #expect(!result.stderr.contains(leak), "\(leak) in: \(result.stderr.prefix(500))")
        }
    }

    @Test func theSuiteCoversEverySubcommandWithAtLeast150Cases() {
        #expect(Self.cases.count >= 150, "\(Self.cases.count) cases")
        let commands = Set(Self.cases.compactMap(\.arguments.first))
        for command in ["solve", "verify", "baselines", "devices", "quantize", "predict", "predictor", "search", "lp", "import", "export"] {
            #expect(commands.contains(command), "no case for \(command)")
        }
    }
}
