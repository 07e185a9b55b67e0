import HAONetwork

// The cost model of the subgraph-engine template. docs/cost-model.md explains every formula
// and constant at length; the comments here say where each one comes from. The model is split
// by concern: cycles and latency paths (Cycles.swift), DDR traffic (Memory.swift), resources
// (EngineResources.swift), weight tiling (WeightTiling.swift), fixed overheads and what the
// solvers' tables hold per stage (StageCosts.swift), candidate configurations (Candidates.swift).

/// The device-, network- and parameter-dependent part of the cost model: everything
/// except the engine configurations, which are the decision.
public struct SubgraphCostModel: Sendable {
    /// The device, for its clock, DDR bandwidth and DSP family.
    public var device: Device
    /// The template's constants.
    public var parameters: SubgraphParameters
    /// The network the engines are built for and run.
    public var network: Network
    /// The network's stages, in execution order.
    public var stages: [Stage]
    /// Operand width each engine is built for: the widest layer it runs.
    public var designBits: [Int]
    /// Activation width each engine's buffers are built for.
    public var designActivationBits: [Int]
    /// Per engine: the layers it runs, and its weight bits in each block stage. They do not
    /// depend on the configuration, so they are computed once, not per candidate.
    let engineLayers: [[Layer]]
    let blockWeightBits: [[Int]]
    /// The latency formulas' arithmetic at `parameters.latency`: whole clock cycles.
    let clock: ClockCycles
    /// Per engine: weight bits read per multiplier lane and cycle (the packing speed-up of its
    /// narrowest layer times that layer's weight width).
    let readBitsPerLane: [Int]

    /// The cost model of `network` on `device`.
    public init(network: Network, device: Device, parameters: SubgraphParameters = .standard) {
        self.device = device
        self.parameters = parameters
        self.network = network
        self.stages = network.stages
        var bits = [1, 1, 1]
        var activation = [1, 1, 1]
        var engineLayers = [[Layer]](repeating: [], count: EngineKind.allCases.count)
        for layer in network.layers {
            let e = EngineKind.running(layer.role).index
            bits[e] = max(bits[e], layer.precision.operandBits)
            activation[e] = max(activation[e], layer.precision.activationBits)
            engineLayers[e].append(layer)
        }
        designBits = bits
        designActivationBits = activation
        self.engineLayers = engineLayers
        var blockWeightBits = [[Int]](repeating: [], count: EngineKind.allCases.count)
        for stage in stages {
            guard case .block = stage.kind else { continue }
            for kind in EngineKind.allCases {
                blockWeightBits[kind.index].append(stage.layers(on: kind).reduce(0) { $0 + $1.weightBits })
            }
        }
        self.blockWeightBits = blockWeightBits
        clock = ClockCycles(
            efficiencies: parameters.latency.efficiencies, bytesPerCycle: Self.bytesPerCycle(device, parameters.latency),
            squeezeExciteCyclesPerElement: parameters.latency.squeezeExciteCyclesPerElement)
        readBitsPerLane = EngineKind.allCases.map { kind in
            engineLayers[kind.index].reduce(0) { result, layer in
                let s = max(
                    1, device.family.macsPerDSP(bits: layer.precision.operandBits) / device.family.macsPerDSP(bits: bits[kind.index]))
                return max(result, s * layer.precision.weightBits)
            }
        }
    }

    /// How many times more products per DSP a layer at `bits` gets on an engine built for its design width.
    func speedup(_ kind: EngineKind, bits: Int) -> Int {
        let family = device.family
        return max(1, family.macsPerDSP(bits: bits) / family.macsPerDSP(bits: designBits[kind.index]))
    }
}
