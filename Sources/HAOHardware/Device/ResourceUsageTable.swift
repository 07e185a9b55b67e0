import HAOSupport

extension Resources {
    /// The resource block of a solve report, as every target prints it: a heading, then for DSP,
    /// BRAM18, LUT and FF what the design uses, the budget it had, the device's total and the
    /// share of the device.
    public static func usageTable(used: Resources, budget: Resources, device all: Resources) -> [String] {
        func percent(_ a: Int, _ b: Int) -> String { b > 0 ? fixedPoint(100 * Double(a) / Double(b), 1) + "%" : "-" }
        return [
            "Resources (used / budget / device):",
            textTable(
                ["resource", "used", "budget", "device", "of device"],
                [
                    ["DSP", "\(used.dsp)", "\(budget.dsp)", "\(all.dsp)", percent(used.dsp, all.dsp)],
                    ["BRAM18", "\(used.bram18)", "\(budget.bram18)", "\(all.bram18)", percent(used.bram18, all.bram18)],
                    ["LUT", "\(used.lut)", "\(budget.lut)", "\(all.lut)", percent(used.lut, all.lut)],
                    ["FF", "\(used.ff)", "\(budget.ff)", "\(all.ff)", percent(used.ff, all.ff)],
                ], rightAligned: [1, 2, 3, 4]),
        ]
    }
}
