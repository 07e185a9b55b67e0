import Foundation
import HAOEvolution
import HAOPredictor

extension FrontierReport {
    /// A Pareto plot of top-1 against fps: the frontier as a staircase, the baselines at 8 and
    /// 4 bits as squares and triangles, the accuracy target as a dashed line. Hand-written SVG.
    public func svg() -> String {
        var xs = frontier.map(\.metrics.fps) + baselines.compactMap(\.fps)
        var ys = frontier.map(\.metrics.top1) + baselines.compactMap { $0.fps != nil ? $0.top1 : nil } + [headline.accuracyTarget]
        if xs.isEmpty { xs = [0, 1] }
        if ys.isEmpty { ys = [0, 1] }
        let c = SVGCanvas(x: SVGLayout.niceRange(xs.min()!, xs.max()!), y: SVGLayout.niceRange(ys.min()!, ys.max()!))
        var out = c.frame(
            title: "Predicted top-1 vs fps on \(c.esc(device)) (\(frontier.count) frontier points)", target: headline.accuracyTarget)
        out += frontierMarks(c)
        out += baselineMarks(c)
        out += c.legend(note: baselines.first?.top1Source ?? "")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The frontier in fps order as a staircase (top-1 only falls as fps rises), its points, and
    /// the best point ringed.
    private func frontierMarks(_ c: SVGCanvas) -> [String] {
        var out: [String] = []
        let points = frontier.sorted { $0.metrics.fps < $1.metrics.fps }
        if !points.isEmpty {
            var path = "M \(c.f(c.px(points[0].metrics.fps))) \(c.f(c.py(points[0].metrics.top1)))"
            for p in points.dropFirst() { path += " H \(c.f(c.px(p.metrics.fps))) V \(c.f(c.py(p.metrics.top1)))" }
            out.append("<path d=\"\(path)\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>")
            for p in points {
                out.append(
                    "<circle cx=\"\(c.f(c.px(p.metrics.fps)))\" cy=\"\(c.f(c.py(p.metrics.top1)))\" r=\"3.5\" fill=\"#1f77b4\"><title>\(c.esc(p.network.name)): \(String(format: "%.2f%% at %.1f fps", p.metrics.top1, p.metrics.fps))</title></circle>"
                )
            }
        }
        if let best = headline.best {
            out.append(
                "<circle cx=\"\(c.f(c.px(best.metrics.fps)))\" cy=\"\(c.f(c.py(best.metrics.top1)))\" r=\"7\" fill=\"none\" stroke=\"#c60\" stroke-width=\"2\"/>"
            )
        }
        return out
    }

    /// The baselines' markers (squares at 8 bits, triangles at 4) and their labels, placed apart.
    private func baselineMarks(_ c: SVGCanvas) -> [String] {
        var out: [String] = []
        var labels: [SVGLayout.SVGLabel] = []
        for b in baselines {
            guard let fps = b.fps, let top1 = b.top1 else { continue }
            let x = c.px(fps)
            let y = c.py(top1)
            let color = b.bits == 8 ? "#2ca02c" : "#d62728"
            if b.bits == 8 {
                out.append(
                    "<rect x=\"\(c.f(x - 4.5))\" y=\"\(c.f(y - 4.5))\" width=\"9\" height=\"9\" fill=\"\(color)\"><title>\(c.esc(b.name)) \(b.bits)-bit</title></rect>"
                )
            } else {
                out.append(
                    "<path d=\"M \(c.f(x)) \(c.f(y - 6)) L \(c.f(x + 5.5)) \(c.f(y + 4)) L \(c.f(x - 5.5)) \(c.f(y + 4)) Z\" fill=\"\(color)\"><title>\(c.esc(b.name)) \(b.bits)-bit</title></path>"
                )
            }
            labels.append(SVGLayout.SVGLabel(text: "\(b.name) \(b.bits)b", anchorX: x, anchorY: y, color: color))
        }
        for label in SVGLayout.placeLabels(
            labels, plotLeft: c.left, plotRight: c.left + c.plotW, plotTop: c.top, plotBottom: c.top + c.plotH)
        {
            // A label moved away from its marker gets a thin leader line back to it.
            if abs(label.baseline - 4 - label.anchorY) > 3 {
                let lx = label.anchorEnd ? label.x + 1 : label.x - 1
                out.append(
                    "<line x1=\"\(c.f(label.anchorX))\" y1=\"\(c.f(label.anchorY))\" x2=\"\(c.f(lx))\" y2=\"\(c.f(label.baseline - 3.5))\" stroke=\"\(label.color)\" stroke-width=\"0.6\"/>"
                )
            }
            let anchor = label.anchorEnd ? " text-anchor=\"end\"" : ""
            out.append(
                "<text x=\"\(c.f(label.x))\" y=\"\(c.f(label.baseline))\" font-size=\"10\"\(anchor) fill=\"\(label.color)\">\(c.esc(label.text))</text>"
            )
        }
        return out
    }
}

/// The plot's geometry and drawing primitives: a 760 x 500 picture, the plot area inside margins,
/// data ranges mapped to pixels.
struct SVGCanvas {
    let width = 760.0, height = 500.0
    let left = 70.0, right = 190.0, top = 40.0, bottom = 60.0
    let xr: (low: Double, high: Double, ticks: [Double])
    let yr: (low: Double, high: Double, ticks: [Double])

