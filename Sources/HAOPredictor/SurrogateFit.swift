import Foundation
import HAOSupport

// The surrogate of the teacher MLP: subset-of-regressors kernel ridge regression on random
// architectures of the space, hyperparameters chosen by holdout error.
extension PredictorTrainer {
    func fitSurrogate(teacher: DenseMLP, rng: inout SplitMix64) throws -> SurrogateFit {
        let n = options.teacherSamples
        let m = min(options.supportPoints, options.teacherSamples)
        let h = options.holdoutSamples
        guard n > 0, m > 0, h > 0 else { throw PredictorError.training("teacher samples, support points and holdout must be positive") }
        // The GP's support matrix is m x m doubles and the samples are held in memory: beyond these
        // sizes (3.2 GB at m = 20,000) a request is a typo that would exhaust memory, not a setting.
        guard n <= 1_000_000, h <= 1_000_000, m <= 20_000 else {
            throw PredictorError.training(
                "at most 1,000,000 teacher and holdout samples and 20,000 support points are supported; got \(n), \(h) and \(options.supportPoints)"
            )
        }
        let train = (0..<n).map { _ in space.sample(using: &rng) }
        let hold = (0..<h).map { _ in space.sample(using: &rng) }
        let yTrain = train.map { teacher.ofaTop1($0) }
        let yHold = hold.map { teacher.ofaTop1($0) }
        let mean = yTrain.reduce(0, +) / Double(n)
        let yc = yTrain.map { $0 - mean }
        let width = Encoding.codeCount
        let trainCodes = train.flatMap(Encoding.codes)
        let holdCodes = hold.flatMap(Encoding.codes)
        // Squared distances are integers: precompute train x support and holdout x support once.
        let dTrain = Self.codeDistances(trainCodes, rows: n, support: trainCodes, supportCount: m)
        let dHold = Self.codeDistances(holdCodes, rows: h, support: trainCodes, supportCount: m)
        var best: (mae: Double, l2: Double, ridge: Double, alpha: [Double])? = nil
        var tried: [String] = []
        for l2 in options.surrogateLengthScales {
            let table = (0...(2 * width)).map { exp(-Double($0) / (2 * l2)) }
            let (a0, b) = Self.normalEquations(dTrain, kernel: table, y: yc, rows: n, supportCount: m)
            let kmm = (0..<(m * m)).map { table[Int(dTrain[($0 / m) * m + ($0 % m)])] }
            for ridge in options.surrogateRidges {
                var a = a0
                for i in 0..<(m * m) { a[i] += ridge * kmm[i] }
                let jitter = 1e-8 * Double(n)
                for i in 0..<m { a[i * m + i] += jitter }
                guard Linalg.cholesky(&a, n: m) else {
                    tried.append("l2=\(l2) ridge=\(ridge): not positive definite")
                    continue
                }
                let alpha = Linalg.choleskySolve(a, n: m, b)
                var err = 0.0
                for r in 0..<h {
                    var s = mean
                    for i in 0..<m { s += alpha[i] * table[Int(dHold[r * m + i])] }
                    err += abs(s - yHold[r])
                }
                let mae = err / Double(h)
                tried.append("l2=\(l2) ridge=\(ridge): holdout MAE \(String(format: "%.3f", mae))")
                if best == nil || mae < best!.mae { best = (mae, l2, ridge, alpha) }
            }
        }
        guard let best else { throw PredictorError.training("no surrogate hyperparameters gave a positive-definite system") }
        let codes = (0..<m).map { i in String(decoding: trainCodes[(i * width)..<((i + 1) * width)].map { $0 + 48 }, as: UTF8.self) }
        let file = KernelModelFile.Surrogate(lengthScaleSquared: best.l2, mean: mean, supportCodes: codes, alpha: best.alpha)
        let compiled = try KernelPredictor(file: Self.shell(surrogate: file), path: "<training>")
        let pred = hold.map { compiled.surrogate(Encoding.codes($0)) }
        let metric = Self.metric(
            name: "surrogate vs teacher on held-out random architectures", predicted: pred, actual: yHold,
            note: "fidelity to the teacher, not to real accuracy")
        let selection =
            "surrogate: subset-of-regressors kernel ridge, \(m) support points (the first teacher samples), \(n) teacher samples; hyperparameters chosen by holdout MAE over \(tried.joined(separator: "; ")); chosen l2=\(best.l2), ridge=\(best.ridge). "
        return SurrogateFit(file: file, holdout: metric, selection: selection)
    }

    /// Squared one-hot distances between every coded row and the first `supportCount` support
    /// rows (integers, so stored as bytes).
    static func codeDistances(_ codes: [UInt8], rows: Int, support: [UInt8], supportCount m: Int) -> [UInt8] {
        let width = Encoding.codeCount
        var d = [UInt8](repeating: 0, count: rows * m)
        let table = KernelPredictor.codeDistance
        codes.withUnsafeBufferPointer { c in
            support.withUnsafeBufferPointer { sc in
                for r in 0..<rows {
                    for i in 0..<m {
                        var d2 = 0
                        for j in 0..<(width - 1) { d2 += table[Int(c[r * width + j]) * 4 + Int(sc[i * width + j])] }
                        if c[r * width + width - 1] != sc[i * width + width - 1] { d2 += 2 }
                        d[r * m + i] = UInt8(d2)
                    }
                }
            }
        }
        return d
    }

    /// The subset-of-regressors normal equations A0 = Kmn Knm and b = Kmn y (upper triangle
    /// accumulated, then mirrored), with the kernel as a table over squared distances.
    static func normalEquations(
        _ distances: [UInt8], kernel table: [Double], y yc: [Double], rows n: Int,
        supportCount m: Int
    ) -> (a: [Double], b: [Double]) {
        var a0 = [Double](repeating: 0, count: m * m)
        var b = [Double](repeating: 0, count: m)
        var row = [Double](repeating: 0, count: m)
        a0.withUnsafeMutableBufferPointer { a in
            row.withUnsafeMutableBufferPointer { k in
                for r in 0..<n {
                    for i in 0..<m { k[i] = table[Int(distances[r * m + i])] }
                    for i in 0..<m {
                        let ki = k[i]
                        if ki < 1e-12 { continue }
                        b[i] += ki * yc[r]
                        let base = i * m
                        for j in i..<m { a[base + j] += ki * k[j] }
                    }
                }
            }
        }
        for i in 0..<m { for j in 0..<i { a0[i * m + j] = a0[j * m + i] } }
        return (a0, b)
    }
}
