import Foundation
import HAOEvolution
import HAOPredictor
import HAOSupport
import Testing

@testable import HAOCoDesign

@Suite("Terminal and plot output of the search")
struct OutputTests {
    /// The progress line fits 79 columns even with large counts, keeping generation and ETA.
    @Test func progressLineFitsAnEightyColumnTerminal() {
        let cases: [(Int, Int, Int, Double, Int, Double, Double?, Double?)] = [
            (0, 25, 48, 0, 0, 50, nil, nil),
            (12, 25, 624, 51.2, 23, 50, 73.12, 6.4),
            (125, 125, 123_456, 1234.5, 1234, 1000, 78.901, 3725),
            (99_999, 100_000, 99_999_999, 99_999.9, 99_999, 12345.6, 100, 1e12),
            (Int.max, Int.max, Int.max, 1e300, Int.max, 1e300, 1e300, .infinity),
        ]
        for (g, n, e, rate, fr, fps, best, eta) in cases {
            let line = ProgressLine.format(
                generation: g, generations: n, evaluations: e, evaluationsPerSecond: rate,
                frontier: fr, targetFps: fps, bestTop1: best, eta: eta)
            #expect(line.count <= 79, "\(line.count) columns: \(line)")
            #expect(line.contains("ETA"), "\(line)")
            #expect(line.contains("gen "), "\(line)")
        }
        let typical = ProgressLine.format(
            generation: 12, generations: 25, evaluations: 624, evaluationsPerSecond: 51.2,
            frontier: 23, targetFps: 50, bestTop1: 73.12, eta: 6.4)
        for field in ["gen 12/25", "624 evals", "frontier 23", "73.12%", "ETA 6.4s"] {
            #expect(typical.contains(field), "\(field) missing: \(typical)")
        }
    }

    /// Baseline labels whose markers nearly coincide (as MnasNet-A1 4b and MobileNetV3-Large 4b
    /// did) are placed so their text boxes do not overlap.
    @Test func baselineLabelsDoNotOverlap() throws {
        let space = try shippedSpace()
        let p = space.smallestPointForTests
        let point = FrontierPoint<SyntheticConfiguration>(
            point: p, network: try space.network(for: p), metrics: Metrics(top1: 74, latencyMs: 1))
        func base(_ name: String, _ bits: Int, _ top1: Double, _ fps: Double) -> BaselinePoint<SyntheticConfiguration> {
            BaselinePoint(name: name, bits: bits, top1: top1, top1Source: "test", latencyMs: 1000 / fps)
        }
        let baselines = [
            base("MnasNet-A1", 4, 73.05, 900), base("MobileNetV3-Large", 4, 73.0, 905), base("FBNet-B", 4, 72.95, 910),
            base("MnasNet-A1", 8, 75.0, 600), base("MobileNetV3-Large", 8, 75.1, 602), base("ProxylessNAS", 8, 74.9, 990),
        ]
        let report = FrontierReport(
            device: "TEST", space: space.name, constraints: SearchConstraints(), settings: NSGA2Settings(),
            generations: 1, stats: SearchStats(), frontier: [point], baselines: baselines,
            headline: Headline(frontier: [point], baselines: baselines))
        let svg = report.svg()
        struct Box {
            var text: String
            var left, right, top, bottom: Double
        }
        var boxes: [Box] = []
        let pattern = /<text x="([-0-9.]+)" y="([-0-9.]+)" font-size="10"( text-anchor="end")? fill="#[0-9a-f]+">([^<]+ [48]b)<\/text>/
        for match in svg.matches(of: pattern) {
            let x = Double(match.1)!
            let y = Double(match.2)!
            let text = String(match.4)
            let width = 6.0 * Double(text.count)  // 0.6 em per character at 10 px: an upper bound
            let left = match.3 == nil ? x : x - width
            boxes.append(Box(text: text, left: left, right: left + width, top: y - 10, bottom: y + 2))
        }
        #expect(boxes.count == baselines.count, "labels found: \(boxes.map(\.text))")
        // Nor does a label cover another baseline's marker.
        let markers = svg.matches(
            of: /<(?:rect x="([-0-9.]+)" y="([-0-9.]+)" width="9"|path d="M ([-0-9.]+) ([-0-9.]+) L)[^>]*><title>([^<]+)<\/title>/
        ).map { m in
            m.1 != nil ? (String(m.5), Double(m.1!)! + 4.5, Double(m.2!)! + 4.5) : (String(m.5), Double(m.3!)!, Double(m.4!)! + 6)
        }
        #expect(markers.count == baselines.count)
        for box in boxes {
            for (name, x, y) in markers where name != String(box.text.dropLast()) + "-bit" {
                let hit = box.left < x + 5 && x - 5 < box.right && box.top < y + 4 && y - 5 < box.bottom
                #expect(!hit, "'\(box.text)' covers the marker of \(name)")
            }
        }
        for i in boxes.indices {
            for j in boxes.indices where i < j {
                let a = boxes[i]
                let b = boxes[j]
                let overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
                #expect(!overlap, "'\(a.text)' overlaps '\(b.text)'")
            }
            #expect(boxes[i].right <= 760 && boxes[i].left >= 0, "'\(boxes[i].text)' leaves the picture")
        }
    }
}

extension SearchSpace {
    /// Some valid point of the space.
    var smallestPointForTests: ArchitecturePoint {
        var rng = SplitMix64(seed: 3)
        return canonical(sample(using: &rng))
    }
}
