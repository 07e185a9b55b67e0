import HAONetwork
import HAOSolver

/// The vendor DPU, Xilinx DPUCZDX8G (Vitis AI), as a hardware target: the configuration problem
/// chooses the core architecture (B512...B4096), the number of cores, DSP and RAM usage and the
/// clock under the device's budget; the latency model runs the network the way the DPU does
/// (docs/dpu.md gives every formula and constant with its PG338 / UG1414 source).
///
/// The DPUCZDX8G runs int8 weights and activations only; networks with other widths are refused.
public struct DPUTarget: HardwareTarget {
    /// "dpu": the value of `--target`, and of `target` in reports, checkpoints and calibration profiles.
    public static let id = TargetID("dpu")
    /// One line for the `--target` help.
    public static let summary = "Xilinx DPUCZDX8G (Vitis AI DPU), int8: architecture, cores and options chosen under the budget"

    /// PG338: at most four homogeneous cores.
    public static let maximumCores = 4
    /// The only width the DPUCZDX8G runs (PG338: INT8 weights and activations; no 4-bit mode).
    public static let supportedBitWidths: [Int]? = [8]

    /// The device, utilisation cap and optional calibration profile the target was built for.
    public var settings: TargetSettings
    /// The latency model's parameter values (a calibration profile's, or the uncalibrated defaults).
    public var parameters: DPULatencyParameters
    /// The clocks the problem chooses from.
    public var clocks: [Double]

    /// A DPU target for `settings`, with the clock candidates of its part and the profile's latency parameters (or
    /// ``DPULatencyParameters/uncalibrated``). Throws ``HardwareError/invalidDevice(_:)`` for an unusable device,
    /// ``HardwareError/unsupported(_:)`` for a part that is not a Zynq UltraScale+ MPSoC (PG338), and
    /// ``HardwareError/invalidOption(_:)`` for a cap outside (0, 1], or a profile of another target
    /// or with an unknown or out-of-range parameter.
    public init(settings: TargetSettings) throws(HardwareError) {
        do { try settings.device.validate() } catch {
            if case .invalidValue(let part, let field, let message) = error { throw .invalidDevice("\(part): \(field) \(message)") }
            throw .invalidDevice(error.description)
        }
        do { try settings.cap.validate() } catch {
            if case .invalidCap(let resource, let value) = error {
                throw .invalidOption("utilisation cap for \(resource) must be in (0, 1], got \(value)")
            }
            throw .invalidOption(error.description)
        }
        guard settings.device.family == .zynqUltraScalePlus else {
            throw .unsupported(
                "the DPUCZDX8G runs on Zynq UltraScale+ MPSoCs only (PG338); \(settings.device.part) is a \(settings.device.family.rawValue) part. Use --target subgraph"
            )
        }
        self.settings = settings
        clocks = Self.clockCandidates(for: settings.device)
        if let profile = settings.calibration {
            guard profile.target == Self.id else {
                throw .invalidOption("calibration profile \(profile.name) is for the \(profile.target) target, not \(Self.id)")
            }
            parameters = DPULatencyParameters(values: try profile.values(for: Self.calibrationParameters))
        } else {
            parameters = .uncalibrated
        }
    }

    /// The calibration in use, in words for reports.
    public var calibrationNote: String {
        guard let profile = settings.calibration else {
            return "uncalibrated: ideal DPU (data-sheet parallelism, 50% of the data ports' peak, no overheads)"
        }
        var note = "calibration \(profile.name) (\(profile.device))"
        if let cv = profile.crossValidation {
            note += String(format: ", cross-validated MAPE %.1f%%, Spearman %.3f", cv.meanAbsolutePercentageError, cv.spearman)
        }
        return note
    }

    // MARK: Checking networks

    /// The program of `network`, after checking it is one the DPU runs.
    public func program(for network: Network) throws(HardwareError) -> DPUProgram {
        do { try network.validate() } catch { throw .invalidNetwork(error) }
        let layers = network.layers
        if let layer = layers.first(where: { $0.precision != .w8a8 }) {
            throw .unsupported(
                "the DPU (DPUCZDX8G) runs int8 weights and activations only (PG338); \(describe(layer.role)) is W\(layer.precision.weightBits)A\(layer.precision.activationBits). It has no 4-bit mode: quantize to 8 bits, or use --target subgraph for mixed precision"
            )
        }
        let activations =
            [network.stem.activation, network.head.activation] + network.blocks.flatMap { [$0.activation, $0.projectActivation] }
        if activations.contains(.swish) {
            throw .unsupported(
                "the DPU (DPUCZDX8G) has no swish/SiLU (its activations are ReLU, ReLU6, leaky ReLU, hard sigmoid and hard swish; UG1414 supported operators); the compiler would run it on the CPU, which this model does not time. Use h_swish"
            )
        }
        return DPUProgram(network)
    }

    private func describe(_ role: LayerRole) -> String {
        switch role {
        case .stem: return "the stem"
        case .headConv, .headHidden, .classifier: return "the head"
        case .expand(let b), .depthwise(let b), .squeezeReduce(let b), .squeezeExpand(let b), .project(let b): return "block \(b)"
        }
    }

    // MARK: Latency

    /// The latency terms of `program` on one core of `core`.
    public func terms(of program: DPUProgram, on core: DPUCore, separatePrograms: Bool = false) -> DPULatencyTerms {
        DPULatencyTerms(core.lower(program, separatePrograms: separatePrograms), core: core)
    }

