import Foundation
import HAOHardware
import HAOPredictor

/// What a co-design search was asked to do; stored in its checkpoint so `--resume` continues the
/// same search (same device, space, constraints and caps) even if the shipped files change.
public struct SearchMeta: Sendable, Codable, Hashable {
    public var device: Device
    public var space: SearchSpace
    /// The predictor model file and its name.
    public var predictorPath: String
    public var predictorName: String
    public var constraints: SearchConstraints
    public var cap: UtilisationCap
    public var solver: AcceleratorSolverChoice
    /// Generations asked for (a resume may raise it).
    public var generations: Int
    public var mutationRate: Double
    /// How block bit widths are chosen (checkpoints written before this option read as `.evolve`).
    public var bitsMode: BitsMode
    /// Crossover and mutation operators (checkpoints written before this option read as
    /// `.categorical`, the only operators there were, so their resume stays exact).
    public var variation: VariationOperators
    /// Whether the user accepted a predictor that ignores bit widths (a dense MLP without a
    /// quantization part) for a space with mixed bit choices (`--allow-bit-blind-predictor`).
    public var allowsBitBlindPredictor: Bool

    public init(device: Device, space: SearchSpace, predictorPath: String, predictorName: String, constraints: SearchConstraints,
                cap: UtilisationCap, solver: AcceleratorSolverChoice, generations: Int, mutationRate: Double, bitsMode: BitsMode = .evolve,
                allowsBitBlindPredictor: Bool = false, variation: VariationOperators = .default) {
        self.bitsMode = bitsMode
        self.variation = variation
        self.allowsBitBlindPredictor = allowsBitBlindPredictor
        self.device = device
        self.space = space
        self.predictorPath = predictorPath
        self.predictorName = predictorName
        self.constraints = constraints
        self.cap = cap
        self.solver = solver
        self.generations = generations
        self.mutationRate = mutationRate
    }

    enum CodingKeys: String, CodingKey {
        case device, space, constraints, cap, solver, generations
        case predictorPath = "predictor_path", predictorName = "predictor_name", mutationRate = "mutation_rate"
        case bitsMode = "bits_mode", allowsBitBlindPredictor = "allows_bit_blind_predictor"
        case variation
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decode(Device.self, forKey: .device)
        space = try c.decode(SearchSpace.self, forKey: .space)
        predictorPath = try c.decode(String.self, forKey: .predictorPath)
        predictorName = try c.decode(String.self, forKey: .predictorName)
        constraints = try c.decode(SearchConstraints.self, forKey: .constraints)
        cap = try c.decode(UtilisationCap.self, forKey: .cap)
        solver = try c.decode(AcceleratorSolverChoice.self, forKey: .solver)
        generations = try c.decode(Int.self, forKey: .generations)
        mutationRate = try c.decode(Double.self, forKey: .mutationRate)
        bitsMode = try c.decodeIfPresent(BitsMode.self, forKey: .bitsMode) ?? .evolve
        allowsBitBlindPredictor = try c.decodeIfPresent(Bool.self, forKey: .allowsBitBlindPredictor) ?? false
        variation = try c.decodeIfPresent(VariationOperators.self, forKey: .variation) ?? .categorical
        // A checkpoint is a user-editable file: hold its device and cap to the same rules as
        // the catalogue's, since the cost model's arithmetic relies on them.
        do { try device.validate() } catch {
            throw DecodingError.dataCorruptedError(forKey: .device, in: c, debugDescription: error.description)
        }
        do { try cap.validate() } catch {
            throw DecodingError.dataCorruptedError(forKey: .cap, in: c, debugDescription: error.description)
        }
        do { try space.validate() } catch {
            throw DecodingError.dataCorruptedError(forKey: .space, in: c, debugDescription: "\(error)")
        }
    }
}

extension SearchMeta {
    /// Whether the space leaves bit widths to choose: more than one bit choice per block.
    /// With a single choice every candidate has the same policy, so a predictor that ignores bit
    /// widths still ranks candidates correctly (only its absolute top-1 is full precision).
    public var hasMixedBitChoices: Bool { Set(space.bitChoices).count > 1 }