    init(x: (low: Double, high: Double, ticks: [Double]), y: (low: Double, high: Double, ticks: [Double])) {
        xr = x
        yr = y
    }

    var plotW: Double { width - left - right }
    var plotH: Double { height - top - bottom }
    func px(_ x: Double) -> Double { left + (x - xr.low) / (xr.high - xr.low) * plotW }
    func py(_ y: Double) -> Double { top + plotH - (y - yr.low) / (yr.high - yr.low) * plotH }
    func f(_ v: Double) -> String { String(format: "%.1f", v) }
    func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }

    /// The header, background, title, grid, axes and the dashed accuracy target.
    func frame(title: String, target: Double) -> [String] {
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">"
        )
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        out.append("<text x=\"\(f(left))\" y=\"22\" font-size=\"15\">\(title)</text>")
        for t in xr.ticks {
            out.append("<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH))\" stroke=\"#eee\"/>")
            out.append("<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(SVGLayout.label(t))</text>")
        }
        for t in yr.ticks {
            out.append("<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#eee\"/>")
            out.append("<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(SVGLayout.label(t))</text>")
        }
        out.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>")
        out.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">frames per second (batch 1)</text>")
        out.append("<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">top-1 (%)</text>")
        if target >= yr.low && target <= yr.high {
            out.append(
                "<line x1=\"\(f(left))\" y1=\"\(f(py(target)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(target)))\" stroke=\"#c60\" stroke-dasharray=\"5 4\"/>"
            )
            out.append(
                "<text x=\"\(f(left + plotW - 4))\" y=\"\(f(py(target) - 5))\" text-anchor=\"end\" fill=\"#c60\">\(SVGLayout.label(target))% target</text>"
            )
        }
        return out
    }

    /// The legend right of the plot, and the note on where baseline top-1 comes from.
    func legend(note: String) -> [String] {
        var out: [String] = []
        let lx = left + plotW + 16
        out.append(
            "<circle cx=\"\(f(lx + 5))\" cy=\"\(f(top + 10))\" r=\"3.5\" fill=\"#1f77b4\"/><text x=\"\(f(lx + 16))\" y=\"\(f(top + 14))\">searched frontier</text>"
        )
        out.append(
            "<rect x=\"\(f(lx + 0.5))\" y=\"\(f(top + 25.5))\" width=\"9\" height=\"9\" fill=\"#2ca02c\"/><text x=\"\(f(lx + 16))\" y=\"\(f(top + 34))\">baseline, 8-bit</text>"
        )
        out.append(
            "<path d=\"M \(f(lx + 5)) \(f(top + 44)) L \(f(lx + 10.5)) \(f(top + 54)) L \(f(lx - 0.5)) \(f(top + 54)) Z\" fill=\"#d62728\"/><text x=\"\(f(lx + 16))\" y=\"\(f(top + 54))\">baseline, 4-bit</text>"
        )
        if !note.isEmpty {
            var y = top + 80
            out.append("<text x=\"\(f(lx))\" y=\"\(f(y))\" font-size=\"10\" fill=\"#555\">baseline top-1:</text>")
            for line in SVGLayout.wrap(note, width: 30) {
                y += 13
                out.append("<text x=\"\(f(lx))\" y=\"\(f(y))\" font-size=\"10\" fill=\"#555\">\(esc(line))</text>")
            }
        }
        return out
    }
}

