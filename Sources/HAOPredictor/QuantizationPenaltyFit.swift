import Foundation

/// Least absolute deviations: minimises `sum_i w_i |x_i . beta - y_i|` with `beta_j >= 0` where
/// asked. Exact for the few parameters of the penalty (p <= 3): an optimum of this linear program
/// lies on a vertex where p constraints are tight (residuals zero or parameters zero), so every
/// such vertex is tried in a fixed order and the first best kept (deterministic).
///
/// Absolute rather than squared errors: one method's outlier (e.g. GPTQ at 4 bits with 4-bit first
/// and last layers losing 17 points where AdaRound loses 0.9) must not set the constants.
enum LeastAbsoluteDeviations {
    static func fit(_ x: [[Double]], _ y: [Double], weights: [Double], nonnegative: [Bool]) -> [Double] {
        let n = y.count
        let p = nonnegative.count
        var best = [Double](repeating: 0, count: p)
        var bestObjective = objective(best, x, y, weights)
        guard n > 0 else { return best }
        for k in 1...p {
            for params in combinations(p, k) {
                for rows in combinations(n, k) {
                    let a = rows.map { r in params.map { x[r][$0] } }
                    guard let solution = solve(a, rows.map { y[$0] }) else { continue }
                    var beta = [Double](repeating: 0, count: p)
                    for (i, j) in params.enumerated() { beta[j] = solution[i] }
                    if params.contains(where: { nonnegative[$0] && beta[$0] < -1e-12 }) { continue }
                    let value = objective(beta, x, y, weights)
                    if value < bestObjective - 1e-12 {
                        best = beta
                        bestObjective = value
                    }
                }
            }
        }
        return best
    }

    static func objective(_ beta: [Double], _ x: [[Double]], _ y: [Double], _ w: [Double]) -> Double {
        var sum = 0.0
        for i in y.indices { sum += w[i] * abs(zip(x[i], beta).reduce(0) { $0 + $1.0 * $1.1 } - y[i]) }
        return sum
    }

    /// k-subsets of 0..<n in lexicographic order.
    static func combinations(_ n: Int, _ k: Int) -> [[Int]] {
        guard k <= n else { return [] }
        var out: [[Int]] = []
        var c = Array(0..<k)
        while true {
            out.append(c)
            var i = k - 1
            while i >= 0 && c[i] == n - k + i { i -= 1 }
            if i < 0 { return out }
            c[i] += 1
            for j in (i + 1)..<k { c[j] = c[j - 1] + 1 }
        }
    }

    /// Gaussian elimination with partial pivoting; nil when (nearly) singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a
        var v = b
        let n = v.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[pivot][col]) > 1e-12 else { return nil }
            m.swapAt(col, pivot)
            v.swapAt(col, pivot)
            for r in (col + 1)..<n {
                let f = m[r][col] / m[col][col]
                for c in col..<n { m[r][c] -= f * m[col][c] }
                v[r] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = v[r]
            for c in (r + 1)..<n { s -= m[r][c] * x[c] }
            x[r] = s / m[r][r]
        }
        return x
    }
}

/// Fits one regime's constants to observations and measures them leave-one-network-out.
struct QuantizationPenaltyFit {
    var regime: QuantizationRegime

    /// QAT: one 4-bit constant split equally between weights and activations (no QAT row has
    /// W4A8, so none separates them); PTQ: weights and activations fitted apart (W4A8 vs W4A4 rows).
    func design(_ o: QuantizationObservation) -> [Double] {
        switch regime {
        case .qat: return [o.int8Share, (o.weightExposure + o.activationExposure) / 2]
        case .ptq: return [o.int8Share, o.weightExposure, o.activationExposure]
        }
    }

    /// `[P8, Sw, Sa]` fitted on the observations that are not check-only; `allowNegative8` lifts
    /// the sign constraint of the 8-bit part (to see whether the data want a negative one).
    func coefficients(_ obs: [QuantizationObservation], allowNegative8: Bool = false) -> [Double] {
        let used = obs.filter { $0.checkOnly == nil }
        let p = regime == .qat ? 2 : 3
        let beta = LeastAbsoluteDeviations.fit(
            used.map(design), used.map(\.drop), weights: used.map(\.weight),
            nonnegative: [!allowNegative8] + Array(repeating: true, count: p - 1))
        return regime == .qat ? [beta[0], beta[1] / 2, beta[1] / 2] : beta
    }

    static func predict(_ beta: [Double], _ o: QuantizationObservation) -> Double {
        beta[0] * o.int8Share + beta[1] * o.weightExposure + beta[2] * o.activationExposure
    }

    /// Each observation predicted by constants fitted without its network (check-only rows included).
    func leaveOneNetworkOut(_ obs: [QuantizationObservation]) -> [Double] {
        var out = [Double](repeating: .nan, count: obs.count)
        var seen: [String] = []
        for o in obs where !seen.contains(o.network) { seen.append(o.network) }
        for network in seen {
            let beta = coefficients(obs.filter { $0.network != network })
            for i in obs.indices where obs[i].network == network { out[i] = Self.predict(beta, obs[i]) }
        }
        return out
    }

    /// The fitted constants with residual standard deviations of the fitted rows (sqrt(pi/2) x the
    /// weighted mean absolute residual, the scale that goes with absolute errors): the 8-bit one over
    /// the W8A8 rows, the 4-bit one over the rows below 8 bits less the 8-bit part's variance.
    func parameters(_ obs: [QuantizationObservation], source: String) -> QuantizationPenaltyParameters {
        let beta = coefficients(obs)
        let used = obs.filter { $0.checkOnly == nil }
        func scale(_ rows: [QuantizationObservation]) -> Double {
            let w = rows.map(\.weight).reduce(0, +)
            guard w > 0 else { return 0 }
            return (Double.pi / 2).squareRoot() * rows.map { $0.weight * abs(Self.predict(beta, $0) - $0.drop) }.reduce(0, +) / w
        }
        let s8 = scale(used.filter { $0.shape == .w8a8 })
        let s4 = scale(used.filter { $0.shape != .w8a8 })
        return QuantizationPenaltyParameters(
            int8Penalty: beta[0], int8PenaltyStd: s8,
            int4WeightPenalty: beta[1], int4ActivationPenalty: beta[2],
            int4PenaltyStd: max(0, s4 * s4 - s8 * s8).squareRoot(), source: source)
    }
}