    /// Refuses a predictor that ignores bit widths when bit widths are searched, unless the user
    /// accepted it: such a predictor scores a 4-bit block like an 8-bit one, so the search would
    /// push every block to 4 bits for free speed and report full-precision accuracy for it.
    public func checkPredictor(_ predictor: AccuracyPredictor, userAllows: Bool) throws {
        guard predictor.ignoresBitWidths, hasMixedBitChoices, !(allowsBitBlindPredictor || userAllows) else { return }
        throw SearchError.conflictingOptions("the predictor \(predictorName) (\(predictor.format)) has no quantization part, so it predicts every candidate at full precision and a 4-bit block would cost no accuracy; the search would favour 4 bits for free. Use a predictor with a quantization model (the default \(SearchMeta.defaultPredictorFile)), fix the widths with --bits uniform8 (or a space with a single bit choice), or accept it explicitly with --allow-bit-blind-predictor (the frontier's top-1 are then full-precision figures, recorded in frontier.json)")
    }

    /// The shipped predictor file name, for messages.
    public static let defaultPredictorFile = "Models/predictors/ofa-mbv3-w4w8-kernel.json"
}

/// The checkpoint of a co-design search.
public typealias CoDesignCheckpoint = Checkpoint<SearchMeta, ArchitecturePoint, CandidateMetrics>

/// What is wrong inside a structurally valid checkpoint (reported as a corrupted checkpoint).
struct CheckpointContentProblem: Error, CustomStringConvertible {
    var description: String
}

extension Checkpoint where Meta == SearchMeta, Genome == ArchitecturePoint, Payload == CandidateMetrics {
    /// Reads a co-design checkpoint and checks its contents against its own space and settings
    /// (see ``checkContents()``); any problem is a ``SearchError/corruptCheckpoint(path:detail:)``.
    public static func load(from url: URL) throws -> Self {
        try read(from: url, validate: { try $0.checkContents() })
    }

    /// Checks what the JSON structure cannot: every genome (population, evaluated candidates,
    /// archive) is a point of the checkpoint's space, the memo and archive hold canonical points,
    /// every population member has a recorded evaluation, scored candidates carry the two finite
    /// objectives the search uses (-top-1, latency), and the generation count is within the run's.
    /// A hand-edited genome outside the space would otherwise resume and fail generations later.
    public func checkContents() throws {
        func fail(_ s: String) -> CheckpointContentProblem { CheckpointContentProblem(description: s) }
        let space = meta.space
        func canonical(_ p: ArchitecturePoint) -> ArchitecturePoint {
            var c = space.canonical(p)
            if meta.bitsMode == .optimal, let widest = space.bitChoices.max() { c.bits = c.bits.map { _ in widest } }
            return c
        }
        func checkPoint(_ p: ArchitecturePoint, _ label: String) throws {
            do { try space.check(p) } catch { throw fail("\(label) is outside the space '\(space.name)': \(error)") }
        }
        func checkOutcome(_ o: Outcome<CandidateMetrics>, _ label: String) throws {
            switch o {
            case .infeasible(let reason, let violation):
                guard violation.isFinite, violation >= 0 else { throw fail("\(label): violation \(violation) is not a finite non-negative number (\(reason))") }
            case .feasible(let objectives, let m):
                guard objectives.count == 2, objectives.allSatisfy(\.isFinite), m.top1.isFinite, m.latencyMs.isFinite, m.latencyMs > 0 else {
                    throw fail("\(label): a scored candidate needs 2 finite objectives and a positive latency, found objectives \(objectives), latency \(m.latencyMs) ms")
                }
                guard objectives[0] == -m.top1, objectives[1] == m.latencyMs else {
                    throw fail("\(label): objectives \(objectives) disagree with its top-1 \(m.top1) and latency \(m.latencyMs) ms")
                }
                if let bits = m.bits {
                    guard bits.count == ArchitecturePoint.slotCount, bits.allSatisfy(space.bitChoices.contains) else {
                        throw fail("\(label): chosen bit widths \(bits) are not \(ArchitecturePoint.slotCount) values of \(space.bitChoices)")
                    }
                }
            }
        }
        guard state.generation <= meta.generations else {
            throw fail("generation \(state.generation) is past the \(meta.generations) generations the run asked for")
        }
        for (i, entry) in state.evaluated.enumerated() {
            try checkPoint(entry.genome, "evaluated candidate \(i)")
            guard canonical(entry.genome) == entry.genome else { throw fail("evaluated candidate \(i) is not in canonical form (inactive slots must hold the first choices)") }
            try checkOutcome(entry.outcome, "evaluated candidate \(i)")
        }
        for (i, member) in state.population.enumerated() {
            try checkPoint(member.genome, "population member \(i)")
            guard state.cached(canonical(member.genome)) != nil else { throw fail("population member \(i) has no recorded evaluation") }
            try checkOutcome(member.outcome, "population member \(i)")
        }
        for (i, member) in state.archive.members.enumerated() {
            try checkPoint(member.genome, "archive member \(i)")
            guard member.outcome.isFeasible else { throw fail("archive member \(i) is infeasible; the archive holds feasible points only") }
            try checkOutcome(member.outcome, "archive member \(i)")
        }
        let objectives = state.archive.members.map { $0.outcome.objectives! }
        for (i, a) in objectives.enumerated() {
            for (j, b) in objectives.enumerated() where i != j && (Pareto.dominates(b, a) || (a == b && j < i)) {
                throw fail("archive member \(i) is dominated by (or equal to) member \(j); the archive holds non-dominated points only")
            }
        }
    }
}

