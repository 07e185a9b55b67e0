import Foundation
import HAOEvolution
import HAOHardware
import HAONetwork
import HAOPredictor
import HAOSolver
import HAOSupport

/// The real evaluator: the accuracy predictor for top-1, and a hardware target's exact
/// configuration problem for the optimal accelerator configuration and its latency.
///
/// Under `--solver auto` and `native`, when the target offers a fast evaluator
/// (``FastEvaluatingTarget``), every candidate goes through it (shared memo, incumbents); under
/// `auto` GLPK certifies a seeded sample of candidates (reproduction) and every point of the
/// final frontier (cutoff), see ``Certification``. Otherwise, and under `glpk` and
/// `enumeration`, every candidate's configuration problem is solved on its own.
public struct HardwareAwareEvaluator<Target: HardwareTarget>: CandidateEvaluator {
    /// The search space the points belong to.
    public let space: SearchSpace
    /// The accuracy predictor.
    public let predictor: AccuracyPredictor
    /// The hardware target every network is mapped onto.
    public let target: Target
    /// The exact solver of each configuration problem (and of the baselines).
    public let solver: any ExactSolver
    /// The fast path, when used.
    let fast: FastPath<Target.Configuration>?
    /// The GLPK certification, under `auto`.
    public let certification: Certification?

    /// An evaluator of `space`'s points on `target` that solves every candidate's problem with `solver`.
    public init(space: SearchSpace, predictor: AccuracyPredictor, target: Target, solver: any ExactSolver) {
        self.space = space
        self.predictor = predictor
        self.target = target
        self.solver = solver
        fast = nil
        certification = nil
    }

    /// An evaluator for the solver policy `choice`: the target's fast evaluator under `auto` and
    /// `native` when it has one, GLPK certificates under `auto` (sampled with `seed`).
    public init(
        space: SearchSpace, predictor: AccuracyPredictor, target: Target, choice: SolverChoice, seed: UInt64,
        sampleRate: Double = CoDesignDefaults.certificateSampleRate
    ) {
        self.space = space
        self.predictor = predictor
        self.target = target
        let fastPath = FastPath<Target.Configuration>.of(target)
        // GLPK's branch-and-cut settings were measured on the programs of targets with a fast
        // path (the subgraph target); other targets keep GLPK's defaults.
        if choice == .glpk, fastPath != nil {
            solver = MILPBackend(milp: GLPKSolver(tuning: .subgraphSearch), options: SolverOptions(timeLimit: .seconds(60)))
        } else {
            solver = choice.makeSolver()
        }
        let usesFast = choice.isAuto || choice == .native
        fast = usesFast ? fastPath : nil
        certification = choice.isAuto && fast != nil ? Certification(sampleRate: sampleRate, seed: seed) : nil
    }

    /// Whether candidates go through the target's fast evaluator.
    public var usesFastPath: Bool { fast != nil }

    /// The fast evaluator's counters, when it is used.
    public var fastStatistics: FastEvaluatorStatistics? { fast?.statistics() }

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
        guard prediction.top1.isFinite, (-100...100).contains(prediction.top1), prediction.stddev.map({ $0.isFinite && $0 >= 0 }) ?? true
        else {
            throw SearchError.evaluationFailed(
                candidate: "\(point)",
                message:
                    "the predictor \(predictor.modelName) gives top-1 \(prediction.top1)% (stddev \(prediction.stddev.map { "\($0)" } ?? "none")), not a percentage: the model file is damaged or does not fit this space"
            )
        }
        let predicted = clock.now
        let network = try space.network(for: point)
        if let fast {
            return try evaluateFast(point, network: network, fast: fast, prediction: prediction, start: start, predicted: predicted)
        }
        let solution = try target.solve(network, using: solver)
        let solved = clock.now
        let predictorSeconds = (predicted - start).seconds
        let solverSeconds = (solved - predicted).seconds
        guard solution.status == .optimal, let report = solution.report else {
            return Evaluation(
                .infeasible(reason: solution.diagnosis ?? "no accelerator configuration fits \(target.device.part)", violation: 0),
                predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
        }
        let metrics = CandidateMetrics(
            top1: prediction.top1, top1StdDev: prediction.stddev, latencyMs: report.latencyMs,
            configuration: report.configuration, resources: report.totalResources,
            solver: solution.solver.rawValue)
        return Evaluation(.feasible(metrics), predictorSeconds: predictorSeconds, solverSeconds: solverSeconds)
    }

