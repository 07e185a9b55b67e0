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

    /// The checkpoint file of the folder.
    public var checkpointURL: URL { folder.appendingPathComponent("checkpoint.json") }
    /// The memo journal beside it.
    public var journalURL: URL { folder.appendingPathComponent(CheckpointStore<SearchMeta, ArchitecturePoint, CandidateMetrics<Int>>.journalName) }
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
        if let resume = request.resume {
            let saved = try CheckpointHeader.read(from: resume.appendingPathComponent("checkpoint.json"))
            try prepareFolder(folder, request: request)
            try saved.checkConsistent(with: request)
            meta = saved.meta
            if let generations = request.generations { meta.generations = generations }
            if let solver = request.solver { meta.solver = solver }
            settings = saved.settings
        } else {
            try prepareFolder(folder, request: request)
            meta = try freshMeta(request, models: models)
            // A long co-design run keeps no history of scores (memory stays bounded, see NSGA2Settings).
            settings = NSGA2Settings(populationSize: request.population ?? CoDesignDefaults.population,
                                     seed: request.seed ?? CoDesignDefaults.seed, keepsHistory: false)
        }
        let threads = request.threads ?? ProcessInfo.processInfo.activeProcessorCount
        return CoDesignPlan(meta: meta, settings: settings, folder: folder, isResume: request.resume != nil, threads: threads,
                            models: models, request: request)
    }

    /// The meta of a fresh search: the device from the catalogue, the space (narrowed to one width
    /// for a uniform policy) and the predictor.
    static func freshMeta(_ request: CoDesignRequest, models: ModelsDirectory?) throws -> SearchMeta {
        func need() throws -> ModelsDirectory { try models ?? ModelsDirectory.locate(explicit: request.modelsDirectory) }
        let catalogue = try DeviceCatalogue.load(models: try need())
        let device = try catalogue.resolve(request.device ?? CoDesignDefaults.device)
        let spaceURL = try request.space ?? need().spaces.appendingPathComponent(CoDesignDefaults.spaceFile)
        var space = try SearchSpace(contentsOf: spaceURL)
        if let width = request.bits?.uniformWidth {
            // A uniform policy is a space with one bit choice: the checkpoint holds it, the
            // genes cannot leave it, and the headline compares like with like.
            guard space.bitChoices.contains(width) else {
                throw SearchError.invalidSetting("--bits uniform\(width): the space \(space.name) allows bit widths \(space.bitChoices) only")
            }
            space.bitChoices = [width]
            space.name += "-uniform\(width)"
        }
        let predictorURL = try request.predictor ?? need().predictors.appendingPathComponent(CoDesignDefaults.predictorFile)
        let model = try AccuracyPredictor(contentsOf: predictorURL)
        let target = request.target ?? HardwareTargets.standard.id
        guard HardwareTargets.named(target.rawValue) != nil else {
            throw SearchError.invalidSetting("unknown target '\(target)'; known targets: \(HardwareTargets.names.joined(separator: ", "))")
        }
        return SearchMeta(target: target, device: device, space: space, predictorPath: predictorURL.standardizedFileURL.path,
                          predictorName: model.modelName, constraints: request.constraints, cap: request.cap ?? .standard,
                          solver: request.solver ?? .auto, generations: request.generations ?? CoDesignDefaults.generations,
                          mutationRate: CoDesignDefaults.mutationRate, bitsMode: request.bits?.mode ?? .evolve,
                          allowsBitBlindPredictor: request.allowBitBlindPredictor, variation: request.variation ?? .default)
    }

    /// Creates the folder and proves it is writable before any work is done.
    static func prepareFolder(_ folder: URL, request: CoDesignRequest) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw SearchError.unwritableOutput(path: folder.path, detail: error.localizedDescription)
        }
        if request.resume == nil && !request.overwrite && fm.fileExists(atPath: folder.appendingPathComponent("checkpoint.json").path) {
            throw CoDesignError.conflictingOptions("\(folder.path) already holds a search checkpoint; continue it with --resume \(folder.path), replace it with --overwrite, or choose another --out")
        }
        let probe = folder.appendingPathComponent(".write-probe")
        do { try AtomicFile.write(Data("probe\n".utf8), to: probe) } catch {
            throw SearchError.unwritableOutput(path: error.path, detail: error.detail)
        }
        try? fm.removeItem(at: probe)
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
        if let device = request.device, !m.device.names.contains(device.lowercased()) { conflicts.append("--device \(device) (checkpoint: \(m.device.part))") }
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
        if let generations = request.generations, generations < state.generation {
            conflicts.append("--generations \(generations) is below the \(state.generation) generations already done")
        }
        if !conflicts.isEmpty {
            throw CoDesignError.conflictingOptions("resuming a search keeps its settings; these differ: " + conflicts.joined(separator: "; "))
        }
    }
}
