import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor
import HAOSupport

/// What a search's results depend on beyond its settings, recorded in its checkpoint when it
/// starts and checked when it resumes: a resumed run must score new candidates exactly as the
/// archive's were scored, or the frontier mixes two models.
///
/// Each part is an FNV-1a 64 digest (a change detector, not a security measure) of: the space
/// and the device as the checkpoint holds them (an edit of the checkpoint shows), the target and
/// its cost model's version, the calibration profile, and the predictor file's bytes (the file
/// is read again on resume).
public struct SearchFingerprint: Sendable, Codable, Hashable {
    /// FNV-1a 64 digest (16 hex digits) of the search space as the checkpoint holds it (canonical sorted-key JSON).
    public var space: String
    /// FNV-1a 64 digest (16 hex digits) of the device as the checkpoint holds it (canonical sorted-key JSON).
    public var device: String
    /// The target and its cost model version in plain text, e.g. "subgraph cost model 1" (not a digest).
    public var target: String
    /// FNV-1a 64 digest of the calibration profile, or "none" when the search uses none.
    public var calibration: String
    /// FNV-1a 64 digest of the predictor file's bytes, read from ``SearchMeta/predictorPath``.
    public var predictor: String

    /// The fingerprint of `meta`'s search with the predictor file's current bytes.
    public static func make(_ meta: SearchMeta, calibration: CalibrationProfile? = nil) throws -> SearchFingerprint {
        let predictorBytes: Data
        do { predictorBytes = try InputFile.read(URL(fileURLWithPath: meta.predictorPath)) } catch {
            throw CoDesignError.checkpointMismatch("cannot read the predictor \(meta.predictorPath) the search uses: \(error.reason)")
        }
        let targetType = HardwareTargets.named(meta.target.rawValue)
        return SearchFingerprint(
            space: try digest(of: meta.space), device: try digest(of: meta.device),
            target: "\(meta.target) cost model \(targetType?.costModelVersion ?? "unknown")",
            calibration: try calibration.map { try digest(of: $0) } ?? "none",
            predictor: fnv1a64(predictorBytes))
    }

    /// The parts that differ from `current`, in words, with what each difference means.
    public func differences(from current: SearchFingerprint, meta: SearchMeta) -> [String] {
        var found: [String] = []
        if space != current.space { found.append("the checkpoint's search space was edited after the search started") }
        if device != current.device { found.append("the checkpoint's device was edited after the search started") }
        if target != current.target { found.append("the target's cost model changed (checkpoint: \(target); this hao: \(current.target))") }
        if calibration != current.calibration { found.append("the calibration profile differs from the one the search started with") }
        if predictor != current.predictor {
            found.append(
                "the predictor file \(meta.predictorPath) changed since the search started (digest \(predictor), now \(current.predictor))")
        }
        return found
    }

    /// The digest of a value's canonical JSON (sorted keys), after one decode-encode round so
    /// that a value read back from a checkpoint digests like the one written.
    static func digest<T: Codable>(of value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let once = try encoder.encode(value)
        let again = try encoder.encode(try JSONDecoder().decode(T.self, from: once))
        return fnv1a64(again)
    }

    /// FNV-1a, 64 bits, as 16 hex digits.
    static func fnv1a64(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension CoDesignSession {
    /// Re-evaluates a seeded sample of the archive and compares with what the checkpoint says:
    /// a checkpoint whose metrics do not match its networks (an edited space or configuration, a
    /// predictor or cost model that changed in a way the fingerprint cannot see) is refused.
    func checkArchiveSample<E>(_ state: State, problem: CoDesignProblem<E>, sampleSize: Int = 4) throws
    where E.Configuration == Target.Configuration {
        let members = state.archive.members
        guard !members.isEmpty else { return }
        var rng = SplitMix64(seed: plan.settings.seed ^ UInt64(truncatingIfNeeded: state.generation) ^ 0x5EED_C0DE)
        var indices = Array(members.indices)
        for i in indices.indices.reversed() { indices.swapAt(i, rng.nextIndex(i + 1)) }
        for index in indices.prefix(sampleSize) {
            let member = members[index]
            guard let saved = member.outcome.payload else { continue }
            let fresh: CandidateMetrics<Target.Configuration>?
            do { fresh = try problem.evaluate(member.genome).outcome.payload } catch {
                throw mismatch("re-evaluating archive member \(index) failed: \(error)")
            }
            guard let fresh else { throw mismatch("archive member \(index) is feasible in the checkpoint but not when evaluated again") }
            func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }
            guard close(fresh.top1, saved.top1), close(fresh.latencyMs, saved.latencyMs) else {
                throw mismatch(
                    String(
                        format:
                            "archive member %d has top-1 %.4f%% and latency %.4f ms in the checkpoint, but %.4f%% and %.4f ms when evaluated again",
                        index, saved.top1, saved.latencyMs, fresh.top1, fresh.latencyMs))
            }
        }
    }

    func mismatch(_ detail: String) -> CoDesignError {
        CoDesignError.checkpointMismatch(
            "\(detail). Resuming would mix two scorings in one frontier; start afresh with 'hao search --out \(plan.folder.path) --overwrite' (or restore the files the search started with)"
        )
    }
}