/// Layout helpers of the frontier plot: label placement without overlaps, axis ranges, number labels.
enum SVGLayout {
    struct SVGLabel {
        var text: String
        /// The marker's centre.
        var anchorX: Double, anchorY: Double
        var color: String
        /// Text position: `x` is the start (or the end when `anchorEnd`), `baseline` the text baseline.
        var x = 0.0, baseline = 0.0
        var anchorEnd = false

        /// Estimated width at 10 px sans-serif: 0.6 em per character is a safe upper bound
        /// for the label alphabet (mostly letters, digits and '-').
        var width: Double { 6.0 * Double(text.count) }
        static let lineHeight = 12.0
        var left: Double { anchorEnd ? x - width : x }
        var right: Double { anchorEnd ? x : x + width }
        var top: Double { baseline - 10 }
        var bottom: Double { baseline + 2 }

        func overlaps(_ o: SVGLabel) -> Bool {
            left < o.right && o.left < right && top < o.bottom && o.top < bottom
        }
    }

    /// Places baseline labels so that no label overlaps another label or any marker: for each
    /// label (taken top to bottom) the first free spot among right of its marker, left of it,
    /// then the same nudged down or up by whole lines (12, 24, ... px), within the plot's width.
    static func placeLabels(_ labels: [SVGLabel], plotLeft: Double, plotRight: Double, plotTop: Double, plotBottom: Double) -> [SVGLabel] {
        struct Rect { var left, right, top, bottom: Double }
        func intersects(_ a: Rect, _ b: Rect) -> Bool { a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom }
        func rect(_ l: SVGLabel) -> Rect { Rect(left: l.left, right: l.right, top: l.top, bottom: l.bottom) }
        // Markers are at most 11 px wide and 10 px tall around their centre.
        let markers = labels.map { Rect(left: $0.anchorX - 6, right: $0.anchorX + 6, top: $0.anchorY - 6.5, bottom: $0.anchorY + 5) }
        var taken: [Rect] = []
        var placed: [SVGLabel] = []
        let order = labels.indices.sorted { (labels[$0].anchorY, labels[$0].anchorX, $0) < (labels[$1].anchorY, labels[$1].anchorX, $1) }
        for i in order {
            var best: SVGLabel?
            search: for step in 0...(2 * labels.count + 2) {
                // 0, +1, -1, +2, -2, ... lines
                let lines = step == 0 ? 0 : (step % 2 == 1 ? (step + 1) / 2 : -(step / 2))
                for anchorEnd in [false, true] {
                    var l = labels[i]
                    l.anchorEnd = anchorEnd
                    l.x = anchorEnd ? l.anchorX - 8 : l.anchorX + 8
                    l.baseline = l.anchorY + 4 + Double(lines) * SVGLabel.lineHeight
                    let r = rect(l)
                    guard r.left >= plotLeft + 1, r.right <= plotRight - 1, r.top >= plotTop - 12, r.bottom <= plotBottom + 12 else {
                        continue
                    }
                    if taken.contains(where: { intersects($0, r) }) { continue }
                    if markers.enumerated().contains(where: { $0.offset != i && intersects($0.element, r) }) { continue }
                    best = l
                    break search
                }
            }
            // Nowhere free (a very crowded plot): keep the plain spot right of the marker.
            let label =
                best
                ?? {
                    var l = labels[i]
                    l.x = l.anchorX + 8
                    l.baseline = l.anchorY + 4
                    return l
                }()
            taken.append(rect(label))
            placed.append(label)
        }
        return placed
    }

    static func niceRange(_ low: Double, _ high: Double) -> (low: Double, high: Double, ticks: [Double]) {
        var lo = low
        var hi = high
        if hi - lo < 1e-9 {
            lo -= 1
            hi += 1
        }
        let raw = (hi - lo) / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let start = floor(lo / step) * step
        let end = ceil(hi / step) * step
        let ticks = stride(from: start, through: end + step / 2, by: step).map { $0 }
        return (start, end, ticks)
    }

    static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%g", v)
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + word.count + 1 > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
