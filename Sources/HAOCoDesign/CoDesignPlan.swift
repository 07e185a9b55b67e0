import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor
import HAOSolver
import HAOSupport

/// A request resolved against the files: a fresh search's settings from the catalogue, the space
/// and the predictor, or a resumed search's from its checkpoint (with the options that may change
/// on resume applied, and any that would change what the search is refused).
public struct CoDesignPlan: Sendable {
    /// What the search is asked to do (stored in its checkpoint).
    public var meta: SearchMeta
    /// The NSGA-II settings.
    public var settings: NSGA2Settings
    /// The output folder.
    public var folder: URL
    /// Whether this continues a checkpoint.
    public var isResume: Bool
    /// Evaluation threads.
    public var threads: Int
    /// The models folder, when one was found (for the baselines).
    public var models: ModelsDirectory?
    /// The request it was made from.
    public var request: CoDesignRequest
    /// The claim on the output folder, held while the plan is alive (see ``SearchFolderLock``).
    public var lock: SearchFolderLock?

    /// The checkpoint file of the folder.
    public var checkpointURL: URL { folder.appendingPathComponent("checkpoint.json") }
    /// The memo journal beside it.
    public var journalURL: URL {
        folder.appendingPathComponent(CheckpointStore<SearchMeta, ArchitecturePoint, CandidateMetrics<Int>>.journalName)
    }
    /// Least time between two checkpoint snapshots that are not forced (the last generation and
    /// an interrupt always write one). The memo journal is appended every generation.
    public var checkpointInterval: Duration = CoDesignDefaults.checkpointInterval

    /// Resolves `request`: reads the catalogue, space, predictor or checkpoint, checks the output
    /// folder is writable and, for a fresh search, that it holds no search unless `overwrite`.
    public static func make(_ request: CoDesignRequest) throws -> CoDesignPlan {
        try request.validate()
        let folder = request.folder
        let models = try? ModelsDirectory.locate(explicit: request.modelsDirectory)
        var meta: SearchMeta
        let settings: NSGA2Settings
        let lock: SearchFolderLock
        if request.resume != nil {
            lock = try prepareFolder(folder, request: request)
            let saved = try CheckpointHeader.read(from: folder.appendingPathComponent(SearchFolder.checkpoint))
            try saved.checkConsistent(with: request)
            meta = saved.meta
            if let recorded = meta.fingerprint {
                let differences = recorded.differences(from: try SearchFingerprint.make(meta, calibration: meta.calibration), meta: meta)
                if !differences.isEmpty {
                    throw CoDesignError.checkpointMismatch(
                        differences.joined(separator: "; ")
                            + ". Resuming would mix two scorings in one frontier; start afresh with 'hao search --out \(folder.path) --overwrite' (or restore the files the search started with)"
                    )
                }
            }
            if let generations = request.generations { meta.generations = generations }
            if let solver = request.solver { meta.solver = solver }
            settings = saved.settings
        } else {
            // Settings and files are checked before the folder is touched: a refused run
            // creates no folder and holds no lock.
            meta = try freshMeta(request, models: models)
            meta.fingerprint = try SearchFingerprint.make(meta, calibration: meta.calibration)
            try SearchLimits.check(population: request.population ?? CoDesignDefaults.population, generations: meta.generations)
            lock = try prepareFolder(folder, request: request)
            // A long co-design run keeps no history of scores (memory stays bounded, see NSGA2Settings).
            settings = NSGA2Settings(
                populationSize: request.population ?? CoDesignDefaults.population,
                seed: request.seed ?? CoDesignDefaults.seed, keepsHistory: false)
        }
        try SearchLimits.check(population: settings.populationSize, generations: meta.generations)
        let threads = request.threads ?? ProcessInfo.processInfo.activeProcessorCount
        return CoDesignPlan(
            meta: meta, settings: settings, folder: folder, isResume: request.resume != nil, threads: threads,
            models: models, request: request, lock: lock)
    }

