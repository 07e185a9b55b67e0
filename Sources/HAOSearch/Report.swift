import Foundation
import HAOHardware
import HAONetwork
import HAOPredictor

/// One point of the final frontier, with everything needed to build and deploy it.
public struct FrontierPoint: Sendable, Codable {
    public var point: ArchitecturePoint
    /// The network in the project's format (name = the space's label of the point).
    public var network: Network
    public var metrics: CandidateMetrics

    public init(point: ArchitecturePoint, network: Network, metrics: CandidateMetrics) {
        self.point = point
        self.network = network
        self.metrics = metrics
    }

    /// Active blocks at 4 bits out of all active searchable blocks.
    public var lowBitBlocks: (low: Int, total: Int) {
        let active = (0..<ArchitecturePoint.slotCount).filter { point.isActive(slot: $0) }
        return (active.filter { point.bits[$0] < 8 }.count, active.count)
    }

    /// The bit-width policy of the searchable blocks: "uniform 8-bit", "uniform 4-bit" or
    /// "mixed (k of n searchable blocks at 4 bits)". The stem, first block and head are always 8-bit.
    public var bitPolicy: String {
        let active = (0..<ArchitecturePoint.slotCount).filter { point.isActive(slot: $0) }
        let widths = Set(active.map { point.bits[$0] })
        if widths.count == 1, let only = widths.first { return "uniform \(only)-bit" }
        let (low, total) = lowBitBlocks
        return "mixed (\(low) of \(total) searchable blocks at 4 bits)"
    }

    enum CodingKeys: String, CodingKey {
        case point, network, top1, top1StdDev = "top1_stddev", latencyMs = "latency_ms", fps, configuration, resources, solver
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        point = try c.decode(ArchitecturePoint.self, forKey: .point)
        network = try c.decode(Network.self, forKey: .network)
        metrics = CandidateMetrics(top1: try c.decode(Double.self, forKey: .top1),
                                   top1StdDev: try c.decodeIfPresent(Double.self, forKey: .top1StdDev),
                                   latencyMs: try c.decode(Double.self, forKey: .latencyMs),
                                   configuration: try c.decodeIfPresent(JSONValue.self, forKey: .configuration) ?? .null,
                                   resources: try c.decodeIfPresent(Resources.self, forKey: .resources),
                                   solver: try c.decodeIfPresent(String.self, forKey: .solver))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(point, forKey: .point)
        try c.encode(network, forKey: .network)
        try c.encode(metrics.top1, forKey: .top1)
        try c.encodeIfPresent(metrics.top1StdDev, forKey: .top1StdDev)
        try c.encode(metrics.latencyMs, forKey: .latencyMs)
        try c.encode(metrics.fps, forKey: .fps)
        try c.encode(metrics.configuration, forKey: .configuration)
        try c.encodeIfPresent(metrics.resources, forKey: .resources)
        try c.encodeIfPresent(metrics.solver, forKey: .solver)
    }
}

/// A shipped baseline network solved by the same integer program on the same device.
public struct BaselinePoint: Sendable, Codable {
    public var name: String
    /// Bit width of every block (stem and head stay 8-bit).
    public var bits: Int
    /// Top-1 shown for the baseline, percent (see `top1Source`).
    public var top1: Double?
    public var top1Source: String
    /// `nil` when no accelerator configuration fits.
    public var latencyMs: Double?
    public var fps: Double? { latencyMs.map { 1000 / $0 } }
    public var configuration: JSONValue
    public var resources: Resources?
    /// Why it could not be mapped, when it could not.
    public var infeasibleReason: String?

    public init(name: String, bits: Int, top1: Double?, top1Source: String, latencyMs: Double?,
                configuration: JSONValue = .null, resources: Resources? = nil, infeasibleReason: String? = nil) {
        self.name = name
        self.bits = bits
        self.top1 = top1
        self.top1Source = top1Source
        self.latencyMs = latencyMs
        self.configuration = configuration
        self.resources = resources
        self.infeasibleReason = infeasibleReason
    }

