import Foundation
import HAOEvolution
import HAOHardware
import HAOPredictor
import HAOSolver

/// What a co-design search was asked to do; stored in its checkpoint so `--resume` continues the
/// same search (same device, space, constraints and caps) even if the shipped files change.
public struct SearchMeta: Sendable, Codable, Hashable {
    /// The hardware target (checkpoints written before targets existed read as "subgraph").
    public var target: TargetID
    /// The device.
    public var device: Device
    /// The search space.
    public var space: SearchSpace
    /// The predictor model file and its name.
    public var predictorPath: String
    /// The predictor's model name (``AccuracyPredictor/modelName``), for reports (JSON key `predictor_name`).
    public var predictorName: String
    /// The user's constraints.
    public var constraints: SearchConstraints
    /// The utilisation cap.
    public var cap: UtilisationCap
    /// The solver choice.
    public var solver: SolverChoice
    /// Generations asked for (a resume may raise it).
    public var generations: Int
    /// Per-gene mutation probability.
    public var mutationRate: Double
    /// How block bit widths are chosen (checkpoints written before this option read as `.evolve`).
    public var bitsMode: BitsMode
    /// Crossover and mutation operators (checkpoints written before this option read as
    /// `.categorical`, the only operators there were, so their resume stays exact).
    public var variation: VariationOperators
    /// Whether the user accepted a predictor that ignores bit widths (a dense MLP without a
    /// quantization part) for a space with mixed bit choices (`--allow-bit-blind-predictor`).
    public var allowsBitBlindPredictor: Bool
    /// The calibration profile the latencies come from (nil: the target's uncalibrated model).
    /// Stored whole, so a resumed search uses the same constants even if the file changes.
    public var calibration: CalibrationProfile?
    /// What the results depend on, recorded when the search started (nil in checkpoints written
    /// before fingerprints existed); see ``SearchFingerprint``.
    public var fingerprint: SearchFingerprint?

    /// What a search is asked to do.
    public init(
        target: TargetID = SubgraphTarget.id, device: Device, space: SearchSpace, predictorPath: String, predictorName: String,
        constraints: SearchConstraints, cap: UtilisationCap, solver: SolverChoice, generations: Int, mutationRate: Double,
        bitsMode: BitsMode = .evolve, allowsBitBlindPredictor: Bool = false, calibration: CalibrationProfile? = nil,
        variation: VariationOperators = .default
    ) {
        self.target = target
        self.calibration = calibration
        self.variation = variation
        self.bitsMode = bitsMode
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
        case target, device, space, constraints, cap, solver, generations
        case predictorPath = "predictor_path"
        case predictorName = "predictor_name"
        case mutationRate = "mutation_rate"
        case bitsMode = "bits_mode"
        case allowsBitBlindPredictor = "allows_bit_blind_predictor"
        case calibration
        case variation
        case fingerprint
    }

    /// Decodes a checkpoint's request; fields added after the first format get their old meaning when absent (target
    /// `subgraph`, bits `evolve`, categorical operators, no bit-blind predictor, no fingerprint). Device, cap, space,
    /// constraints, mutation rate and generation count are validated; a failure is a decoding error.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        target = try c.decodeIfPresent(TargetID.self, forKey: .target) ?? SubgraphTarget.id
        device = try c.decode(Device.self, forKey: .device)
        space = try c.decode(SearchSpace.self, forKey: .space)
        predictorPath = try c.decode(String.self, forKey: .predictorPath)
        predictorName = try c.decode(String.self, forKey: .predictorName)
        constraints = try c.decode(SearchConstraints.self, forKey: .constraints)
        cap = try c.decode(UtilisationCap.self, forKey: .cap)
        solver = try c.decode(SolverChoice.self, forKey: .solver)
        generations = try c.decode(Int.self, forKey: .generations)
        mutationRate = try c.decode(Double.self, forKey: .mutationRate)
        bitsMode = try c.decodeIfPresent(BitsMode.self, forKey: .bitsMode) ?? .evolve
        allowsBitBlindPredictor = try c.decodeIfPresent(Bool.self, forKey: .allowsBitBlindPredictor) ?? false
        calibration = try c.decodeIfPresent(CalibrationProfile.self, forKey: .calibration)
        variation = try c.decodeIfPresent(VariationOperators.self, forKey: .variation) ?? .categorical
        fingerprint = try c.decodeIfPresent(SearchFingerprint.self, forKey: .fingerprint)
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
        do { try constraints.validate() } catch {
            throw DecodingError.dataCorruptedError(forKey: .constraints, in: c, debugDescription: "\(error)")
        }
        guard mutationRate.isFinite, mutationRate > 0, mutationRate <= 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .mutationRate, in: c, debugDescription: "mutation_rate \(mutationRate) is not in (0, 1], the range a search accepts"
            )
        }
        do { try SearchLimits.check(population: 2, generations: generations) } catch {
            throw DecodingError.dataCorruptedError(forKey: .generations, in: c, debugDescription: "\(error)")
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
        throw CoDesignError.conflictingOptions(
            "the predictor \(predictorName) (\(predictor.format)) has no quantization part, so it predicts every candidate at full precision and a 4-bit block would cost no accuracy; the search would favour 4 bits for free. Use a predictor with a quantization model (the default \(SearchMeta.defaultPredictorFile)), fix the widths with --bits uniform8 (or a space with a single bit choice), or accept it explicitly with --allow-bit-blind-predictor (the frontier's top-1 are then full-precision figures, recorded in frontier.json)"
        )
    }

    /// The shipped predictor file name, for messages.
    public static let defaultPredictorFile = "Models/predictors/ofa-mbv3-w4w8-kernel.json"
}

extension SearchMeta {
    /// The settings of the run's hardware target: its device, cap and calibration, the one place
    /// a search (in process or ask/tell) makes its target from.
    public var targetSettings: TargetSettings { TargetSettings(device: device, cap: cap, calibration: calibration) }
}
