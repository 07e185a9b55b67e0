import Foundation
import HAOHardware
import HAOSupport

/// Settings of a calibration.
public struct CalibrationSettings: Sendable {
    /// Cross-validation folds (2 or more).
    public var folds: Int
    /// Names of the parameters to fit; nil fits every one, the others keep their defaults.
    public var free: [String]?
    /// Threads that reduce measurements to terms.
    public var threads: Int
    /// When measurements are evaluated on the target's own choice of configuration, how many times
    /// at most to fit, re-choose configurations with the fitted constants, and fit again.
    public var rounds: Int

    /// Settings; by default 10 folds, every parameter, all processors, 3 rounds.
    public init(folds: Int = 10, free: [String]? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount, rounds: Int = 3) {
        self.folds = folds
        self.free = free
        self.threads = threads
        self.rounds = rounds
    }
}

/// What a calibration produced: fitted values, cross-validated predictions and figures, and the
/// same for the uncalibrated model and a MACs-only model.
public struct CalibrationOutcome: Sendable {
    /// The target's parameters, and the names of those that were fitted.
    public var parameters: [CalibrationParameter]
    /// Names of the parameters that were fitted; the others kept their defaults.
    public var free: [String]
    /// Fitted values of every parameter (defaults for those not fitted), on all measurements.
    public var values: [Double]
    /// The measurements, their folds, and the predictions: in-sample, out-of-fold, of the
    /// uncalibrated model, and out-of-fold of the MACs-only model.
    public var measurements: [LatencyMeasurement]
    /// The cross-validation fold of each measurement (0 to folds - 1), parallel to ``measurements``; a group stays in one fold.
    public var folds: [Int]
    /// Each measurement's predicted latency (ms) from ``values``, fitted on all measurements.
    public var inSample: [Double]
    /// Each measurement's out-of-fold predicted latency (ms): from values fitted without its fold.
    public var crossValidated: [Double]
    /// Each measurement's predicted latency (ms) from the parameters' defaults (the uncalibrated model).
    public var uncalibrated: [Double]
    /// Each measurement's out-of-fold predicted latency (ms) from the MACs-only model.
    public var macsCrossValidated: [Double]
    /// Figures of those predictions.
    public var inSampleFigures: CalibrationFigures
    /// Figures of the out-of-fold predictions ``crossValidated``: the honest estimate of the error on unseen networks.
    public var crossValidation: CalibrationFigures
    /// Figures of the uncalibrated predictions ``uncalibrated``.
    public var uncalibratedFigures: CalibrationFigures
    /// Figures of the MACs-only model's out-of-fold predictions ``macsCrossValidated``, the baseline to beat.
    public var macsBaseline: CalibrationFigures
    /// Figures of each fold's held-out part, and the values fitted without it.
    public var foldFigures: [CalibrationFigures]
    /// The values fitted without each fold, one array per fold, parallel to ``parameters``.
    public var foldValues: [[Double]]
    /// The MACs-only model fitted on all measurements: `latency = intercept + slope x GMACs` (ms).
    public var macsModel: (interceptMs: Double, msPerGMAC: Double)
    /// Fit rounds run (configurations re-chosen between rounds).
    public var rounds: Int
    /// Parameters asked for but left at their defaults because no measurement depends on them
    /// (e.g. 7x7 depthwise efficiency without a 7x7 layer in the data).
    public var unidentifiable: [String]
    /// Pairs of fitted parameters that move every prediction alike (e.g. a launch and a per-stage
    /// overhead when every program has one stage): the data fix only a combination of them.
    public var confounded: [(String, String)]

    /// Fitted parameters whose value ended on a bound that is not their default, with that bound
    /// ("upper" or "lower"): an efficiency at 1 or an overhead at 0 is the ideal pipeline, but
    /// a value pressed against the edge of its physical range says the model's form is wrong
    /// (e.g. a bandwidth at the interface's peak: the byte count holds data the hardware keeps
    /// on chip), not that the hardware is extreme.
    public var atBounds: [(name: String, bound: String)] {
        Self.atBounds(parameters, free: free, values: values)
    }

    /// The parameters of `free` whose `values` sit on a bound that is not their default.
    public static func atBounds(_ parameters: [CalibrationParameter], free: [String], values: [Double]) -> [(name: String, bound: String)] {
        parameters.indices.compactMap { i -> (name: String, bound: String)? in
            let p = parameters[i]
            let v = values[i]
            guard free.contains(p.name) else { return nil }
            let tolerance = 1e-3 * max(abs(p.upperBound - p.lowerBound), 1e-9)
            if abs(v - p.upperBound) <= tolerance && p.upperBound != p.defaultValue { return (p.name, "upper") }
            if abs(v - p.lowerBound) <= tolerance && p.lowerBound != p.defaultValue { return (p.name, "lower") }
            return nil
        }
    }