    enum CodingKeys: String, CodingKey {
        case name, bits, top1, top1Source = "top1_source", latencyMs = "latency_ms", fps, configuration, resources
        case infeasibleReason = "infeasible_reason"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        bits = try c.decode(Int.self, forKey: .bits)
        top1 = try c.decodeIfPresent(Double.self, forKey: .top1)
        top1Source = try c.decode(String.self, forKey: .top1Source)
        latencyMs = try c.decodeIfPresent(Double.self, forKey: .latencyMs)
        configuration = try c.decodeIfPresent(JSONValue.self, forKey: .configuration) ?? .null
        resources = try c.decodeIfPresent(Resources.self, forKey: .resources)
        infeasibleReason = try c.decodeIfPresent(String.self, forKey: .infeasibleReason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(bits, forKey: .bits)
        try c.encodeIfPresent(top1, forKey: .top1)
        try c.encode(top1Source, forKey: .top1Source)
        try c.encodeIfPresent(latencyMs, forKey: .latencyMs)
        try c.encodeIfPresent(fps, forKey: .fps)
        try c.encode(configuration, forKey: .configuration)
        try c.encodeIfPresent(resources, forKey: .resources)
        try c.encodeIfPresent(infeasibleReason, forKey: .infeasibleReason)
    }
}

/// Where the run stands against the paper's headline (72.5% top-1 at 50 fps on the ZU3EG,
/// 1.6x MnasNet-A1 and 2.35x FBNet-B).
public struct Headline: Sendable, Codable {
    public var accuracyTarget: Double
    /// The fastest frontier point with predicted top-1 >= target, if any.
    public var best: FrontierPoint?
    /// The best point's bit-width policy (``FrontierPoint/bitPolicy``), nil without a best point.
    public var bestPolicy: String?
    /// fps(best) / fps(baseline) for each baseline and bit width that could be mapped: against
    /// the 8-bit and the 4-bit version of every baseline, each labelled with its policy.
    public var ratios: [Ratio]

    public struct Ratio: Sendable, Codable {
        public var baseline: String
        public var bits: Int
        public var ratio: Double
        /// Whether the baseline's bit policy is the one the best point uses (uniform 4 or 8 bit).
        public var samePolicy: Bool
        /// The baseline's policy, e.g. "uniform 8-bit" (every block after the first at `bits`).
        public var baselinePolicy: String?
        enum CodingKeys: String, CodingKey { case baseline, bits, ratio, samePolicy = "same_policy", baselinePolicy = "baseline_policy" }
    }

    enum CodingKeys: String, CodingKey { case accuracyTarget = "accuracy_target", best, bestPolicy = "best_policy", ratios }

    /// Builds the comparison against the named baselines.
    public init(frontier: [FrontierPoint], baselines: [BaselinePoint], accuracyTarget: Double = 72.5,
                compareWith names: [String] = ["MnasNet-A1", "FBNet-B"]) {
        self.accuracyTarget = accuracyTarget
        best = frontier.filter { $0.metrics.top1 >= accuracyTarget }.max { $0.metrics.fps < $1.metrics.fps }
        ratios = []
        bestPolicy = best?.bitPolicy
        guard let best else { return }
        let active = (0..<ArchitecturePoint.slotCount).filter { best.point.isActive(slot: $0) }
        let widths = Set(active.map { best.point.bits[$0] })
        let policy: Int? = widths.count == 1 ? widths.first : nil
        for name in names {
            for b in baselines where b.name == name {
                guard let fps = b.fps else { continue }
                ratios.append(Ratio(baseline: name, bits: b.bits, ratio: best.metrics.fps / fps, samePolicy: policy == b.bits,
                                    baselinePolicy: "uniform \(b.bits)-bit"))
            }
        }
    }
}

/// The result of a search, as written to frontier.json.
public struct FrontierReport: Sendable, Codable {
    public static let formatName = "hao-frontier-v1"
    public var format = FrontierReport.formatName
    public var device: String
    public var space: String
    public var constraints: SearchConstraints
    public var settings: NSGA2Settings
    public var generations: Int
    public var stats: SearchStats
    /// Sorted by increasing fps (decreasing top-1).
    public var frontier: [FrontierPoint]
    public var baselines: [BaselinePoint]
    public var headline: Headline
    /// The accuracy predictor's name, when known.
    public var predictor: String?
    /// True when the predictor ignored bit widths (a model without a quantization part, accepted
    /// with `--allow-bit-blind-predictor` or used on a single-width space): every top-1 is then a
    /// full-precision prediction, whatever the point's bit widths.
    public var predictorIgnoresBitWidths: Bool

