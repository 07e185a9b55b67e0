import Dispatch
import Foundation
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import Synchronization

/// How `--solver auto` has GLPK certify the fast evaluator's answers during a search:
///
/// - every point of the final frontier (certified before the frontier is written): a *cutoff*
///   certificate -- the integer program with the latency bounded one cycle below the fast optimum
///   is infeasible -- after the cost model itself has evaluated the configuration to the recorded
///   latency and resources within the budget;
/// - a seeded sample of the other candidates (``sampleRate``, 1% by default; which ones is a
///   function of the run's seed and the candidate alone, so thread count and resume do not change
///   it): a *reproduction* certificate -- GLPK solves the plain program and must reach the same
///   optimum (or infeasibility).
///
/// A refuted certificate stops the search with both answers (``CertificateFailure``). A
/// certificate GLPK cannot finish (its 60 s limit, a numerical failure) is counted and reported;
/// the answer stands (the fast evaluator is exact on its own). Other GLPK errors are thrown.
public struct Certification: Sendable {
    /// Share of candidates certified by reproduction.
    public let sampleRate: Double
    /// The run's seed.
    public let seed: UInt64
    /// The certifier (GLPK), with its time limit.
    let certifier: Certified<NativeBackend>

    /// Certification sampling `sampleRate` of the candidates with `seed`.
    public init(sampleRate: Double, seed: UInt64, timeLimit: Duration = .seconds(60)) {
        self.sampleRate = sampleRate
        self.seed = seed
        // Certification runs only with a fast path (the subgraph target), whose programs the
        // tuning was measured on.
        certifier = Certified(NativeBackend(), certifier: GLPKSolver(tuning: .subgraphSearch), options: SolverOptions(timeLimit: timeLimit))
    }

    /// Whether `point` is in the sample: a hash of the point's genes and the seed, uniform in [0, 1),
    /// below the rate.
    public func samples(_ point: ArchitecturePoint) -> Bool {
        guard sampleRate > 0 else { return false }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: seed.littleEndian) { bytes += $0 }
        for list in [point.depths, point.kernels, point.expandRatios, point.bits, [point.resolution]] {
            bytes.append(UInt8(truncatingIfNeeded: list.count))
            for value in list { withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 } }
        }
        let unit = Double(GenomeKey.digest(bytes).high >> 11) / Double(UInt64(1) << 53)
        return unit < sampleRate
    }

    /// Certifies one claimed optimum of `network` (nil configuration: infeasible). Returns true
    /// when the certificate held, false when GLPK could not finish (``SolverError/isInconclusive``);
    /// throws ``CertificateFailure`` when it was refuted or the cost model disagrees with the
    /// claim, and any other solver error (a certificate program GLPK cannot take is a bug).
    func certify<T: HardwareTarget>(
        _ network: Network, claimed: FastOptimum<T.Configuration>, on target: T, kind: CertificateKind,
        label: String
    ) throws -> Bool {
        var outcome = ExactOutcome<T.Configuration>.infeasible()
        if let configuration = claimed.configuration, let objective = claimed.objective {
            let report = try target.evaluate(configuration, for: network)
            let value = try target.objectiveValue(of: report, for: .minimiseLatency)
            guard value == objective, report.latencyMs == claimed.latencyMs, report.totalResources == claimed.resources,
                report.totalResources.fits(in: target.budget)
            else {
                throw CertificateFailure(
                    candidate: label,
                    detail:
                        "the cost model evaluates the claimed configuration (\(configuration)) to objective \(value), \(report.latencyMs) ms and \(report.totalResources) within \(target.budget); the search recorded \(objective), \(claimed.latencyMs.map { "\($0)" } ?? "?") ms and \(claimed.resources.map { "\($0)" } ?? "?")"
                )
            }
            outcome = .optimal(configuration, objective: objective)
        }
        let problem = try target.configurationProblem(for: network, objective: .minimiseLatency)
        let certificate: Certificate<T.Configuration>
        do { certificate = try certifier.certify(problem, claimed: outcome, kind: kind) } catch {
            // (A `catch ... where` clause here crashes the Swift 6.3.1 compiler's SILGen.)
            if error.isInconclusive { return false }
            throw error
        }
        if let disagreement = certificate.disagreement { throw CertificateFailure(candidate: label, detail: disagreement.description) }
        return true
    }

    /// Certifies frontier points (cutoff) on up to `threads` threads.
    func confirm<T: HardwareTarget>(
        _ entrants: [(point: ArchitecturePoint, metrics: CandidateMetrics<T.Configuration>)], space: SearchSpace,
        target: T, threads: Int
    ) throws -> ConfirmationTally {
        let results = Mutex([Result<(Bool, Double), any Error>?](repeating: nil, count: entrants.count))
        let next = Atomic<Int>(0)
        let work: @Sendable () -> Void = {
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < entrants.count else { return }
                let clock = ContinuousClock()
                let start = clock.now
                let result = Result { () throws -> (Bool, Double) in
                    let (point, metrics) = entrants[i]
                    let network = try space.network(for: point)
                    let claimed = try Self.claim(metrics, network: network, on: target)
                    let held = try certify(network, claimed: claimed, on: target, kind: .cutoff, label: SearchSpace.label(point))
                    return (held, (clock.now - start).seconds)
                }
                results.withLock { $0[i] = result }
            }
        }
        let workers = max(1, min(threads, entrants.count))
        if workers == 1 { work() } else { DispatchQueue.concurrentPerform(iterations: workers) { _ in work() } }
        var tally = ConfirmationTally()
        for result in results.withLock({ $0 }) {
            let (held, seconds) = try result!.get()
            if held { tally.certificates += 1 } else { tally.notCompleted += 1 }
            tally.seconds += seconds
        }
        return tally
    }

    /// The fast-optimum form of recorded metrics: the objective in the problem's units comes from
    /// the cost model's evaluation of the recorded configuration (checked against the recorded
    /// latency in ``certify(_:claimed:on:kind:label:)``).
    static func claim<T: HardwareTarget>(
        _ metrics: CandidateMetrics<T.Configuration>, network: Network,
        on target: T
    ) throws -> FastOptimum<T.Configuration> {
        guard let configuration = metrics.configuration else {
            throw CertificateFailure(candidate: network.name, detail: "a scored candidate has no configuration to certify")
        }
        let report = try target.evaluate(configuration, for: network)
        return FastOptimum(
            configuration: configuration, objective: try target.objectiveValue(of: report, for: .minimiseLatency),
            latencyMs: metrics.latencyMs, resources: metrics.resources, evaluatedCandidates: 0)
    }
}

/// Two exact solvers (or a solver and the cost model) disagree on a candidate: a bug. The search
/// stops with both answers.
public struct CertificateFailure: Error, Sendable, CustomStringConvertible {
    /// The candidate's label.
    public var candidate: String
    /// Both answers.
    public var detail: String

    /// One line: the candidate and both answers.
    public var description: String { "GLPK certificate failed for \(candidate): \(detail)" }
}
