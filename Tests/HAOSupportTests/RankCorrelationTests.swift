import Testing

@testable import HAOSupport

/// Hand-computed values: one swapped pair among four gives 5 concordant and 1 discordant pair.
@Suite struct RankCorrelationTests {
    @Test func oneSwappedPair() {
        let x = [1.0, 2, 3, 4]
        let y = [1.0, 3, 2, 4]
        #expect(abs(RankCorrelation.kendall(x, y) - 4.0 / 6.0) < 1e-12)
        // Spearman: 1 - 6 * sum(d^2) / (n (n^2 - 1)) = 1 - 6 * 2 / 60.
        #expect(abs(RankCorrelation.spearman(x, y) - 0.8) < 1e-12)
    }

    @Test func tiesShareTheirAverageRank() {
        #expect(RankCorrelation.ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
    }

    @Test func undefinedCasesAreNaN() {
        #expect(RankCorrelation.kendall([1], [1]).isNaN)
        #expect(RankCorrelation.kendall([1, 1, 1], [3, 2, 1]).isNaN)
        #expect(RankCorrelation.pearson([1, 2], [1]).isNaN)
    }
}