    /// The meta of a fresh search: the device from the catalogue, the space (narrowed to one width
    /// for a uniform policy) and the predictor.
    static func freshMeta(_ request: CoDesignRequest, models: ModelsDirectory?) throws -> SearchMeta {
        func need() throws -> ModelsDirectory { try models ?? ModelsDirectory.locate(explicit: request.modelsDirectory) }
        let catalogue = try DeviceCatalogue.load(models: try need())
        let device = try catalogue.resolve(request.device ?? CoDesignDefaults.device)
        let spaceURL = try request.space ?? need().spaces.appendingPathComponent(CoDesignDefaults.spaceFile)
        var space = try SearchSpace(contentsOf: spaceURL)
        let target = request.target ?? HardwareTargets.standard.id
        guard let targetType = HardwareTargets.named(target.rawValue) else {
            throw SearchError.invalidSetting("unknown target '\(target)'; known targets: \(HardwareTargets.names.joined(separator: ", "))")
        }
        var bits = request.bits
        if let widths = targetType.supportedBitWidths, let restriction = targetType.bitWidthRestriction {
            // A target with fixed widths (the DPU: int8) searches at them: a uniform policy by
            // default; a policy that would choose other widths is refused.
            let usable = space.bitChoices.filter(widths.contains)
            switch bits {
            case .uniform(let w) where !widths.contains(w):
                throw SearchError.invalidSetting("--bits uniform\(w): \(restriction)")
            case .mode(.optimal):
                throw SearchError.invalidSetting(
                    "--bits optimal: \(restriction), so there are no widths to choose; use --bits uniform\(widths.max()!)")
            case nil, .mode(.evolve):
                guard usable.count == 1 else {
                    throw SearchError.invalidSetting(
                        "\(restriction), and the space \(space.name) allows \(space.bitChoices); use --bits uniform<width> with one of \(usable)"
                    )
                }
                bits = .uniform(usable[0])
            default: break
            }
        }
        if let width = bits?.uniformWidth {
            // A uniform policy is a space with one bit choice: the checkpoint holds it, the
            // genes cannot leave it, and the headline compares like with like.
            guard space.bitChoices.contains(width) else {
                throw SearchError.invalidSetting(
                    "--bits uniform\(width): the space \(space.name) allows bit widths \(space.bitChoices) only")
            }
            space.bitChoices = [width]
            space.name += "-uniform\(width)"
        }
        let predictorURL = try request.predictor ?? need().predictors.appendingPathComponent(CoDesignDefaults.predictorFile)
        let model = try AccuracyPredictor(contentsOf: predictorURL)
        return SearchMeta(
            target: target, device: device, space: space, predictorPath: predictorURL.standardizedFileURL.path,
            predictorName: model.modelName, constraints: request.constraints, cap: request.cap ?? .standard,
            solver: request.solver ?? .auto, generations: request.generations ?? CoDesignDefaults.generations,
            mutationRate: CoDesignDefaults.mutationRate, bitsMode: bits?.mode ?? .evolve,
            allowsBitBlindPredictor: request.allowBitBlindPredictor, calibration: request.calibration,
            variation: request.variation ?? .default)
    }

    /// Claims the folder for this run before anything in it is read or written: creates it (a
    /// fresh search), takes its lock, removes temp files killed runs left, refuses a folder that
    /// holds another search's outputs (unless `--overwrite`, which removes them now, so the old
    /// frontier never sits beside the new checkpoint), and proves it is writable.
    static func prepareFolder(_ folder: URL, request: CoDesignRequest) throws -> SearchFolderLock {
        if request.resume != nil {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SearchError.corruptCheckpoint(
                    path: folder.appendingPathComponent(SearchFolder.checkpoint).path,
                    detail: "cannot read it (\(folder.path) is not a folder of a search)")
            }
        } else {
            try SearchFolder.create(folder)
        }
        let lock = try SearchFolderLock.acquire(folder)
        SearchFolder.removeStaleTemporaryFiles(in: folder)
        if request.resume == nil {
            let existing = SearchFolder.existingOutputs(in: folder)
            if !existing.isEmpty && !request.overwrite {
                let what =
                    existing.contains(SearchFolder.checkpoint)
                    ? "a search checkpoint" : "the outputs of an earlier search (\(existing.joined(separator: ", ")))"
                throw CoDesignError.conflictingOptions(
                    "\(folder.path) already holds \(what); continue it with --resume \(folder.path), replace it with --overwrite, or choose another --out"
                )
            }
            if request.overwrite { try SearchFolder.removeOutputs(in: folder) }
        }
        let probe = folder.appendingPathComponent(".write-probe")
        do { try AtomicFile.write(Data("probe\n".utf8), to: probe) } catch {
            throw SearchError.unwritableOutput(path: folder.path, detail: error.detail)
        }
        unlink(probe.path)
        return lock
    }

    /// What to do with the checkpoint a failed run leaves behind.
    public static func howToProceed(folder: URL, generation: Int) -> String {
        "The checkpoint of generation \(generation) is kept in \(folder.path): continue with 'hao search --resume \(folder.path) --generations N', or start afresh there with --overwrite."
    }
}