    /// The fitted values by name, fitted parameters only.
    public var fittedByName: [String: Double] {
        Dictionary(
            uniqueKeysWithValues: parameters.indices.filter { free.contains(parameters[$0].name) }.map { (parameters[$0].name, values[$0]) }
        )
    }
}

/// Fits a target's latency parameters to measurements (docs/calibration.md): robust least squares
/// on the log ratio of predicted to measured latency, parameters in log space within their physical
/// bounds, group k-fold cross-validation, and a MACs-only model fitted the same way beside it.
public struct Calibrator<Target: CalibratableTarget>: Sendable {
    /// The target as built (uncalibrated, normally): it reduces measurements to terms.
    public var target: Target
    /// The configuration every measurement is evaluated on; nil: each on the target's own choice.
    public var configuration: Target.Configuration?
    /// Folds, parameters to fit, threads and fit rounds.
    public var settings: CalibrationSettings
    /// The fitting method.
    public var method = RobustLeastSquares()

    /// A calibrator.
    public init(target: Target, configuration: Target.Configuration? = nil, settings: CalibrationSettings = .init()) {
        self.target = target
        self.configuration = configuration
        self.settings = settings
    }

    /// Calibrates on `measurements`; `progress` receives one line per step.
    public func run(_ measurements: [LatencyMeasurement], progress: (String) -> Void = { _ in }) throws(CalibrationError)
        -> CalibrationOutcome
    {
        let parameters = Target.calibrationParameters
        var space = try FitSpace(parameters, free: settings.free)
        guard settings.folds >= 2 else { throw .invalidOption("--folds must be at least 2, got \(settings.folds)") }
        let groups = Set(measurements.map(\.group)).count
        guard measurements.count > space.free.count, groups >= settings.folds else {
            throw .notEnoughData(
                "\(measurements.count) measurements of \(groups) distinct workloads for \(space.free.count) parameters and \(settings.folds) folds"
            )
        }
        let measured = measurements.map(\.latencyMs)
        progress("Reducing \(measurements.count) measurements to latency terms on \(target.device.part)...")
        var terms = try reduce(measurements, with: target)
        let unidentifiable = space.insensitive(target, terms)
        if !unidentifiable.isEmpty {
            progress("No measurement depends on \(unidentifiable.joined(separator: ", ")): kept at the default.")
            space = try FitSpace(parameters, free: space.free.map { parameters[$0].name }.filter { !unidentifiable.contains($0) })
        }
        let confounded = space.confounded(target, terms)
        for (a, b) in confounded {
            progress(
                "Warning: \(a) and \(b) move every prediction alike; the data determine only a combination of them (fix one with --fit).")
        }
        let defaults = parameters.map(\.defaultValue)
        let uncalibrated = terms.map { target.predictedLatencyMs($0, parameters: defaults) }
        let all = Array(measurements.indices)
        var values = fit(terms, measured, rows: all, space: space, from: nil)
        var rounds = 1
        while configuration == nil && rounds < settings.rounds {
            let profile = CalibrationProfile(
                name: "round \(rounds)", target: Target.id, device: target.device.part,
                parameters: space.named(values), measurementFiles: [], measurementFingerprint: "",
                crossValidation: nil, macsBaseline: nil)
            let refined: Target
            do {
                refined = try Target(settings: TargetSettings(device: target.device, cap: target.settings.cap, calibration: profile))
            } catch {
                throw .target(file: "calibration", line: nil, error)
            }
            progress("Round \(rounds + 1): configurations re-chosen with the fitted constants...")
            terms = try reduce(measurements, with: refined)
            let next = fit(terms, measured, rows: all, space: space, from: values)
            rounds += 1
            let change = zip(next, values).map { abs(log(max($0, 1e-300) / max($1, 1e-300))) }.max() ?? 0
            values = next
            if change < 1e-3 { break }
        }
        let inSample = terms.map { target.predictedLatencyMs($0, parameters: values) }
        progress("Cross-validating over \(settings.folds) folds...")
        let folds = CrossValidationFolds.folds(of: measurements.map(\.group), folds: settings.folds)
        var crossValidated = [Double](repeating: .nan, count: measurements.count)
        var macsCrossValidated = crossValidated
        var foldFigures: [CalibrationFigures] = []
        var foldValues: [[Double]] = []
        let macs = measurements.map { Double($0.macs) / 1e9 }
        // Folds are fitted independently (in parallel), each from the same cold starts as the full
        // fit, so nothing of a held-out fold leaks into its model.
        let calibrator = self
        let finalTerms = terms
        let finalSpace = space
        let fitted = ParallelMap.map(count: settings.folds, threads: settings.threads) { f -> ([Double], (Double, Double))? in
            let train = all.filter { folds[$0] != f }
            guard train.count < all.count else { return nil }
            return (
                calibrator.fit(finalTerms, measured, rows: train, space: finalSpace, from: nil),
                calibrator.fitMacs(macs, measured, rows: train)
            )
        }
        for f in 0..<settings.folds {
            guard case .success(let result?) = fitted[f] else { continue }
            let (v, (a, b)) = result
            let test = all.filter { folds[$0] == f }
            for i in test { crossValidated[i] = target.predictedLatencyMs(terms[i], parameters: v) }
            for i in test { macsCrossValidated[i] = a + b * macs[i] }
            foldValues.append(v)
            foldFigures.append(
                LatencyStatistics.figures(predicted: test.map { crossValidated[$0] }, measured: test.map { measured[$0] }, folds: 1))
        }
        let macsModel = fitMacs(macs, measured, rows: all)
        let k = settings.folds
        return CalibrationOutcome(
            parameters: parameters, free: space.free.map { parameters[$0].name }, values: values, measurements: measurements, folds: folds,
            inSample: inSample, crossValidated: crossValidated, uncalibrated: uncalibrated, macsCrossValidated: macsCrossValidated,
            inSampleFigures: LatencyStatistics.figures(predicted: inSample, measured: measured, folds: 0),
            crossValidation: LatencyStatistics.figures(predicted: crossValidated, measured: measured, folds: k),
            uncalibratedFigures: LatencyStatistics.figures(predicted: uncalibrated, measured: measured, folds: 0),
            macsBaseline: LatencyStatistics.figures(predicted: macsCrossValidated, measured: measured, folds: k),
            foldFigures: foldFigures, foldValues: foldValues, macsModel: (macsModel.0, macsModel.1), rounds: rounds,
            unidentifiable: unidentifiable, confounded: confounded)
    }