    /// Frames per second of `cores` cores, each running one frame at a time (one thread per core):
    /// n / (t_DPU + (n - 1) x bytes / B_DDR), where t_DPU is one frame's DPU time (the per-program
    /// overhead overlaps with the other threads) and the second term is the time the shared DDR
    /// spends on the other cores' traffic of that frame (docs/dpu.md, "Throughput").
    public func throughputFPS(terms: DPULatencyTerms, cores: Int) -> Double {
        1000 / frameIntervalMs(terms: terms, cores: cores)
    }

    /// The steady-state time between frames with `cores` cores, in milliseconds.
    public func frameIntervalMs(terms: DPULatencyTerms, cores: Int) -> Double {
        let ddrBytesPerMs = device.ddrBandwidthGBps * 1e6
        return (terms.dpuTimeMs(parameters) + Double(cores - 1) * terms.ddrBytes / ddrBytesPerMs) / Double(cores)
    }

    // MARK: The configuration problem

    /// Every design, in the preference order ties are broken by.
    public func candidateDesigns() -> [DPUConfiguration] {
        var result: [DPUConfiguration] = []
        for cores in 1...Self.maximumCores {
            for architecture in DPUArchitecture.allCases {
                for clock in clocks {
                    for ram in [DPURAMUsage.low, .high] {
                        for dsp in [DPUDSPUsage.high, .low] {
                            result.append(
                                DPUConfiguration(architecture: architecture, cores: cores, dspUsage: dsp, ramUsage: ram, clockMHz: clock))
                        }
                    }
                }
            }
        }
        return result
    }

    /// The configuration problem of `network`: every candidate design with its resources, batch-1 latency and objective (whole
    /// nanoseconds of latency or of the steady-state frame interval, or weighted resources); with a target fps, the latency limit
    /// is floor(10^9 / fps) ns. Throws what ``program(for:)`` throws, and ``HardwareError/invalidOption(_:)`` for a target fps
    /// that is not positive and finite or a resource weight that is negative or not finite.
    public func configurationProblem(for network: Network, objective: DesignObjective) throws(HardwareError) -> DPUProblem {
        let program = try program(for: network)
        var terms: [DPUCore: DPULatencyTerms] = [:]
        let designs = candidateDesigns()
        var objectives: [Double] = []
        var latencies: [Double] = []
        for design in designs {
            let core = design.core
            if terms[core] == nil { terms[core] = self.terms(of: program, on: core) }
            let t = terms[core]!
            latencies.append(Self.nanoseconds(t.latencyMs(parameters)))
            objectives.append(try objectiveValue(design: design, terms: t, objective: objective))
        }
        var limit: Double?
        if case .minimiseResources(_, let fps) = objective { limit = try latencyLimitNs(targetFPS: fps) }
        return DPUProblem(
            candidates: designs, resources: designs.map(\.resources), objectives: objectives, latencies: latencies,
            budget: budget, latencyLimit: limit, objectiveName: Self.objectiveName(objective), name: network.name)
    }

    static func objectiveName(_ objective: DesignObjective) -> String {
        switch objective {
        case .minimiseLatency: return "latency_ns"
        case .maximiseThroughput: return "throughput_interval_ns"
        case .minimiseResources: return "resources"
        }
    }

    /// Milliseconds to whole nanoseconds (the objective's unit: exact in every solver).
    static func nanoseconds(_ ms: Double) -> Double { (ms * 1e6).rounded() }

    /// The largest batch-1 latency in whole nanoseconds that `targetFPS` allows.
    func latencyLimitNs(targetFPS: Double) throws(HardwareError) -> Double {
        guard targetFPS.isFinite, targetFPS > 0 else { throw .invalidOption("target fps must be a positive number, got \(targetFPS)") }
        return (1e9 / targetFPS).rounded(.down)
    }

    func objectiveValue(design: DPUConfiguration, terms: DPULatencyTerms, objective: DesignObjective) throws(HardwareError) -> Double {
        switch objective {
        case .minimiseLatency: return Self.nanoseconds(terms.latencyMs(parameters))
        case .maximiseThroughput: return Self.nanoseconds(frameIntervalMs(terms: terms, cores: design.cores))
        case .minimiseResources(let weights, _):
            for w in [weights.dsp, weights.bram18, weights.lut, weights.ff] where !(w.isFinite && w >= 0) {
                throw .invalidOption("resource weights must be finite and non-negative, got \(w)")
            }
            return weights.cost(design.resources)
        }
    }

    /// Evaluates `configuration` for `network` with the latency model itself (not the problem's tables): per-group times,
    /// batch-1 latency, throughput of all cores, resources. Any architecture, RAM and DSP usage and clock is accepted, not only
    /// the candidates. Throws ``HardwareError/invalidOption(_:)`` for a core count outside 1...``maximumCores`` or a clock that is
    /// not positive and finite, and what ``program(for:)`` throws.
    public func evaluate(_ configuration: DPUConfiguration, for network: Network) throws(HardwareError) -> DPUReport {
        guard (1...Self.maximumCores).contains(configuration.cores), configuration.clockMHz.isFinite, configuration.clockMHz > 0 else {
            throw .invalidOption("a DPU configuration needs 1 to \(Self.maximumCores) cores and a positive clock; got \(configuration)")
        }
        return DPUReport(configuration: configuration, program: try program(for: network), target: self)
    }

    /// The objective of `report` in the problem's units (whole nanoseconds of latency or frame interval, or weighted resources),
    /// recomputed from its latency terms so a solver's claim can be checked. Throws ``HardwareError/invalidOption(_:)`` for a
    /// resource weight that is negative or not finite.
    public func objectiveValue(of report: DPUReport, for objective: DesignObjective) throws(HardwareError) -> Double {
        try objectiveValue(design: report.configuration, terms: report.terms, objective: objective)
    }
}
