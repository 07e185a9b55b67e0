/// Dense symmetric positive-definite algebra on row-major `[Double]`, enough for kernel
/// ridge / Gaussian-process fits of a few thousand points. No external BLAS is assumed.
enum Linalg {
    /// In-place lower Cholesky factor of the `n x n` matrix `a` (upper triangle left as is).
    /// Returns false when the matrix is not positive definite.
    static func cholesky(_ a: inout [Double], n: Int) -> Bool {
        var ok = true
        a.withUnsafeMutableBufferPointer { m in
            for j in 0..<n {
                var d = m[j * n + j]
                for k in 0..<j { d -= m[j * n + k] * m[j * n + k] }
                guard d > 0, d.isFinite else {
                    ok = false
                    return
                }
                let l = d.squareRoot()
                m[j * n + j] = l
                let inv = 1 / l
                for i in (j + 1)..<max(j + 1, n) {
                    var s = m[i * n + j]
                    let ri = i * n
                    let rj = j * n
                    for k in 0..<j { s -= m[ri + k] * m[rj + k] }
                    m[ri + j] = s * inv
                }
            }
        }
        return ok
    }

    /// Solves `L L^T x = b` given the lower factor `l`.
    static func choleskySolve(_ l: [Double], n: Int, _ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * y[k] }
            y[i] = s / l[i * n + i]
        }
        return y
    }

    /// log |A| from its lower Cholesky factor.
    static func logDeterminant(_ l: [Double], n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += 2 * log(l[i * n + i]) }
        return s
    }

    /// Inverse of `A` from its lower Cholesky factor, as row-major `n x n`.
    static func inverse(_ l: [Double], n: Int) -> [Double] {
        var inv = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            let col = choleskySolve(l, n: n, e)
            for i in 0..<n { inv[i * n + j] = col[i] }
        }
        return inv
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