    /// Every measurement's terms on `target` (in parallel).
    func reduce(_ measurements: [LatencyMeasurement], with target: Target) throws(CalibrationError) -> [Target.LatencyTerms] {
        let configuration = self.configuration
        let results = ParallelMap.map(count: measurements.count, threads: settings.threads) {
            i throws(HardwareError) -> Target.LatencyTerms in
            let m = measurements[i]
            return try target.latencyTerms(of: m.network, part: m.part, scope: m.scope, configuration: configuration)
        }
        var terms: [Target.LatencyTerms] = []
        terms.reserveCapacity(results.count)
        for (i, result) in results.enumerated() {
            switch result {
            case .success(let t): terms.append(t)
            case .failure(let error): throw .target(file: measurements[i].file, line: measurements[i].line, error)
            }
        }
        return terms
    }

    /// Values fitted on `rows`, from several starting points (and `warm`, when given); the best loss wins.
    func fit(_ terms: [Target.LatencyTerms], _ measured: [Double], rows: [Int], space: FitSpace, from warm: [Double]?) -> [Double] {
        let logMeasured = measured.map { log($0) }
        let target = self.target
        func residuals(_ theta: [Double]) -> [Double] {
            let predicted = target.predictedLatenciesMs(terms, rows: rows, parameters: space.values(theta))
            return zip(rows, predicted).map { i, p in p > 0 && p.isFinite ? log(p) - logMeasured[i] : 50 }
        }
        var starts = space.starts
        if let warm { starts.insert(space.theta(warm), at: 0) }
        var best: (theta: [Double], loss: Double)? = nil
        for start in starts {
            let result = method.minimise(start: start, lower: space.lower, upper: space.upper, residuals: residuals)
            if best == nil || result.loss < best!.loss { best = (result.theta, result.loss) }
        }
        return space.values(best!.theta)
    }

    /// The MACs-only model `a + b x GMACs` (ms) fitted on `rows` the same way: a in [1e-6, 1e3] ms,
    /// b in [1e-6, 1e4] ms per GMAC, log space, starting from 0.5 ms and 5 ms/GMAC.
    func fitMacs(_ gmacs: [Double], _ measured: [Double], rows: [Int]) -> (Double, Double) {
        let logMeasured = measured.map { log($0) }
        let result = method.minimise(start: [log(0.5), log(5)], lower: [log(1e-6), log(1e-6)], upper: [log(1e3), log(1e4)]) { theta in
            let a = exp(theta[0])
            let b = exp(theta[1])
            return rows.map { log(a + b * gmacs[$0]) - logMeasured[$0] }
        }
        return (exp(result.theta[0]), exp(result.theta[1]))
    }
}

