import Foundation

/// The calibration stage: `y = intercept + slope * s + g(x) + noise`, a Gaussian process with
/// an explicit linear mean basis `h(x) = (1, s(x))` (Rasmussen & Williams, *Gaussian
/// Processes for Machine Learning*, 2006, section 2.7), RBF kernel over the slot one-hot
/// distance plus a continuous resolution term.
enum ResidualGP {
    /// Resolution difference that costs 2 units of squared distance at 16 pixels, like
    /// neighbouring one-hot resolution buckets of the OFA encoding (16 / sqrt 2).
    static let resolutionScale = 16 / 2.0.squareRoot()
    /// Hyperparameter grid (variances in squared top-1 points). Signal 0 = no GP residual.
    /// Noise spans 0.2 to 1 point standard deviation: fine-tuning runs of one architecture
    /// differ by a few tenths of a point, and 25- vs 75-epoch fine-tuning is mixed in the data.
    static let signalVariances: [Double] = [0, 0.0625, 0.25, 1, 4, 16]
    static let lengthScalesSquared: [Double] = [4, 8, 16, 32, 64, 128, 256]
    static let noiseVariances: [Double] = [0.04, 0.09, 0.16, 0.25, 0.49, 1.0]

    static func fit(
        points: [ArchitecturePoint], surrogate s: [Double], y: [Double], useSlope: Bool,
        allowGP: Bool = true
    ) throws -> KernelModelFile.Calibration {
        let n = y.count
        // One more network than mean parameters (intercept, and the slope on the surrogate when a
        // teacher is given) leaves one degree of freedom for the residual likelihood.
        let minimum = useSlope ? 3 : 2
        guard n >= minimum else {
            throw PredictorError.training(
                "only \(n) labelled network\(n == 1 ? "" : "s"); need at least \(minimum) (\(useSlope ? "3 with a teacher MLP: intercept and slope of the calibration, plus one" : "2 without a teacher MLP: the calibration's constant mean, plus one"))"
            )
        }
        let codes = points.map { Array(Encoding.codes($0).prefix(40)) }
        var d2 = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var d = 0
                for k in 0..<40 { d += KernelPredictor.codeDistance[Int(codes[i][k]) * 4 + Int(codes[j][k])] }
                let dr = Double(points[i].resolution - points[j].resolution) / resolutionScale
                d2[i * n + j] = Double(d) + dr * dr
            }
        }
        // Basis: intercept, and the surrogate when a teacher exists.
        let basis: [[Double]] = (0..<n).map { useSlope ? [1, s[$0]] : [1] }
        let p = basis[0].count
        var best: (lml: Double, cal: KernelModelFile.Calibration)? = nil
        let signals = allowGP ? signalVariances : [0]
        for sv in signals {
            for l2 in (sv == 0 ? [lengthScalesSquared[0]] : lengthScalesSquared) {
                for nv in noiseVariances {
                    var k = [Double](repeating: 0, count: n * n)
                    for i in 0..<(n * n) { k[i] = sv * exp(-d2[i] / (2 * l2)) }
                    for i in 0..<n { k[i * n + i] += nv }
                    guard Linalg.cholesky(&k, n: n) else { continue }
                    // A = H^T K^-1 H, beta = A^-1 H^T K^-1 y.
                    let kinvH = (0..<p).map { c in Linalg.choleskySolve(k, n: n, basis.map { $0[c] }) }
                    let kinvY = Linalg.choleskySolve(k, n: n, y)
                    var a = [Double](repeating: 0, count: p * p)
                    var rhs = [Double](repeating: 0, count: p)
                    for r in 0..<p {
                        for c in 0..<p { a[r * p + c] = (0..<n).reduce(0) { $0 + basis[$1][r] * kinvH[c][$1] } }
                        rhs[r] = (0..<n).reduce(0) { $0 + basis[$1][r] * kinvY[$1] }
                    }
                    var la = a
                    guard Linalg.cholesky(&la, n: p) else { continue }
                    let beta = Linalg.choleskySolve(la, n: p, rhs)
                    let resid = (0..<n).map { i in y[i] - (0..<p).reduce(0) { $0 + basis[i][$1] * beta[$1] } }
                    let alpha = Linalg.choleskySolve(k, n: n, resid)
                    let quad = zip(resid, alpha).reduce(0) { $0 + $1.0 * $1.1 }
                    // Restricted (basis-marginalised) log likelihood, R&W eq. 2.45 up to constants.
                    let lml =
                        -0.5 * quad - 0.5 * Linalg.logDeterminant(k, n: n) - 0.5 * Linalg.logDeterminant(la, n: p)
                        - 0.5 * Double(n - p) * log(2 * Double.pi)
                    guard lml.isFinite else { continue }
                    if best == nil || lml > best!.lml + 1e-12 {
                        let kinv = Linalg.inverse(k, n: n)
                        let ainv = Linalg.inverse(la, n: p)
                        let meanCov: [[Double]] = p == 2 ? [[ainv[0], ainv[1]], [ainv[2], ainv[3]]] : [[ainv[0], 0], [0, 0]]
                        let resPoints = (0..<n).map { i in
                            KernelModelFile.ResidualPoint(
                                codes: String(decoding: codes[i].map { $0 + 48 }, as: UTF8.self),
                                resolution: Double(points[i].resolution), surrogate: s[i], name: nil)
                        }
                        let cal = KernelModelFile.Calibration(
                            intercept: beta[0], slope: p == 2 ? beta[1] : 0, meanCovariance: meanCov,
                            signalVariance: sv, lengthScaleSquared: l2, noiseVariance: nv, resolutionScale: resolutionScale,
                            points: resPoints, alpha: alpha,
                            inverseCovariance: (0..<n).map { Array(kinv[($0 * n)..<(($0 + 1) * n)]) })
                        best = (lml, cal)
                    }
                }
            }
        }
        guard let best else { throw PredictorError.training("calibration GP: no hyperparameters gave a positive-definite covariance") }
        return best.cal
    }
}
