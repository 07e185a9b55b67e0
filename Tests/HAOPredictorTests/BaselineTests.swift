import Foundation
import HAONetwork
import Testing

@testable import HAOPredictor

/// Issue 4, section 6: the predictor's error on the shipped baselines' published top-1.
/// docs/predictor.md ("Shipped baselines") states the figures and the bound checked here.
@Suite struct BaselineTests {
    static func network(_ name: String) throws -> Network {
        let url = Paths.root.appendingPathComponent("Models/networks/\(name).json")
        try #require(FileManager.default.fileExists(atPath: url.path), "shipped network \(url.path) missing")
        return try Network.load(contentsOf: url)
    }

    /// The in-space point nearest to `net`: every block whose expanded width matches no expand
    /// choice takes the choice whose width is closest (MobileNetV3-Large's 2.5 and 2.3 become 3).
    static func nearestPoint(_ net: Network, in space: SearchSpace) throws -> ArchitecturePoint {
        var n = net
        for i in n.blocks.indices {
            let b = n.blocks[i]
            let widths = space.expandChoices.map { space.expandedChannels(inChannels: b.inChannels, expand: $0) }
            guard !widths.contains(b.expandedChannels), b.expandedChannels != b.inChannels else { continue }
            let nearest = try #require(widths.min { abs($0 - b.expandedChannels) < abs($1 - b.expandedChannels) })
            n.blocks[i].expandedChannels = nearest
            if b.seChannels > 0 { n.blocks[i].seChannels = space.seChannels(expanded: nearest) }
        }
        return try space.point(for: n)
    }

    /// The shipped network is refused as it stands (expand 2.5/2.3); its nearest point is
    /// predicted, full precision, against the published float top-1 (Howard et al. 2019, 75.2,
    /// read from the network file's `reference`). Documented bound: the error stays within
    /// 2 predicted standard deviations and within 2.0 points, the leave-one-out max-error bound
    /// of `leaveOneOutErrorBelowDocumentedFigure`. Measured: 75.6 +- 1.1, error +0.4.
    @Test func mobileNetV3LargeNearestPointMatchesPublishedTop1() throws {
        let space = try loadSpace()
        let net = try Self.network("mobilenet_v3_large_1.0")
        #expect(throws: SearchSpaceError.self) { _ = try space.point(for: net) }
        let point = try Self.nearestPoint(net, in: space)
        #expect(point.depths == [2, 3, 4, 2, 3])
        #expect(point.resolution == 224)
        let published = try #require(net.reference?.top1)
        #expect(published == 75.2)
        let p = try AccuracyPredictor(contentsOf: Paths.shippedModel).predict(point)
        let sd = try #require(p.stddev)
        let error = p.fullPrecisionTop1 - published
        print("MobileNetV3-Large nearest point: predicted \(p.fullPrecisionTop1) +- \(sd), published \(published), error \(error)")
        #expect(abs(error) <= 2 * sd, "error \(error) outside 2 x stddev \(sd)")
        #expect(abs(error) <= 2.0, "error \(error)")
    }

    /// The teacher alone reads the same point several points high (docs: 81.1), which is why
    /// the shipped model is calibrated on real top-1.
    @Test(.enabled(if: Paths.haveData, Paths.skipComment))
    func teacherAloneIsFarOffOnMobileNetV3Large() throws {
        let space = try loadSpace()
        let point = try Self.nearestPoint(try Self.network("mobilenet_v3_large_1.0"), in: space)
        let teacher = try AccuracyPredictor(contentsOf: Paths.dataFile("ofa_predictor/acc_predictor_mlp.json"))
        let calibrated = try AccuracyPredictor(contentsOf: Paths.shippedModel).predict(point).fullPrecisionTop1
        let raw = teacher.predict(point).fullPrecisionTop1
        #expect(raw - 75.2 > 3, "teacher \(raw)")
        #expect(abs(calibrated - 75.2) < abs(raw - 75.2))
    }

    /// The other shipped baselines are not once-for-all MobileNetV3 nets: each is refused with
    /// the first thing that differs, rather than encoded into inputs they do not share.
    @Test(arguments: ["mobilenet_v2_1.0", "mnasnet_a1", "fbnet_b", "proxylessnas_mobile"])
    func otherBaselinesAreRefusedWithAReason(name: String) throws {
        let space = try loadSpace()
        let net = try Self.network(name)
        do {
            let p = try space.point(for: net)
            Issue.record("\(name) accepted as \(p)")
        } catch let SearchSpaceError.networkOutsideSpace(network, reason) {
            #expect(network == net.name)
            #expect(reason.count > 10, "\(reason)")
            print("\(name): \(reason)")
        }
    }
}