/// The log-space box of the fitted parameters.
struct FitSpace {
    let parameters: [CalibrationParameter]
    /// Indices of the fitted parameters.
    let free: [Int]
    let lower: [Double], upper: [Double]
    /// Starting points: the defaults moved inside the box, and two points across it.
    let starts: [[Double]]

    /// A parameter whose physical lower bound is 0 is fitted down to this fraction of its upper
    /// bound (log space cannot reach 0); a value that ends there is reported as 0.
    static let zeroFloor = 1e-6

    init(_ parameters: [CalibrationParameter], free names: [String]?) throws(CalibrationError) {
        self.parameters = parameters
        if let names {
            let known = Set(parameters.map(\.name))
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw .invalidOption(
                    "'\(unknown)' is not a calibration parameter of this target (known: \(parameters.map(\.name).joined(separator: ", ")))")
            }
        }
        free = parameters.indices.filter { names?.contains(parameters[$0].name) ?? true }
        guard !free.isEmpty else { throw .invalidOption("no parameter left to fit") }
        let lo = free.map { i in log(parameters[i].lowerBound > 0 ? parameters[i].lowerBound : parameters[i].upperBound * Self.zeroFloor) }
        let hi = free.map { log(parameters[$0].upperBound) }
        lower = lo
        upper = hi
        var first: [Double] = []
        for (j, i) in free.enumerated() {
            let p = parameters[i]
            let span = hi[j] - lo[j]
            if p.defaultValue <= 0 {
                first.append(hi[j] - 0.5 * span)
            } else {
                first.append(min(max(log(p.defaultValue), lo[j] + 0.1 * span), hi[j] - 0.1 * span))
            }
        }
        starts = [first, zip(lo, hi).map { $0 + 0.75 * ($1 - $0) }, zip(lo, hi).map { $0 + 0.4 * ($1 - $0) }]
    }

    /// Every parameter's value for fitted log-values `theta` (defaults for the others; a
    /// zero-bounded value at its floor is 0).
    func values(_ theta: [Double]) -> [Double] {
        var v = parameters.map(\.defaultValue)
        for (j, i) in free.enumerated() {
            v[i] = theta[j] <= lower[j] + 1e-9 && parameters[i].lowerBound == 0 ? 0 : exp(theta[j])
        }
        return v
    }

    /// The log-values of the fitted parameters in `values` (clamped to the box).
    func theta(_ values: [Double]) -> [Double] {
        free.enumerated().map { j, i in min(max(log(max(values[i], 1e-300)), lower[j]), upper[j]) }
    }

    /// Fitted parameters no prediction depends on: moving one alone (from the first starting
    /// point, by a factor of 2 inward) changes no predicted latency.
    func insensitive<T: CalibratableTarget>(_ target: T, _ terms: [T.LatencyTerms]) -> [String] {
        let rows = Array(terms.indices)
        let base = target.predictedLatenciesMs(terms, rows: rows, parameters: values(starts[0]))
        return free.indices.compactMap { j in
            var theta = starts[0]
            theta[j] += theta[j] - log(2) >= lower[j] ? -log(2) : log(2)
            let moved = target.predictedLatenciesMs(terms, rows: rows, parameters: values(theta))
            let changed = zip(base, moved).contains { abs($0 - $1) > 1e-12 * max(abs($0), 1) }
            return changed ? nil : parameters[free[j]].name
        }
    }

    /// Pairs of fitted parameters whose effects on the log predictions (finite differences at the
    /// first starting point) are parallel to within 1e-6.
    func confounded<T: CalibratableTarget>(_ target: T, _ terms: [T.LatencyTerms]) -> [(String, String)] {
        let rows = Array(terms.indices)
        let base = target.predictedLatenciesMs(terms, rows: rows, parameters: values(starts[0])).map { log($0) }
        let effects: [[Double]] = free.indices.map { j in
            var theta = starts[0]
            theta[j] += theta[j] - 0.1 >= lower[j] ? -0.1 : 0.1
            return zip(target.predictedLatenciesMs(terms, rows: rows, parameters: values(theta)).map { log($0) }, base).map { $0 - $1 }
        }
        var pairs: [(String, String)] = []
        for a in free.indices {
            for b in free.indices where b > a {
                let dot = zip(effects[a], effects[b]).reduce(0) { $0 + $1.0 * $1.1 }
                let na = effects[a].reduce(0) { $0 + $1 * $1 }
                let nb = effects[b].reduce(0) { $0 + $1 * $1 }
                guard na > 0, nb > 0 else { continue }
                if abs(dot) / (na * nb).squareRoot() > 1 - 1e-6 { pairs.append((parameters[free[a]].name, parameters[free[b]].name)) }
            }
        }
        return pairs
    }

    /// Fitted values by name.
    func named(_ values: [Double]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: free.map { (parameters[$0].name, values[$0]) })
    }
}
