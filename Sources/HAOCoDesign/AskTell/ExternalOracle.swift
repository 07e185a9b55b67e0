import Foundation
import HAOPredictor
import Synchronization

/// A candidate the replay needed but nobody has told yet, with the built-in models' metrics.
struct OutstandingCandidate<Configuration: Sendable & Hashable & Codable>: Sendable {
    var id: String
    var point: ArchitecturePoint
    var predicted: CandidateMetrics<Configuration>
}

/// Thrown for a candidate whose external metrics are not told yet; the replay stops at the
/// generation that needs it.
struct ExternalMetricsPending: Error, Sendable {
    var id: String
}

/// The candidates a replayed generation is waiting for, collected from concurrent evaluations.
final class OutstandingLog<Configuration: Sendable & Hashable & Codable>: Sendable {
    private let entries = Mutex<[OutstandingCandidate<Configuration>]>([])

    func add(_ entry: OutstandingCandidate<Configuration>) { entries.withLock { $0.append(entry) } }

    /// The collected candidates in id order (evaluation threads finish in any order), emptied.
    func drain() -> [OutstandingCandidate<Configuration>] {
        entries.withLock { list in
            defer { list.removeAll() }
            var seen = Set<String>()
            return list.sorted { $0.id < $1.id }.filter { seen.insert($0.id).inserted }
        }
    }

    var isEmpty: Bool { entries.withLock { $0.isEmpty } }
}

/// The built-in evaluator with its external metrics replaced by told ones.
///
/// Infeasible candidates (no configuration fits the device) are not asked about: no measurement
/// makes them buildable. A feasible candidate without a tell is logged and refused, so the
/// generation that needs it cannot complete.
struct ExternalOracle<Configuration: Sendable & Hashable & Codable>: CandidateEvaluator {
    let base: AnyCandidateEvaluator<Configuration>
    let external: ExternalMetrics
    let told: [String: ToldMetrics]
    let log: OutstandingLog<Configuration>

    func evaluate(_ point: ArchitecturePoint) throws -> Evaluation<Configuration> {
        let built = try base.evaluate(point)
        guard case .feasible(var metrics) = built.result else { return built }
        let id = SearchSpace.label(point)
        guard let measured = told[id] else {
            log.add(OutstandingCandidate(id: id, point: point, predicted: metrics))
            throw ExternalMetricsPending(id: id)
        }
        if external.includesAccuracy, let top1 = measured.top1 {
            metrics.top1 = top1
            metrics.top1StdDev = nil  // a measurement has no predictive spread
        }
        if external.includesLatency, let latency = measured.latencyMs { metrics.latencyMs = latency }
        return Evaluation(.feasible(metrics), predictorSeconds: built.predictorSeconds, solverSeconds: built.solverSeconds)
    }
}
