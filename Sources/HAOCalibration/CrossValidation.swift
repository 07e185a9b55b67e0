import Crypto
import Foundation

/// Group k-fold cross-validation folds: a measurement's fold is the SHA-1 digest of its group key,
/// read as a big-endian integer, modulo k. Measurements of one workload (repeated rows, duplicate
/// architectures) share a group and so a fold: a model is never tested on a workload it was fitted
/// on. Deterministic, independent of row order, and the same assignment as the project's DPU
/// latency study used, so figures are comparable.
public enum CrossValidationFolds {
    /// The fold of `group` among `k`.
    public static func fold(of group: String, folds k: Int) -> Int {
        var remainder = 0
        for byte in Insecure.SHA1.hash(data: Data(group.utf8)) { remainder = (remainder * 256 + Int(byte)) % k }
        return remainder
    }

    /// The fold of every group.
    public static func folds(of groups: [String], folds k: Int) -> [Int] { groups.map { fold(of: $0, folds: k) } }
}

/// A SHA-256 fingerprint of measurement files: the digest of each file's bytes, in order,
/// digested again (hex).
public enum MeasurementFingerprint {
    /// The fingerprint of `files`' contents.
    public static func of(_ files: [URL]) throws(CalibrationError) -> String {
        var outer = SHA256()
        for url in files {
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw .badFile(file: url.path, line: nil, reason: "cannot read it (\(error.localizedDescription))")
            }
            outer.update(data: Data(SHA256.hash(data: data)))
        }
        return outer.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