extension CoDesignProblem {
    /// The frontier of a finished (or interrupted) search, as deployable points.
    public func frontier(of state: SearchState<ArchitecturePoint, CandidateMetrics>) throws -> [FrontierPoint] {
        try state.archive.members.map { member in
            // With optimal bit allocation the genome's bit genes are unused; the widths chosen are in the metrics.
            var point = member.genome
            if let bits = member.outcome.payload!.bits { point.bits = bits }
            return FrontierPoint(point: point, network: try space.network(for: point), metrics: member.outcome.payload!)
        }.sorted { $0.metrics.fps < $1.metrics.fps }
    }

    /// The smallest network of the space: the fewest and narrowest blocks at the lowest bit width
    /// and resolution. If it misses the constraints, no network of the space is likely to meet them.
    public var smallestPoint: ArchitecturePoint {
        let n = ArchitecturePoint.slotCount
        return space.canonical(ArchitecturePoint(
            depths: [Int](repeating: space.depthChoices.min()!, count: ArchitecturePoint.stageCount),
            kernels: [Int](repeating: space.kernelChoices.min()!, count: n),
            expandRatios: [Int](repeating: space.expandChoices.min()!, count: n),
            bits: [Int](repeating: space.bitChoices.min()!, count: n),
            resolution: space.resolutionChoices.min()!))
    }

    /// Fails fast, with figures, when even the smallest network misses the constraints: one
    /// evaluation (one solve) before any search. Resource caps are checked as well as latency
    /// limits: if the smallest network at the lowest bit widths has no accelerator configuration
    /// within the caps, the solver's diagnosis is reported (a search would otherwise run every
    /// generation and end with "no feasible network found").
    public func checkConstraintsArePossible() throws {
        let point = smallestPoint
        let verdict = try evaluator.evaluate(point).result
        switch judge(verdict) {
        case .feasible: return
        case .infeasible(let reason, _):
            let what: String
            if case .infeasible = verdict {
                what = "has no accelerator configuration within the device and caps"
            } else {
                what = "misses the latency limit"
            }
            throw SearchError.impossibleConstraints("the smallest network of the space (\(SearchSpace.label(point)), lowest bit widths) \(what): \(reason)")
        }
    }
}
