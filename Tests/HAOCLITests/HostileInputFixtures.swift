import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Damaged, hostile and special files for the hostile-input suite, made once per test run in a
/// temporary folder from the shipped files (each with one defect), so that every case names a
/// file it can reason about.
enum HostileFixtures {
    /// The folder; `$F` in a case's arguments stands for it.
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hao-hostile-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        build(in: url)
        return url
    }()

    private static func models(_ path: String) -> URL { HAOBinary.packageRoot.appendingPathComponent("Models/\(path)") }

    private static func json(_ path: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(contentsOf: models(path)))) as? [String: Any] ?? [:]
    }

    private static func write(_ folder: URL, _ name: String, _ text: String) {
        let url = folder.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8))
    }

    private static func write(_ folder: URL, _ name: String, object: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        write(folder, name, String(decoding: data, as: UTF8.self))
    }

    /// `text` with the first occurrence of `old` replaced (for edits JSONSerialization cannot
    /// express: NaN, duplicate keys, numbers out of range).
    private static func replacingFirst(_ text: String, _ old: String, _ new: String) -> String {
        guard let range = text.range(of: old) else { return text }
        return text.replacingCharacters(in: range, with: new)
    }

    private static func build(in f: URL) {
        let fm = FileManager.default
        let device = (try? String(contentsOf: models("devices/xczu3eg_ultra96.json"), encoding: .utf8)) ?? "{}"
        let network = (try? String(contentsOf: models("networks/mnasnet_a1.json"), encoding: .utf8)) ?? "{}"
        let space = (try? String(contentsOf: models("spaces/ofa-mbv3-w4w8.json"), encoding: .utf8)) ?? "{}"
        write(f, "empty.json", "")
        write(f, "blank.json", "  \n\t\n")
        write(f, "array.json", "[1, 2, 3]")
        write(f, "string.json", "\"mnasnet\"")
        write(f, "binary.json", String(decoding: (0..<200).map { UInt8(($0 * 37 + 11) % 256) }, as: UTF8.self))
        write(f, "deep.json", String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000))
        write(f, "trunc.json", String(network.prefix(network.count / 2)))
        write(f, "net_nan.json", replacingFirst(network, "\"resolution\": 224", "\"resolution\": NaN"))
        write(f, "net_dup.json", replacingFirst(network, "{", "{\"resolution\": 1000, "))
        write(f, "net_huge.json", replacingFirst(network, "\"resolution\": 224", "\"resolution\": 1e400"))
        write(f, "net_comment.json", "// my network\n" + network)
        write(f, "dev_nan.json", replacingFirst(device, "\"clock_mhz\"", "\"clock_mhz\": NaN, \"x_clock\""))
        write(f, "dev_dup.json", replacingFirst(device, "\"dsp\"", "\"dsp\": 1, \"dsp\""))
        write(f, "dev_neg.json", replacingFirst(device, "\"dsp\": ", "\"dsp\": -"))
        write(f, "dev_trailing.json", replacingFirst(device, "}", ",}"))
        write(f, "space_dup.json", replacingFirst(space, "{", "{\"name\": \"x\", "))
        write(f, "space_nan.json", replacingFirst(space, "\"channel_divisor\": 8", "\"channel_divisor\": NaN"))
        var spaceObject = json("spaces/ofa-mbv3-w4w8.json")
        spaceObject["kernel_choices"] = [3, 5, 70]
        write(f, "space_kernel.json", object: spaceObject)
        spaceObject = json("spaces/ofa-mbv3-w4w8.json")
        spaceObject.removeValue(forKey: "stages")
        write(f, "space_nostages.json", object: spaceObject)

        // Predictors: one defect each.
        let predictor = json("predictors/ofa-mbv3-w4w8-kernel.json")
        func predictorVariant(_ name: String, _ edit: (inout [String: Any]) -> Void) {
            var p = predictor
            edit(&p)
            write(f, name, object: p)
        }
        predictorVariant("p_intercept.json") { p in
            var c = p["calibration"] as! [String: Any]
            c["intercept"] = 1e308
            p["calibration"] = c
        }
        predictorVariant("p_intercept_neg.json") { p in
            var c = p["calibration"] as! [String: Any]
            c["intercept"] = -5000.0
            p["calibration"] = c
        }
        predictorVariant("p_nosurrogate.json") { p in p.removeValue(forKey: "surrogate") }
        predictorVariant("p_alpha.json") { p in
            var s = p["surrogate"] as! [String: Any]
            var a = s["alpha"] as! [Double]
            a[3] += 2
            s["alpha"] = a
            p["surrogate"] = s
        }
        predictorVariant("p_mean.json") { p in
            var s = p["surrogate"] as! [String: Any]
            s["mean"] = 500.0
            p["surrogate"] = s
        }
        predictorVariant("p_lengthscale.json") { p in
            var s = p["surrogate"] as! [String: Any]
            s["length_scale_squared"] = -1.0
            p["surrogate"] = s
        }
        predictorVariant("p_noformat.json") { p in p.removeValue(forKey: "format") }
        predictorVariant("p_badformat.json") { p in p["format"] = "hao-accuracy-kernel-v9" }
        predictorVariant("p_nocalibration.json") { p in p.removeValue(forKey: "calibration") }
        predictorVariant("p_noquant.json") { p in p.removeValue(forKey: "quantization") }
        predictorVariant("p_invcov.json") { p in
            var c = p["calibration"] as! [String: Any]
            var m = c["inverse_covariance"] as! [[Double]]
            m[4][7] = 4_294_967_297
            c["inverse_covariance"] = m
            p["calibration"] = c
        }
        predictorVariant("p_pointres.json") { p in
            var c = p["calibration"] as! [String: Any]
            var points = c["points"] as! [[String: Any]]
            points[13]["resolution"] = -1.0
            c["points"] = points
            p["calibration"] = c
        }
        predictorVariant("p_mae.json") { p in
            var v = p["validation"] as! [[String: Any]]
            v[0]["mae"] = 1e308
            p["validation"] = v
        }
        let predictorText = String(
            decoding: (try? Data(contentsOf: models("predictors/ofa-mbv3-w4w8-kernel.json"))) ?? Data(), as: UTF8.self)
        write(f, "p_dup.json", replacingFirst(predictorText, "{", "{\"name\": \"other\", "))
        write(f, "p_nan.json", replacingFirst(predictorText, "\"intercept\":", "\"intercept\": NaN, \"x\":"))
        let zeros = "[" + Array(repeating: "0", count: 128).joined(separator: ",") + "]"
        write(
            f, "mlp_huge.json",
            "{\"format\":\"dense-mlp-v1\",\"input_dim\":128,\"layers\":[{\"weight\":[\(zeros)],\"bias\":[1e400],\"activation\":\"none\"}]}")
        write(
            f, "mlp_shape.json",
            "{\"format\":\"dense-mlp-v1\",\"input_dim\":128,\"layers\":[{\"weight\":[[1,2]],\"bias\":[0],\"activation\":\"none\"}]}")

        // Architecture points and sensitivity files.
        let point =
            "{\"depths\": [2,2,2,2,2], \"kernels\": [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], \"expand_ratios\": [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3], \"bits\": [8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8], \"resolution\": 224}"
        write(f, "point.json", point)
        write(f, "point_dup.json", replacingFirst(point, "{", "{\"resolution\": 160, "))
        write(f, "point_nan.json", replacingFirst(point, "\"resolution\": 224", "\"resolution\": NaN"))
        write(f, "point_kernel.json", replacingFirst(point, "\"kernels\": [3", "\"kernels\": [9"))
        write(f, "point_short.json", replacingFirst(point, "[2,2,2,2,2]", "[2,2]"))
        write(f, "sens_dup.json", "{\"format\": \"hao-sensitivity-v1\", \"format\": \"x\", \"slot_penalties_4bit\": []}")
        write(f, "sens_short.json", "{\"format\": \"hao-sensitivity-v1\", \"slot_penalties_4bit\": [1, 2]}")
        write(f, "sens_nan.csv", "block,penalty_4bit\n0,nan\n")
        write(
            f, "sens_huge.json",
            "{\"format\": \"hao-sensitivity-v1\", \"slot_penalties_4bit\": [" + Array(repeating: "9.2e18", count: 20).joined(separator: ",")
                + "]}")
        write(f, "net_top1.json", replacingFirst(network, "\"top1\": ", "\"top1\": -1e308, \"x\": "))
        write(f, "sens_text.csv", "hello world\n")

        // CSV and LP files.
        write(f, "bad.csv", "a,b,c\n1,2,3\n")
        write(f, "empty.lp", "")
        write(f, "garbage.lp", "Maximize\n obj: 3 x +\nSubject Tx\n")
        write(f, "big.lp", "Minimize\n obj: x + y\nSubject To\n c: 1e308 x + y >= 1\nEnd\n")
        write(f, "tiny.lp", "Minimize\n obj: x + y\nSubject To\n c: 1e-300 x + y >= 1\nEnd\n")
        write(f, "bigobj.lp", "Minimize\n obj: 1e200 x + y\nSubject To\n c: x + y >= 1\nEnd\n")
        write(f, "noext", "something\n")
        write(f, "garbage.mps", "NAME x\nROWS\n Q bogus\n")
        write(f, "garbage.onnx", "this is not protobuf")

        // Frontier files for export.
        write(f, "frontier_nan.json", "{\"format\": NaN}")
        write(f, "frontier_other.json", "{\"format\": \"something-else\", \"frontier\": []}")
        write(f, "frontier_dup.json", "{\"format\": \"x\", \"format\": \"y\"}")

        // Folders: empty, models folders with one bad file, checkpoints with defects.
        try? fm.createDirectory(at: f.appendingPathComponent("emptydir"), withIntermediateDirectories: true)
        try? fm.createDirectory(at: f.appendingPathComponent("models_nonets/networks"), withIntermediateDirectories: true)
        try? fm.createDirectory(at: f.appendingPathComponent("models_nodevices/devices"), withIntermediateDirectories: true)
        write(f, "models_baddevice/devices/xczu3eg_ultra96.json", replacingFirst(device, "\"dsp\"", "\"dsp\": 1, \"dsp\""))
        write(f, "models_nandevice/devices/xczu3eg_ultra96.json", replacingFirst(device, "\"clock_mhz\"", "\"clock_mhz\": NaN, \"x\""))
        write(f, "models_badnet/networks/broken.json", "{\"name\": ")
        write(f, "models_top1/networks/mnasnet_a1.json", replacingFirst(network, "\"top1\": ", "\"top1\": -1e308, \"x\": "))
        try? fm.copyItem(at: models("devices"), to: f.appendingPathComponent("models_top1/devices"))
        try? fm.copyItem(at: models("devices"), to: f.appendingPathComponent("models_badnet/devices"))
        write(f, "ckpt_empty/checkpoint.json", "")
        write(f, "ckpt_nan/checkpoint.json", "{\"format\": NaN}")
        write(f, "ckpt_dup/checkpoint.json", "{\"format\": \"a\", \"format\": \"b\"}")
        write(f, "ckpt_array/checkpoint.json", "[]")
        write(f, "ckpt_wrongformat/checkpoint.json", "{\"format\": \"hao-search-checkpoint-v0\"}")
        try? fm.createDirectory(at: f.appendingPathComponent("ckpt_dir/checkpoint.json"), withIntermediateDirectories: true)
        write(f, "has_checkpoint/checkpoint.json", "{}")
        write(f, "has_frontier/frontier.json", "{}")
        write(f, "plain_file.txt", "not a folder\n")
        _ = mkfifo(f.appendingPathComponent("fifo").path, 0o600)
    }
}
