import Foundation
import HAOHardware

/// The plot area of the calibration figure: log-log axes over `lo...hi` decades, with the pixel
/// mapping every part of the figure shares.
private struct LogLogFrame {
    let lo: Double
    let hi: Double
    let width = 720.0
    let height = 600.0
    let left = 78.0
    let top = 56.0
    var plotW: Double { width - left - 24 }
    var plotH: Double { height - top - 64 }

    func x(_ v: Double) -> Double { left + (log10(max(v, 1e-12)) - lo) / (hi - lo) * plotW }
    func y(_ v: Double) -> Double { top + plotH - (log10(max(v, 1e-12)) - lo) / (hi - lo) * plotH }
    func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

extension CalibrationReport {
    /// Predicted against measured latency, log-log: the calibrated model's cross-validated
    /// predictions (blue), the MACs-only model's (grey), the identity and +-20% lines, the worst
    /// calibrated errors labelled. A latency model is judged by looking at this plot.
    public func svg(labelled: Int = 6) -> String {
        let o = outcome
        let measured = o.measurements.map(\.latencyMs)
        let positive = (measured + o.crossValidated + o.macsCrossValidated).filter { $0 > 0 && $0.isFinite }
        let frame = LogLogFrame(lo: log10(positive.min() ?? 0.1) - 0.08, hi: log10(positive.max() ?? 10) + 0.08)
        var s = header(frame)
        s += grid(frame)
        s += points(frame, measured: measured)
        s += worstLabels(frame, measured: measured, count: labelled)
        s += legend(frame)
        s.append("</svg>")
        return s.joined(separator: "\n") + "\n"
    }

    private func header(_ frame: LogLogFrame) -> [String] {
        let (f, width, height) = (frame.f, Int(frame.width), Int(frame.height))
        let title = "\(profile.target) target on \(profile.device): predicted vs measured latency"
        let subtitle =
            "\(outcome.measurements.count) measurements, \(outcome.crossValidation.folds)-fold cross-validated predictions; profile \(profile.name)"
        return [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(f(frame.left))\" y=\"22\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>",
            "<text x=\"\(f(frame.left))\" y=\"40\" fill=\"#444\">\(escape(subtitle))</text>",
        ]
    }

    /// Grid and ticks at 1, 2, 5 x 10^k, the frame and the axis titles.
    private func grid(_ frame: LogLogFrame) -> [String] {
        let (f, x, y, left, top, plotW, plotH) = (frame.f, frame.x, frame.y, frame.left, frame.top, frame.plotW, frame.plotH)
        var s: [String] = []
        for e in Int(floor(frame.lo))...Int(ceil(frame.hi)) {
            for m in [1.0, 2.0, 5.0] {
                let v = m * pow(10, Double(e))
                let lv = log10(v)
                guard lv >= frame.lo, lv <= frame.hi else { continue }
                let stroke = m == 1 ? "ddd" : "f0f0f0"
                let label = tick(v)
                s += [
                    "<line x1=\"\(f(x(v)))\" y1=\"\(f(top))\" x2=\"\(f(x(v)))\" y2=\"\(f(top + plotH))\" stroke=\"#\(stroke)\"/>",
                    "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(v)))\" stroke=\"#\(stroke)\"/>",
                    "<text x=\"\(f(x(v)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" fill=\"#555\">\(label)</text>",
                    "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\" fill=\"#555\">\(label)</text>",
                ]
            }
        }
        return s + [
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#888\"/>",
            "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(frame.height - 22))\" text-anchor=\"middle\">measured latency (ms)</text>",
            "<text transform=\"translate(20 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">predicted latency (ms)</text>",
        ]
    }

