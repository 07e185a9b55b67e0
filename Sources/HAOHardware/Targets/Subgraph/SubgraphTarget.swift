import HAONetwork
import HAOSolver

/// The subgraph-engine template (HAO's hardware): one dataflow pipeline of 1x1 expand, k x k
/// depthwise and 1x1 project engines runs the network block after block. Its configuration is
/// each engine's unroll and weight buffering; docs/cost-model.md documents the cost model and
/// docs/accelerator-program.md the integer program.
public struct SubgraphTarget: HardwareTarget {
    /// "subgraph", the name `--target` takes.
    public static let id = TargetID("subgraph")
    /// One line for `hao targets` and reports.
    public static let summary = "HAO's subgraph engine: expand, depthwise and project engines streaming each MBConv block"
    /// "2": 1x1 engines may tile their weights (a checkpoint of version 1 chose among fewer configurations).
    public static let costModelVersion = "2"

    /// The device, its utilisation cap and the calibration profile (if any) the target was built with.
    public var settings: TargetSettings
    /// The template's constants.
    public var parameters: SubgraphParameters
    /// Exact reductions applied before solving.
    public var pruning: PruningOptions
    /// Options of the integer program.
    public var formulation: FormulationOptions
    /// Largest number of stages accepted (the tables grow linearly; this keeps a solve bounded).
    public static let maximumStages = 2_000

    /// The template on the settings' device under their cap; a calibration profile's fitted values
    /// become the latency constants (checked against the parameters' physical ranges).
    public init(settings: TargetSettings) throws(HardwareError) {
        var parameters = SubgraphParameters.standard
        if let profile = settings.calibration {
            guard profile.target == Self.id else {
                throw .invalidOption("calibration profile \(profile.name) is for the \(profile.target) target, not \(Self.id)")
            }
            parameters.latency = SubgraphLatencyParameters(values: try profile.values(for: Self.calibrationParameters))
        }
        self.init(device: settings.device, cap: settings.cap, parameters: parameters)
        self.settings.calibration = settings.calibration
    }

    /// The template on `device` under `cap`, with the documented defaults.
    public init(
        device: Device, cap: UtilisationCap = .standard, parameters: SubgraphParameters = .standard,
        pruning: PruningOptions = .all, formulation: FormulationOptions = .standard
    ) {
        settings = TargetSettings(device: device, cap: cap)
        self.parameters = parameters
        self.pruning = pruning
        self.formulation = formulation
    }

    /// The utilisation cap.
    public var cap: UtilisationCap { settings.cap }

    /// Checks the inputs and builds the cost model and the (unpruned) instance.
    public func setUp(_ network: Network) throws(HardwareError) -> (SubgraphCostModel, SubgraphInstance) {
        let model = try costModel(for: network)
        return (model, SubgraphInstance(model: model, budget: budget))
    }

    /// Checks the inputs and builds the cost model (without the instance's tables).
    public func costModel(for network: Network) throws(HardwareError) -> SubgraphCostModel {
        do { try network.validate() } catch { throw .invalidNetwork(error) }
        // A device built in code (or decoded from a checkpoint) has not necessarily been through
        // the catalogue; the cost model's arithmetic relies on the ranges `validate()` enforces.
        do { try device.validate() } catch {
            if case .invalidValue(let part, let field, let message) = error { throw .invalidDevice("\(part): \(field) \(message)") }
            throw .invalidDevice(error.description)
        }
        do { try cap.validate() } catch {
            if case .invalidCap(let resource, let value) = error {
                throw .invalidOption("utilisation cap for \(resource) must be in (0, 1], got \(value)")
            }
            throw .invalidOption(error.description)
        }
        let model = SubgraphCostModel(network: network, device: device, parameters: parameters)
        guard model.stages.count <= Self.maximumStages else {
            throw .tooLarge("\(model.stages.count) stages; at most \(Self.maximumStages) are supported")
        }
        // Cycle counts stay far below Int.max for any network that passes validation; check the
        // slowest candidate's cycles anyway so an absurd input cannot overflow silently.
        let macs = Double(network.macs)
        guard macs * 4 < Double(Int.max) / 1e3 else { throw .tooLarge("\(network.macs) MACs") }
        return model
    }

    /// The configuration problem of `network`: candidates of each engine, latency terms in clock cycles and resources,
    /// pruned under ``pruning``. Throws ``HardwareError`` when the network is not a chain of stages the template runs or is too large.
    public func configurationProblem(for network: Network, objective: DesignObjective) throws(HardwareError) -> SubgraphProblem {
        let (_, full) = try setUp(network)
        return SubgraphProblem(
            full: full, pruning: pruning, objective: try cycleObjective(objective),
            formulation: formulation, name: network.name)
    }

    /// The cost model's own figures for `configuration` on `network`: latency in cycles and resources against the budget.
    /// Throws ``HardwareError`` when the template cannot run `network`.
    public func evaluate(_ configuration: SubgraphConfiguration, for network: Network) throws(HardwareError) -> SubgraphReport {
        try costModel(for: network).evaluate(configuration, budget: budget)
    }

    /// Latency in clock cycles for the latency and throughput objectives (one image at a time, so both are latency),
    /// the weighted resource cost for the resource objective.
    public func objectiveValue(of report: SubgraphReport, for objective: DesignObjective) throws(HardwareError) -> Double {
        switch objective {
        // One pipeline runs one image at a time: throughput is 1 / latency, so both are latency cycles.
        case .minimiseLatency, .maximiseThroughput: return Double(report.latencyCycles)
        case .minimiseResources(let weights, _): return weights.cost(report.totalResources)
        }
    }

    /// The objective in the cost model's units (clock cycles). The template's one pipeline runs one
    /// image at a time, so its throughput is 1 / latency and maximising it is minimising latency.
    public func cycleObjective(_ objective: DesignObjective) throws(HardwareError) -> SubgraphObjective {
        switch objective {
        case .minimiseLatency, .maximiseThroughput: return .minimiseLatency
        case .minimiseResources(let weights, let fps):
            return .minimiseResources(weights: weights, maxLatencyCycles: try latencyLimit(targetFPS: fps))
        }
    }

    /// Largest latency limit, in cycles, that inverse mode uses: a lower target fps is clamped to
    /// it. 2^62 cycles is over 700 years at 200 MHz, and far above any latency the cost model gives
    /// a network that passes validation, so clamping never changes an answer; it keeps the limit an
    /// `Int` (and its sums with other cycle counts) from overflowing.
    public static let maximumLatencyLimit = 1 << 62

    /// The latency limit in whole cycles that `targetFPS` means on this device: latency <= clock / fps,
    /// clamped to ``maximumLatencyLimit``. Throws unless `targetFPS` is a positive finite number.
    public func latencyLimit(targetFPS: Double) throws(HardwareError) -> Int {
        guard targetFPS.isFinite, targetFPS > 0 else { throw .invalidOption("target fps must be a positive number, got \(targetFPS)") }
        guard device.clockMHz.isFinite, device.clockMHz > 0 else {
            throw .invalidDevice("\(device.part): clock_mhz must be a finite positive number; got \(device.clockMHz)")
        }
        // The quotient can be +infinity (1e-300 fps), so clamp before converting.
        let cycles = (device.clockMHz * 1e6 / targetFPS).rounded(.down)
        return cycles >= Double(Self.maximumLatencyLimit) ? Self.maximumLatencyLimit : Int(cycles)
    }
}