    private func evaluateFast(
        _ point: ArchitecturePoint, network: Network, fast: FastPath<Target.Configuration>, prediction: Prediction,
        start: ContinuousClock.Instant, predicted: ContinuousClock.Instant
    ) throws -> Evaluation<Target.Configuration> {
        let clock = ContinuousClock()
        let optimum = try fast.solve(network)
        let solved = clock.now
        var certificates = 0
        var notCompleted = 0
        if let certification, certification.samples(point) {
            if try certification.certify(network, claimed: optimum, on: target, kind: .reproduction, label: SearchSpace.label(point)) {
                certificates = 1
            } else {
                notCompleted = 1
            }
        }
        let certified = clock.now
        let predictorSeconds = (predicted - start).seconds
        let solverSeconds = (solved - predicted).seconds
        guard let configuration = optimum.configuration, let latencyMs = optimum.latencyMs else {
            // Rare (caps): the diagnosis comes from the full problem.
            let problem = try target.configurationProblem(for: network, objective: .minimiseLatency)
            return Evaluation(
                .infeasible(reason: target.diagnoseInfeasibility(of: problem, objective: .minimiseLatency), violation: 0),
                predictorSeconds: predictorSeconds, solverSeconds: solverSeconds,
                certificateSeconds: (certified - solved).seconds, certificates: certificates, certificatesNotCompleted: notCompleted)
        }
        let metrics = CandidateMetrics(
            top1: prediction.top1, top1StdDev: prediction.stddev, latencyMs: latencyMs,
            configuration: configuration, resources: optimum.resources, solver: SolverID.native.rawValue)
        return Evaluation(
            .feasible(metrics), predictorSeconds: predictorSeconds, solverSeconds: solverSeconds,
            certificateSeconds: (certified - solved).seconds, certificates: certificates, certificatesNotCompleted: notCompleted)
    }

    /// Under `auto`: certifies every frontier point with GLPK (cutoff), after checking that the
    /// cost model evaluates its configuration to the latency and resources the search recorded.
    public func confirm(_ entrants: [(point: ArchitecturePoint, metrics: CandidateMetrics<Target.Configuration>)], threads: Int) throws
        -> ConfirmationTally
    {
        guard let certification else { return ConfirmationTally() }
        return try certification.confirm(entrants, space: space, target: target, threads: threads)
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
        let source = String(
            format:
                "published float top-1 minus the predictor's quantization penalty (%.2f points, %@ regime, blocks after the first at %d bits)",
            penalty, q.regime.rawValue, bits)
        let solution = try target.solve(quantized, using: solver)
        guard solution.status == .optimal, let report = solution.report else {
            return BaselinePoint(
                name: network.name, bits: bits, top1: top1, top1Source: source, latencyMs: nil,
                infeasibleReason: solution.diagnosis ?? "no accelerator configuration fits")
        }
        return BaselinePoint(
            name: network.name, bits: bits, top1: top1, top1Source: source, latencyMs: report.latencyMs,
            configuration: report.configuration, resources: report.totalResources)
    }
}

/// A target's fast evaluator behind closures, so the evaluator stays generic over any target.
struct FastPath<Configuration: Sendable & Hashable & Codable>: Sendable {
    let solve: @Sendable (Network) throws -> FastOptimum<Configuration>
    let statistics: @Sendable () -> FastEvaluatorStatistics

    /// The fast path of `target`, when it offers one.
    static func of<T: HardwareTarget>(_ target: T) -> FastPath<Configuration>? {
        guard let fastTarget = target as? any FastEvaluatingTarget else { return nil }
        return open(fastTarget)
    }

    private static func open<F: FastEvaluatingTarget>(_ target: F) -> FastPath<Configuration>? {
        let evaluator = target.makeFastEvaluator()
        let solve: @Sendable (Network) throws -> FastOptimum<F.Configuration> = { network in try evaluator.leastLatency(of: network) }
        // `F` is the evaluator's own target type, opened from it: its configurations are `Configuration`.
        guard let typed = solve as? @Sendable (Network) throws -> FastOptimum<Configuration> else { return nil }
        return FastPath(solve: typed, statistics: { evaluator.statistics })
    }
}
