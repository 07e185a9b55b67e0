/// Rank and linear correlations of two equally long samples, shared by the latency calibration
/// and the accuracy predictor's validation (one implementation of each statistic).
public enum RankCorrelation {
    /// Ranks from 1, ties sharing their average rank.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            for k in i...j { result[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return result
    }

    /// Pearson correlation (nan for fewer than two values or no spread).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count > 1 else { return .nan }
        let mx = x.reduce(0, +) / Double(x.count)
        let my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Spearman rank correlation: Pearson's on ranks with ties averaged.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }

    /// Kendall's tau-b (ties in either variable accounted for).
    public static func kendall(_ x: [Double], _ y: [Double]) -> Double {
        let n = x.count
        guard n == y.count, n > 1 else { return .nan }
        var concordant = 0
        var discordant = 0
        var tiesX = 0
        var tiesY = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dx = x[i] - x[j]
                let dy = y[i] - y[j]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 {
                    tiesX += 1
                } else if dy == 0 {
                    tiesY += 1
                } else if (dx > 0) == (dy > 0) {
                    concordant += 1
                } else {
                    discordant += 1
                }
            }
        }
        let a = Double(concordant + discordant + tiesX)
        let b = Double(concordant + discordant + tiesY)
        return Double(concordant - discordant) / (a * b).squareRoot()
    }
}
