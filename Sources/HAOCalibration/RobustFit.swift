import Foundation

/// Bounded robust least squares by a projected Levenberg-Marquardt method, deterministic.
///
/// Minimises `sum soft_l1(r_i(theta))` over a box `lower <= theta <= upper`, where
/// `soft_l1(r) = 2 delta^2 (sqrt(1 + (r / delta)^2) - 1)`: quadratic for small residuals, linear for
/// outliers, so a few badly modelled measurements cannot pull the fit. Each iteration weighs the
/// residuals by `w_i = (1 + (r_i / delta)^2)^(-1/2)` (iteratively reweighted least squares), builds
/// a forward-difference Jacobian (step `+1e-6`, `-1e-6` at the upper bound), solves
/// `(J'WJ + lambda (diag(J'WJ) + 1e-12)) step = -J'Wr` and clips `theta + step` to the box; a step
/// is accepted when the loss falls (lambda / 3), else lambda x 4 and retry. It stops when an accepted
/// step improves the loss by less than 1e-10 relative, lambda exceeds 1e10, or after 300 iterations.
public struct RobustLeastSquares: Sendable {
    /// Scale of the soft-L1 loss: residuals (log ratios) above it count linearly. 0.05 is a 5% error.
    public var delta: Double
    /// Iteration limit.
    public var maxIterations: Int

    /// The method with its documented settings.
    public init(delta: Double = 0.05, maxIterations: Int = 300) {
        self.delta = delta
        self.maxIterations = maxIterations
    }

    /// The soft-L1 loss of residuals `r`.
    public func loss(_ r: [Double]) -> Double {
        var sum = 0.0
        for x in r {
            let u = x / delta
            sum += 2 * delta * delta * ((1 + u * u).squareRoot() - 1)
        }
        return sum.isNaN ? .infinity : sum
    }

    /// The minimiser found from `start`, its loss and the iterations taken.
    public func minimise(
        start: [Double], lower: [Double], upper: [Double],
        residuals: ([Double]) -> [Double]
    ) -> (theta: [Double], loss: Double, iterations: Int) {
        let n = start.count
        var theta = zip(start, zip(lower, upper)).map { min(max($0, $1.0), $1.1) }
        var r = residuals(theta)
        var current = loss(r)
        var lambda = 1e-3
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let w = r.map { 1 / (1 + ($0 / delta) * ($0 / delta)).squareRoot() }
            var jacobian = [[Double]](repeating: [], count: n)
            for j in 0..<n {
                var probe = theta
                var h = 1e-6
                if probe[j] + h > upper[j] { h = -h }
                probe[j] += h
                let rj = residuals(probe)
                jacobian[j] = zip(rj, r).map { ($0 - $1) / h }
            }
            var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            var g = [Double](repeating: 0, count: n)
            for i in 0..<n {
                for k in 0..<r.count { g[i] += jacobian[i][k] * w[k] * r[k] }
                for j in i..<n {
                    var s = 0.0
                    for k in 0..<r.count { s += jacobian[i][k] * w[k] * jacobian[j][k] }
                    a[i][j] = s
                    a[j][i] = s
                }
            }
            var accepted = false
            var improvement = 0.0
            while lambda < 1e10 {
                var damped = a
                for i in 0..<n { damped[i][i] += lambda * (a[i][i] + 1e-12) }
                if let step = Self.solve(damped, g.map { -$0 }) {
                    let candidate = (0..<n).map { min(max(theta[$0] + step[$0], lower[$0]), upper[$0]) }
                    let rc = residuals(candidate)
                    let lc = loss(rc)
                    if lc.isFinite && lc < current {
                        improvement = (current - lc) / max(current, 1e-300)
                        theta = candidate
                        r = rc
                        current = lc
                        lambda = max(lambda / 3, 1e-12)
                        accepted = true
                        break
                    }
                }
                lambda *= 4
            }
            if !accepted || improvement < 1e-10 { break }
        }
        return (theta, current, iterations)
    }

    /// Solves `a x = b` for a symmetric positive definite `a` (Cholesky); nil when it is not.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i][i] = s.squareRoot()
                } else {
                    l[i][j] = s / l[j][j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= l[i][k] * y[k] }
            y[i] = s / l[i][i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<n { s -= l[k][i] * x[k] }
            x[i] = s / l[i][i]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }
}
