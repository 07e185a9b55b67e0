import Foundation
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import HAOSupport

/// The real evaluator: the accuracy predictor for top-1, and a hardware target's exact
/// configuration problem for the optimal accelerator configuration and its latency.
public struct HardwareAwareEvaluator<Target: HardwareTarget>: CandidateEvaluator {
    /// The search space the points belong to.
    public let space: SearchSpace
    /// The accuracy predictor.
    public let predictor: AccuracyPredictor
    /// The hardware target every network is mapped onto.
    public let target: Target
    /// The exact solver of each configuration problem.
    public let solver: any ExactSolver

    /// An evaluator of `space`'s points on `target`.
    public init(space: SearchSpace, predictor: AccuracyPredictor, target: Target, solver: any ExactSolver) {
        self.space = space
        self.predictor = predictor
        self.target = target
        self.solver = solver
    }

    /// Predicts the point's top-1, builds its network and solves the target's configuration problem.
    /// Returns an infeasible verdict when no configuration fits the device; throws ``SearchError/evaluationFailed(candidate:message:)``
    /// when the predictor gives a top-1 outside -100...100 or a negative or non-finite deviation (a damaged model),
    /// and rethrows network and solver errors.
    public func evaluate(_ point: ArchitecturePoint) throws -> Evaluation<Target.Configuration> {
        let clock = ContinuousClock()
        let start = clock.now
        let prediction = predictor.predict(point)
        // Load-time checks cover the model's own networks; this covers every other point, so a
        // damaged model stops the search instead of writing top-1 = 1e308 into the frontier.
        guard prediction.top1.isFinite, (-100...100).contains(prediction.top1), prediction.stddev.map({ $0.isFinite && $0 >= 0 }) ?? true else {
            throw SearchError.evaluationFailed(candidate: "\(point)", message: "the predictor \(predictor.modelName) gives top-1 \(prediction.top1)% (stddev \(prediction.stddev.map { "\($0)" } ?? "none")), not a percentage: the model file is damaged or does not fit this space")
        }
        let predicted = clock.now
        let network = try space.network(for: point)
        let solution = try target.solve(network, using: solver)
        let solved = clock.now
        let predictorSeconds = (predicted - start).seconds, solverSeconds = (solved - predicted).seconds
        guard solution.status == .optimal, let report = solution.report else {
            return Evaluation(.infeasible(reason: solution.diagnosis ?? "no accelerator configuration fits \(target.device.part)", violation: 0),
                              predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
        }
        let metrics = CandidateMetrics(top1: prediction.top1, top1StdDev: prediction.stddev, latencyMs: report.latencyMs,
                                       configuration: report.configuration, resources: report.totalResources,
                                       solver: solution.solver.rawValue)
        return Evaluation(.feasible(metrics), predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
    }

    /// Solves a shipped baseline with every block after the first at `bits` (the stem, the first
    /// block and the head stay at 8 bits, the policy the search space fixes), so it is compared
    /// with searched networks at the same bit-width policy.
    ///
    /// Its top-1 is the published full-precision figure minus the predictor's layer-kind quantization
    /// penalty for the network at these widths (`QuantizationModel.penalty(_:)`): an estimate,
    /// labelled as such in `top1Source`.
    public func baseline(_ network: Network, bits: Int) throws -> BaselinePoint<Target.Configuration> {
        var quantized = network
        for i in quantized.blocks.indices.dropFirst() { quantized.blocks[i].precision = .uniform(bits) }
        let q = predictor.quantization
        let penalty = q.penalty(quantized).points
        let top1 = network.reference?.top1.map { $0 - penalty }
        let source = String(format: "published float top-1 minus the predictor's quantization penalty (%.2f points, %@ regime, blocks after the first at %d bits)",
                            penalty, q.regime.rawValue, bits)
        let solution = try target.solve(quantized, using: solver)
        guard solution.status == .optimal, let report = solution.report else {
            return BaselinePoint(name: network.name, bits: bits, top1: top1, top1Source: source, latencyMs: nil,
                                 infeasibleReason: solution.diagnosis ?? "no accelerator configuration fits")
        }
        return BaselinePoint(name: network.name, bits: bits, top1: top1, top1Source: source, latencyMs: report.latencyMs,
                             configuration: report.configuration, resources: report.totalResources)
    }
}