/// The part of a checkpoint that says what the search is, read before its target (and so the
/// type of its configurations) is known.
struct CheckpointHeader: Decodable {
    var format: String
    var meta: SearchMeta
    var settings: NSGA2Settings
    var state: StateHeader

    struct StateHeader: Decodable { var generation: Int }

    static func read(from url: URL) throws -> CheckpointHeader {
        let header: CheckpointHeader
        do { header = try JSONFile.load(CheckpointHeader.self, from: url, source: "the checkpoint") } catch {
            switch error {
            case .fileNotFound: throw SearchError.corruptCheckpoint(path: url.path, detail: "cannot read it (no such file)")
            case .unreadable(_, let reason): throw SearchError.corruptCheckpoint(path: url.path, detail: "cannot read it (\(reason))")
            default: throw SearchError.corruptCheckpoint(path: url.path, detail: "not a valid checkpoint (\(error.reason))")
            }
        }
        return header
    }

    /// A resumed search keeps what defines it; an option that would change it is a conflict.
    func checkConsistent(with request: CoDesignRequest) throws {
        let m = meta
        var conflicts: [String] = []
        if let seed = request.seed, seed != settings.seed { conflicts.append("--seed \(seed) (checkpoint: \(settings.seed))") }
        if let population = request.population, population != settings.populationSize {
            conflicts.append("--population \(population) (checkpoint: \(settings.populationSize))")
        }
        let c = request.constraints
        if let minFps = c.minFps, minFps != m.constraints.minFps {
            conflicts.append("--min-fps \(minFps) (checkpoint: \(m.constraints.minFps.map { "\($0)" } ?? "none"))")
        }
        if let maxLatencyMs = c.maxLatencyMs, maxLatencyMs != m.constraints.maxLatencyMs {
            conflicts.append("--max-latency-ms \(maxLatencyMs) (checkpoint: \(m.constraints.maxLatencyMs.map { "\($0)" } ?? "none"))")
        }
        if let target = request.target, target != m.target { conflicts.append("--target \(target) (checkpoint: \(m.target))") }
        if let device = request.device, !m.device.names.contains(device.lowercased()) {
            conflicts.append("--device \(device) (checkpoint: \(m.device.part))")
        }
        if request.space != nil { conflicts.append("--space (the checkpoint holds its space)") }
        if let predictor = request.predictor, predictor.standardizedFileURL.path != m.predictorPath {
            conflicts.append("--predictor \(predictor.path) (checkpoint: \(m.predictorPath))")
        }
        if let bits = request.bits {
            let checkpointUniform = m.space.bitChoices.count == 1 ? m.space.bitChoices.first : nil
            if bits.mode != m.bitsMode || (bits.uniformWidth != nil && bits.uniformWidth != checkpointUniform) {
                conflicts.append("--bits \(bits) (checkpoint: \(checkpointUniform.map { "uniform\($0)" } ?? m.bitsMode.rawValue))")
            }
        }
        if let variation = request.variation, variation != m.variation {
            conflicts.append("--variation \(variation.name) (checkpoint: \(m.variation.name))")
        }
        if let cap = request.cap, cap != m.cap { conflicts.append("--cap (checkpoint has another cap)") }
        if let calibration = request.calibration, calibration != m.calibration {
            conflicts.append("--calibration \(calibration.name) (checkpoint: \(m.calibration?.name ?? "uncalibrated"))")
        }
        if let generations = request.generations, generations < state.generation {
            conflicts.append("--generations \(generations) is below the \(state.generation) generations already done")
        }
        if !conflicts.isEmpty {
            throw CoDesignError.conflictingOptions(
                "resuming a search keeps its settings; these differ: " + conflicts.joined(separator: "; "))
        }
    }
}
