import Foundation
import Testing

@testable import HAOPredictor

/// Training's refusals say the rule they apply, and the rule is the one the code enforces.
@Suite struct TrainingMessagesTests {
    typealias U = UserCSVTests

    @Test func minimumRowCountMessageMatchesTheRule() throws {
        // Without a teacher the calibration mean is a constant: 2 rows are the minimum.
        let one = try #require(try U.failure(U.header + U.row("a", top1: "70")))
        #expect(one.contains("need at least 2"), "\(one)")
        #expect(try U.failure(U.header + U.row("a", top1: "70") + U.row("b", resolution: 160, top1: "68")) == nil)
    }

    @Test func fractionTop1IsRefused() throws {
        let csv =
            U.header + U.row("a", top1: "0.77") + U.row("b", resolution: 160, top1: "0.74")
            + U.row("c", resolution: 192, top1: "0.76")
        let message = try #require(try U.failure(csv))
        #expect(message.contains("fraction"), "\(message)")
        #expect(message.contains("percent"), "\(message)")
    }

    @Test func unknownColumnsAreRefusedByName() throws {
        let header = "name,resolution,depths,kernels,expand_ratios,bits,top1,top5,epochs\n"
        let k = Array(repeating: "3", count: 20).joined(separator: "-")
        let rows = "a,224,4-4-4-4-4,\(k),\(k),,77,93,25\nb,160,4-4-4-4-4,\(k),\(k),,74,91,25\n"
        let message = try #require(try U.failure(header + rows))
        #expect(message.contains("unknown column"), "\(message)")
        #expect(message.contains("top5") && message.contains("epochs"), "\(message)")
        // A row longer than the header is refused too.
        let long = try #require(try U.failure(U.header + U.row("a", top1: "77").dropLast() + ",93\n" + U.row("b", top1: "70")))
        #expect(long.contains("8 fields"), "\(long)")
    }
}