    enum CodingKeys: String, CodingKey {
        case format, device, space, constraints, settings, generations, stats, frontier, baselines, headline, predictor
        case predictorIgnoresBitWidths = "predictor_ignores_bit_widths"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        device = try c.decode(String.self, forKey: .device)
        space = try c.decode(String.self, forKey: .space)
        constraints = try c.decode(SearchConstraints.self, forKey: .constraints)
        settings = try c.decode(NSGA2Settings.self, forKey: .settings)
        generations = try c.decode(Int.self, forKey: .generations)
        stats = try c.decode(SearchStats.self, forKey: .stats)
        frontier = try c.decode([FrontierPoint].self, forKey: .frontier)
        baselines = try c.decode([BaselinePoint].self, forKey: .baselines)
        headline = try c.decode(Headline.self, forKey: .headline)
        predictor = try c.decodeIfPresent(String.self, forKey: .predictor)
        predictorIgnoresBitWidths = try c.decodeIfPresent(Bool.self, forKey: .predictorIgnoresBitWidths) ?? false
    }

    public init(device: String, space: String, constraints: SearchConstraints, settings: NSGA2Settings, generations: Int,
                stats: SearchStats, frontier: [FrontierPoint], baselines: [BaselinePoint], headline: Headline,
                predictor: String? = nil, predictorIgnoresBitWidths: Bool = false) {
        self.predictor = predictor
        self.predictorIgnoresBitWidths = predictorIgnoresBitWidths
        self.device = device
        self.space = space
        self.constraints = constraints
        self.settings = settings
        self.generations = generations
        self.stats = stats
        self.frontier = frontier.sorted { $0.metrics.fps < $1.metrics.fps }
        self.baselines = baselines
        self.headline = headline
    }

    // MARK: - Files

    /// Writes frontier.json, frontier.csv and frontier.svg into `folder`, each atomically.
    public func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do { json = try encoder.encode(self) } catch {
            throw SearchError.unwritableOutput(path: folder.path, detail: "cannot encode the frontier: \(error)")
        }
        try Checkpoint<String, Int, Int>.atomicWrite(json, to: folder.appendingPathComponent("frontier.json"))
        try Checkpoint<String, Int, Int>.atomicWrite(Data(csv().utf8), to: folder.appendingPathComponent("frontier.csv"))
        try Checkpoint<String, Int, Int>.atomicWrite(Data(svg().utf8), to: folder.appendingPathComponent("frontier.svg"))
    }

