import Foundation
import HAOHardware
import HAONetwork
import HAOPredictor

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
public struct OptimalBitsEvaluator: CandidateEvaluator {
    public let space: SearchSpace
    public let predictor: AccuracyPredictor
    public let optimizer: BitAllocationOptimizer
    public let solver: AcceleratorSolverChoice
    /// The latency limit in milliseconds every candidate's widths are chosen for.
    public let latencyLimitMs: Double

    public init(space: SearchSpace, predictor: AccuracyPredictor, optimizer: BitAllocationOptimizer, solver: AcceleratorSolverChoice,
                latencyLimitMs: Double) throws {
        guard latencyLimitMs.isFinite, latencyLimitMs > 0 else {
            throw SearchError.invalidSetting("optimal bit allocation needs a positive latency limit, got \(latencyLimitMs) ms")
        }
        self.space = space
        self.predictor = predictor
        self.optimizer = optimizer
        self.solver = solver
        self.latencyLimitMs = latencyLimitMs
    }

    public func evaluate(_ point: ArchitecturePoint) throws -> Evaluation {
        let clock = ContinuousClock()
        let start = clock.now
        var p = point
        p.bits = p.bits.map { _ in 8 }
        let network = try space.network(for: p)
        // Clamped as the bit-allocation optimizer clamps a target fps: a limit of 1e300 ms
        // (from --min-fps 1e-300) does not fit an Int of cycles, and bounds nothing anyway.
        let cycles = Int(min((latencyLimitMs * optimizer.device.clockMHz * 1000).rounded(.down), Double(Int.max / 2)))
        let setup = try QuantizationSetup.make(network: network, limit: .latency(maxCycles: max(1, cycles)), space: space,
                                               predictor: predictor, quantization: nil, sensitivity: nil)
        let prepared = clock.now
        let solution = try optimizer.solve(setup.problem, solver: solver)
        let solved = clock.now
        let predictorSeconds = HardwareAwareEvaluator.seconds(prepared - start), solverSeconds = HardwareAwareEvaluator.seconds(solved - prepared)
        func slots(_ bits: [Int]) -> [Int] {
            var out = p.bits
            let active = (0..<ArchitecturePoint.slotCount).filter { p.isActive(slot: $0) }
            for (i, slot) in active.enumerated() where i + 1 < bits.count { out[slot] = bits[i + 1] }
            return out
        }
        if solution.status == .optimal, let bits = solution.bits, let report = solution.report, let top1 = setup.top1(bits) {
            let metrics = CandidateMetrics(top1: top1, latencyMs: report.latencyMs, configuration: try JSONValue(encoding: report.configuration),
                                           resources: report.totalResources, solver: "bit-allocation/\(solution.solver)", bits: slots(bits))
            return Evaluation(.feasible(metrics), predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
        }
        if let least = solution.leastLatencyCycles, let bits = solution.leastLatencyBits, let top1 = setup.top1(bits) {
            // Misses the limit: report the fastest widths so the constraint handling sees by how much.
            let ms = Double(least) / (optimizer.device.clockMHz * 1000)
            let metrics = CandidateMetrics(top1: top1, latencyMs: ms, solver: "bit-allocation/\(solution.solver)", bits: slots(bits))
            return Evaluation(.feasible(metrics), predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
        }
        return Evaluation(.infeasible(reason: solution.diagnosis ?? "no accelerator configuration fits \(optimizer.device.part)", violation: 0),
                          predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
    }
}

/// Either evaluator behind one concrete type, so one search code path serves both bit modes.
public struct AnyCandidateEvaluator: CandidateEvaluator {
    public let wrapped: any CandidateEvaluator
    public init(_ wrapped: any CandidateEvaluator) { self.wrapped = wrapped }
    public func evaluate(_ point: ArchitecturePoint) throws -> Evaluation { try wrapped.evaluate(point) }
}