    /// The identity and +-20% lines, then both models' cross-validated predictions.
    private func points(_ frame: LogLogFrame, measured: [Double]) -> [String] {
        let (f, x, y) = (frame.f, frame.x, frame.y)
        let a = pow(10, frame.lo)
        let b = pow(10, frame.hi)
        var s = ["<line x1=\"\(f(x(a)))\" y1=\"\(f(y(a)))\" x2=\"\(f(x(b)))\" y2=\"\(f(y(b)))\" stroke=\"#222\" stroke-width=\"1\"/>"]
        for factor in [1.2, 1 / 1.2] {
            s.append(
                "<line x1=\"\(f(x(a)))\" y1=\"\(f(y(a * factor)))\" x2=\"\(f(x(b)))\" y2=\"\(f(y(b * factor)))\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>"
            )
        }
        s.append("<g clip-path=\"none\">")
        for (m, p) in zip(measured, outcome.macsCrossValidated) where p > 0 {
            s.append("<circle cx=\"\(f(x(m)))\" cy=\"\(f(y(p)))\" r=\"2.2\" fill=\"#9a9a9a\" fill-opacity=\"0.45\"/>")
        }
        for (m, p) in zip(measured, outcome.crossValidated) where p > 0 {
            s.append("<circle cx=\"\(f(x(m)))\" cy=\"\(f(y(p)))\" r=\"2.6\" fill=\"#1f5fbf\" fill-opacity=\"0.7\"/>")
        }
        s.append("</g>")
        return s
    }

    /// The worst distinct workloads (repeated measurements of one are labelled once), labels
    /// moved down until they clear the ones already placed.
    private func worstLabels(_ frame: LogLogFrame, measured: [Double], count labelled: Int) -> [String] {
        let (f, x, y) = (frame.f, frame.x, frame.y)
        let o = outcome
        var s: [String] = []
        var seen = Set<String>()
        var placed: [Double] = []
        for i in worst(o.measurements.count) where seen.insert(o.measurements[i].group).inserted {
            if seen.count > labelled { break }
            let m = measured[i]
            let p = o.crossValidated[i]
            let text = String(o.measurements[i].label.prefix(44))
            let anchorRight = x(m) > frame.left + frame.plotW * 0.6
            var ly = y(p) - 6
            while placed.contains(where: { abs($0 - ly) < 12 }) { ly += 12 }
            placed.append(ly)
            s.append("<circle cx=\"\(f(x(m)))\" cy=\"\(f(y(p)))\" r=\"4\" fill=\"none\" stroke=\"#c0392b\"/>")
            s.append(
                "<text x=\"\(f(x(m) + (anchorRight ? -7 : 7)))\" y=\"\(f(ly))\" text-anchor=\"\(anchorRight ? "end" : "start")\" font-size=\"10\" fill=\"#c0392b\">\(escape(text))</text>"
            )
        }
        return s
    }

    private func legend(_ frame: LogLogFrame) -> [String] {
        let f = frame.f
        let lx = frame.left + 12
        let ly = frame.top + 16
        return [
            "<rect x=\"\(f(lx - 6))\" y=\"\(f(ly - 12))\" width=\"330\" height=\"58\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#ccc\"/>",
            "<circle cx=\"\(f(lx + 4))\" cy=\"\(f(ly - 4))\" r=\"4\" fill=\"#1f5fbf\"/>",
            "<text x=\"\(f(lx + 14))\" y=\"\(f(ly))\">\(escape(legend("calibrated model", outcome.crossValidation)))</text>",
            "<circle cx=\"\(f(lx + 4))\" cy=\"\(f(ly + 14))\" r=\"4\" fill=\"#9a9a9a\"/>",
            "<text x=\"\(f(lx + 14))\" y=\"\(f(ly + 18))\">\(escape(legend("MACs only", outcome.macsBaseline)))</text>",
            "<text x=\"\(f(lx))\" y=\"\(f(ly + 36))\" fill=\"#555\" font-size=\"11\">line: predicted = measured; dashed: +-20%</text>",
        ]
    }

    func legend(_ name: String, _ f: CalibrationFigures) -> String {
        name
            + String(
                format: ": Spearman %.3f, MAPE %.1f%%, median %.1f%%", f.spearman, f.meanAbsolutePercentageError,
                f.medianAbsolutePercentageError)
    }

    func tick(_ v: Double) -> String {
        v >= 1 ? String(format: "%g", v) : String(format: "%g", (v * 1e6).rounded() / 1e6)
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