    /// One row per frontier point; the network and configuration as compact JSON cells.
    public func csv() -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func num(_ x: Double?, _ digits: Int) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "" }
        var lines = ["name,top1,top1_stddev,latency_ms,fps,resolution,depths,kernels,expand_ratios,bits,dsp,bram18,lut,ff,solver,configuration,network"]
        let networkEncoder = JSONEncoder()
        networkEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for f in frontier {
            let active = (0..<ArchitecturePoint.slotCount).filter { f.point.isActive(slot: $0) }
            let r = f.metrics.resources
            let network = (try? networkEncoder.encode(f.network)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            func joined(_ values: [Int]) -> String { values.map(String.init).joined(separator: " ") }
            let kernels: [Int] = active.map { f.point.kernels[$0] }
            let expands: [Int] = active.map { f.point.expandRatios[$0] }
            let bits: [Int] = active.map { f.point.bits[$0] }
            let resourceCells: [String] = r.map { ["\($0.dsp)", "\($0.bram18)", "\($0.lut)", "\($0.ff)"] } ?? ["", "", "", ""]
            var cells: [String] = [quote(f.network.name), num(f.metrics.top1, 3), num(f.metrics.top1StdDev, 3)]
            cells += [num(f.metrics.latencyMs, 4), num(f.metrics.fps, 3), "\(f.point.resolution)", joined(f.point.depths)]
            cells += [joined(kernels), joined(expands), joined(bits)]
            cells += resourceCells
            cells += [quote(f.metrics.solver ?? ""), quote(f.metrics.configuration.compactText), quote(network)]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A plain-text table of the frontier for the terminal.
    public func table() -> String {
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        let widths = [3, 7, 8, 10, 5, 6, 7, 4]
        func row(_ cells: [String], _ depths: String, _ low: String) -> String {
            zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ") + "  " + pad(depths, 9, left: true) + "  " + low
        }
        var rows = [row(["#", "top-1", "fps", "latency ms", "DSP", "BRAM18", "LUT", "res"], "depths", "4-bit blocks")]
        for (i, f) in frontier.enumerated() {
            let r = f.metrics.resources
            let (low, total) = f.lowBitBlocks
            let cells = ["\(i + 1)", String(format: "%.2f", f.metrics.top1), String(format: "%.2f", f.metrics.fps),
                         String(format: "%.3f", f.metrics.latencyMs), r.map { "\($0.dsp)" } ?? "-",
                         r.map { "\($0.bram18)" } ?? "-", r.map { "\($0.lut)" } ?? "-", "\(f.point.resolution)"]
            rows.append(row(cells, f.point.depths.map(String.init).joined(separator: "."), "\(low)/\(total)"))
        }
        return rows.joined(separator: "\n")
    }

    /// A Pareto plot of top-1 against fps: the frontier as a staircase, the baselines at 8 and
    /// 4 bits as squares and triangles, the accuracy target as a dashed line. Hand-written SVG.
    public func svg() -> String {
        let width = 760.0, height = 500.0
        let left = 70.0, right = 190.0, top = 40.0, bottom = 60.0
        let plotW = width - left - right, plotH = height - top - bottom
        var xs = frontier.map(\.metrics.fps) + baselines.compactMap(\.fps)
        var ys = frontier.map(\.metrics.top1) + baselines.compactMap { $0.fps != nil ? $0.top1 : nil } + [headline.accuracyTarget]
        if xs.isEmpty { xs = [0, 1] }
        if ys.isEmpty { ys = [0, 1] }
        let xr = Self.niceRange(xs.min()!, xs.max()!), yr = Self.niceRange(ys.min()!, ys.max()!)
        func px(_ x: Double) -> Double { left + (x - xr.low) / (xr.high - xr.low) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yr.low) / (yr.high - yr.low) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var out: [String] = []
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        out.append("<text x=\"\(f(left))\" y=\"22\" font-size=\"15\">Predicted top-1 vs fps on \(esc(device)) (\(frontier.count) frontier points)</text>")
        for t in xr.ticks {
            out.append("<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH))\" stroke=\"#eee\"/>")
            out.append("<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.label(t))</text>")
        }
        for t in yr.ticks {
            out.append("<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#eee\"/>")
            out.append("<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>")
        }
        out.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>")
        out.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">frames per second (batch 1)</text>")
        out.append("<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">top-1 (%)</text>")
        let target = headline.accuracyTarget
        if target >= yr.low && target <= yr.high {
            out.append("<line x1=\"\(f(left))\" y1=\"\(f(py(target)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(target)))\" stroke=\"#c60\" stroke-dasharray=\"5 4\"/>")
            out.append("<text x=\"\(f(left + plotW - 4))\" y=\"\(f(py(target) - 5))\" text-anchor=\"end\" fill=\"#c60\">\(Self.label(target))% target</text>")
        }
        // The frontier in fps order is a staircase: top-1 only falls as fps rises.
        let points = frontier.sorted { $0.metrics.fps < $1.metrics.fps }
        if !points.isEmpty {
            var path = "M \(f(px(points[0].metrics.fps))) \(f(py(points[0].metrics.top1)))"
            for p in points.dropFirst() { path += " H \(f(px(p.metrics.fps))) V \(f(py(p.metrics.top1)))" }
            out.append("<path d=\"\(path)\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>")
            for p in points {
                out.append("<circle cx=\"\(f(px(p.metrics.fps)))\" cy=\"\(f(py(p.metrics.top1)))\" r=\"3.5\" fill=\"#1f77b4\"><title>\(esc(p.network.name)): \(String(format: "%.2f%% at %.1f fps", p.metrics.top1, p.metrics.fps))</title></circle>")
            }
        }
        if let best = headline.best {
            out.append("<circle cx=\"\(f(px(best.metrics.fps)))\" cy=\"\(f(py(best.metrics.top1)))\" r=\"7\" fill=\"none\" stroke=\"#c60\" stroke-width=\"2\"/>")
        }
        var labels: [SVGLabel] = []
        for b in baselines {
            guard let fps = b.fps, let top1 = b.top1 else { continue }
            let x = px(fps), y = py(top1)
            let color = b.bits == 8 ? "#2ca02c" : "#d62728"
            if b.bits == 8 {
                out.append("<rect x=\"\(f(x - 4.5))\" y=\"\(f(y - 4.5))\" width=\"9\" height=\"9\" fill=\"\(color)\"><title>\(esc(b.name)) \(b.bits)-bit</title></rect>")
            } else {
                out.append("<path d=\"M \(f(x)) \(f(y - 6)) L \(f(x + 5.5)) \(f(y + 4)) L \(f(x - 5.5)) \(f(y + 4)) Z\" fill=\"\(color)\"><title>\(esc(b.name)) \(b.bits)-bit</title></path>")
            }
            labels.append(SVGLabel(text: "\(b.name) \(b.bits)b", anchorX: x, anchorY: y, color: color))
        }
        for label in Self.placeLabels(labels, plotLeft: left, plotRight: left + plotW, plotTop: top, plotBottom: top + plotH) {
            // A label moved away from its marker gets a thin leader line back to it.
            if abs(label.baseline - 4 - label.anchorY) > 3 {
                let lx = label.anchorEnd ? label.x + 1 : label.x - 1
                out.append("<line x1=\"\(f(label.anchorX))\" y1=\"\(f(label.anchorY))\" x2=\"\(f(lx))\" y2=\"\(f(label.baseline - 3.5))\" stroke=\"\(label.color)\" stroke-width=\"0.6\"/>")
            }
            let anchor = label.anchorEnd ? " text-anchor=\"end\"" : ""
            out.append("<text x=\"\(f(label.x))\" y=\"\(f(label.baseline))\" font-size=\"10\"\(anchor) fill=\"\(label.color)\">\(esc(label.text))</text>")
        }
        // Legend.
        let lx = left + plotW + 16
        out.append("<circle cx=\"\(f(lx + 5))\" cy=\"\(f(top + 10))\" r=\"3.5\" fill=\"#1f77b4\"/><text x=\"\(f(lx + 16))\" y=\"\(f(top + 14))\">searched frontier</text>")
        out.append("<rect x=\"\(f(lx + 0.5))\" y=\"\(f(top + 25.5))\" width=\"9\" height=\"9\" fill=\"#2ca02c\"/><text x=\"\(f(lx + 16))\" y=\"\(f(top + 34))\">baseline, 8-bit</text>")
        out.append("<path d=\"M \(f(lx + 5)) \(f(top + 44)) L \(f(lx + 10.5)) \(f(top + 54)) L \(f(lx - 0.5)) \(f(top + 54)) Z\" fill=\"#d62728\"/><text x=\"\(f(lx + 16))\" y=\"\(f(top + 54))\">baseline, 4-bit</text>")
        let note = baselines.first?.top1Source ?? ""
        if !note.isEmpty {
            var y = top + 80
            out.append("<text x=\"\(f(lx))\" y=\"\(f(y))\" font-size=\"10\" fill=\"#555\">baseline top-1:</text>")
            for line in Self.wrap(note, width: 30) {
                y += 13
                out.append("<text x=\"\(f(lx))\" y=\"\(f(y))\" font-size=\"10\" fill=\"#555\">\(esc(line))</text>")
            }
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// A baseline label and where it ends up.
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
                    guard r.left >= plotLeft + 1, r.right <= plotRight - 1, r.top >= plotTop - 12, r.bottom <= plotBottom + 12 else { continue }
                    if taken.contains(where: { intersects($0, r) }) { continue }
                    if markers.enumerated().contains(where: { $0.offset != i && intersects($0.element, r) }) { continue }
                    best = l
                    break search
                }
            }
            // Nowhere free (a very crowded plot): keep the plain spot right of the marker.
            let label = best ?? {
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
        var lo = low, hi = high
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let raw = (hi - lo) / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let start = floor(lo / step) * step, end = ceil(hi / step) * step
        let ticks = stride(from: start, through: end + step / 2, by: step).map { $0 }
        return (start, end, ticks)
    }

    static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%g", v)
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + word.count + 1 > width { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
