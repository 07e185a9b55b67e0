import Foundation
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import HAOSupport

/// How the co-design search chooses block bit widths.
public enum BitsMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Bit widths are genes, evolved with the architecture.
    case evolve
    /// Every candidate architecture gets the bit widths of least predicted penalty that meet the
    /// search's latency limit, from the bit-allocation program (jointly with its accelerator).
    case optimal
}

/// Scores an architecture with its optimal bit widths for a latency limit: the predictor's
/// quantization penalties per block, the bit-allocation program (native exact solver by default),
/// and the fastest accelerator for the widths chosen. The genome's own bit genes are ignored.
///
/// A candidate that cannot reach the limit at any widths is returned with the widths of least
/// latency and that latency, so the search's constraint handling ranks it by how far it misses.
public struct OptimalBitsEvaluator<Target: MixedPrecisionTarget>: CandidateEvaluator {
    /// The search space the points belong to.
    public let space: SearchSpace
    /// The accuracy predictor (float top-1 and per-block penalties).
    public let predictor: AccuracyPredictor
    /// The target whose bit allocation chooses the widths.
    public let target: Target
    /// The exact solver of each bit-allocation problem.
    public let solver: any ExactSolver
    /// The latency limit in milliseconds every candidate's widths are chosen for.
    public let latencyLimitMs: Double

    /// An evaluator choosing widths for `latencyLimitMs`.
    public init(
        space: SearchSpace, predictor: AccuracyPredictor, target: Target, solver: any ExactSolver,
        latencyLimitMs: Double
    ) throws {
        guard latencyLimitMs.isFinite, latencyLimitMs > 0 else {
            throw SearchError.invalidSetting("optimal bit allocation needs a positive latency limit, got \(latencyLimitMs) ms")
        }
        self.space = space
        self.predictor = predictor
        self.target = target
        self.solver = solver
        self.latencyLimitMs = latencyLimitMs
    }

    /// Scores the point with the bit widths the allocation program chooses for ``latencyLimitMs`` (the point's own bit genes
    /// are ignored); the chosen widths are in ``CandidateMetrics/bits``. Rethrows setup, network and solver errors.
    public func evaluate(_ point: ArchitecturePoint) throws -> Evaluation<Target.Configuration> {
        let clock = ContinuousClock()
        let start = clock.now
        var p = point
        p.bits = p.bits.map { _ in 8 }
        let network = try space.network(for: p)
        let setup = try QuantizationSetup.make(
            network: network, limit: target.bitAllocationLimit(latencyMs: latencyLimitMs), space: space,
            predictor: predictor, quantization: nil, sensitivity: nil)
        let prepared = clock.now
        let solution = try target.allocateBits(setup.problem, using: solver)
        let solved = clock.now
        let predictorSeconds = (prepared - start).seconds
        let solverSeconds = (solved - prepared).seconds
        func slots(_ bits: [Int]) -> [Int] {
            var out = p.bits
            let active = (0..<ArchitecturePoint.slotCount).filter { p.isActive(slot: $0) }
            for (i, slot) in active.enumerated() where i + 1 < bits.count { out[slot] = bits[i + 1] }
            return out
        }
        if solution.status == .optimal, let bits = solution.bits, let report = solution.report, let top1 = setup.top1(bits) {
            let metrics = CandidateMetrics(
                top1: top1, latencyMs: report.latencyMs, configuration: report.configuration,
                resources: report.totalResources, solver: "bit-allocation/\(solution.solver)", bits: slots(bits))
            return Evaluation(.feasible(metrics), predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
        }
        if let ms = solution.leastLatencyMs, let bits = solution.leastLatencyBits, let top1 = setup.top1(bits) {
            // Misses the limit: report the fastest widths so the constraint handling sees by how much.
            let metrics = CandidateMetrics<Target.Configuration>(
                top1: top1, latencyMs: ms, solver: "bit-allocation/\(solution.solver)",
                bits: slots(bits))
            return Evaluation(.feasible(metrics), predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
        }
        return Evaluation(
            .infeasible(reason: solution.diagnosis ?? "no accelerator configuration fits \(target.device.part)", violation: 0),
            predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
    }
}
