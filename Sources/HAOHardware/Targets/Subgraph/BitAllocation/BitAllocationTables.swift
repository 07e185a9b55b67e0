import HAONetwork

/// Which widths are present on each engine: everything in the cost model that depends on block
/// widths beyond each block's own latency and memory terms (the engines' design widths, packing
/// speed-ups, weight-buffer read width, FIFO width) is a function of this key, except the weight
/// buffer's depth, which the tables expose separately.
struct PrecisionKey: Sendable, Hashable {
    /// Widths of blocks with an expand conv (empty if no block has one).
    var expand: [Int]
    /// Widths of all blocks (they all run on the depthwise and project engines).
    var blocks: [Int]
}

/// Per-key tables: terms of every (engine, candidate, block, width, path), memory cycles, the
/// resources of each candidate without its weight buffer, and the buffer's BRAM18 as a function
/// of its size. Built from ``CostModel`` calls, so the cost model stays the single source.
struct BitAllocationTables: Sendable {
    var key: PrecisionKey
    var stageNames: [String]
    /// Stage index of each block's stage, and the fixed (non-block) stages.
    var blockStage: [Int]
    var fixedStages: [Int]
    /// Candidates per engine.
    var candidates: [[EngineConfiguration]]
    /// base[e][c]: resources without the weight buffer.
    var base: [[Resources]]
    /// readBits[e][c]: weight-buffer read width (0: no buffer).
    var readBits: [[Int]]
    /// For each fixed stage: its memory cycles and terms[e][c][k].
    var fixedMemory: [Int]
    var fixedTerms: [[[[Int]]]]
    /// For block b and width index i (into `widths`): memory cycles and terms[e][c][k].
    var widths: [Int]
    var blockMemory: [[Int]]
    var blockTerms: [[[[[Int]]]]]
    var fixed: Resources
    var budget: Resources
}

/// The bit-allocation problem on one device: shared precomputation for the solvers.
public struct BitAllocationContext: Sendable {
    /// The network, candidate widths and objective the tables are for.
    public var problem: BitAllocationProblem
    /// The device whose resources bound the allocation.
    public var device: Device
    /// The template's constants the tables are computed with.
    public var parameters: SubgraphParameters
    /// The usable budget: the device's resources under the utilisation cap.
    public var budget: Resources
    var units: [BitAllocationProblem.Unit]
    var unitOf: [Int]
    /// wb[e][b][w]: weight bits of block b's layers on engine e at width `allWidths[w]`.
    var weightBits: [[[Int]]]
    var allWidths: [Int]
    /// Model bits of each block at each width, and of the rest of the network.
    var blockModelBits: [[Int]]
    var fixedModelBits: Int
    var hasExpand: [Bool]

    /// Validates `problem` and the network against `device`, and precomputes the per-width tables the solvers share.
    /// Throws ``BitAllocationError`` when the problem is invalid or the network does not run on the template.
    public init(
        problem: BitAllocationProblem, device: Device, cap: UtilisationCap = .standard,
        parameters: SubgraphParameters = .standard
    ) throws(BitAllocationError) {
        try problem.validate()
        // Validates the network and device the same way the configuration problem does.
        do { _ = try SubgraphTarget(device: device, cap: cap, parameters: parameters).setUp(problem.network) } catch {
            throw .hardware(error)
        }
        self.problem = problem
        self.device = device
        self.parameters = parameters
        budget = cap.budget(of: device)
        (units, unitOf) = problem.units()
        if let empty = units.firstIndex(where: { $0.bits.isEmpty }) {
            throw .invalidProblem("blocks \(units[empty].blocks) must share a width but have no allowed width in common")
        }
        allWidths = Array(Set(problem.allowedBits.flatMap { $0 })).sorted()
        hasExpand = problem.network.blocks.map(\.hasExpand)
        let engineCount = EngineKind.allCases.count
        var wb = [[[Int]]](repeating: [], count: engineCount)
        var mb: [[Int]] = Array(repeating: [], count: problem.network.blocks.count)
        for (wi, w) in allWidths.enumerated() {
            let layers = problem.network(withBits: Array(repeating: w, count: problem.network.blocks.count)).layers
            var perEngine = [[Int]](repeating: [Int](repeating: 0, count: problem.network.blocks.count), count: engineCount)
            var model = [Int](repeating: 0, count: problem.network.blocks.count)
            for layer in layers {
                guard let b = layer.blockIndex else { continue }
                perEngine[EngineKind.running(layer.role).index][b] += layer.weightBits
                model[b] += layer.weightBits + (layer.hasBias ? layer.outChannels * 32 : 0)
            }
            for e in 0..<engineCount {
                if wi == 0 { wb[e] = perEngine[e].map { [$0] } } else { for b in perEngine[e].indices { wb[e][b].append(perEngine[e][b]) } }
            }
            for b in model.indices { mb[b].append(model[b]) }
        }
        weightBits = wb
        blockModelBits = mb
        fixedModelBits = problem.network.layers.filter { $0.blockIndex == nil }.reduce(0) {
            $0 + $1.weightBits + ($1.hasBias ? $1.outChannels * 32 : 0)
        }
    }

    func widthIndex(_ w: Int) -> Int { allWidths.firstIndex(of: w)! }

    /// The precision key of a full assignment (width per block).
    func key(of bits: [Int]) -> PrecisionKey {
        var exp = Set<Int>()
        var all = Set<Int>()
        for (b, w) in bits.enumerated() {
            all.insert(w)
            if hasExpand[b] { exp.insert(w) }
        }
        return PrecisionKey(expand: exp.sorted(), blocks: all.sorted())
    }

    /// Every key some assignment could have (ignoring groups), expand widths a subset of all widths.
    func possibleKeys() -> [PrecisionKey] {
        let usable = Array(Set(units.flatMap(\.bits))).sorted()
        func subsets(_ s: [Int]) -> [[Int]] {
            (1..<(1 << s.count)).map { mask in s.indices.filter { mask & (1 << $0) != 0 }.map { s[$0] } }
        }
        let anyExpand = hasExpand.contains(true)
        var keys: [PrecisionKey] = []
        for all in subsets(usable) {
            for exp in anyExpand ? subsets(all) : [[]] {
                if representative(PrecisionKey(expand: exp, blocks: all)) != nil { keys.append(PrecisionKey(expand: exp, blocks: all)) }
            }
        }
        return keys
    }

    /// An assignment (not necessarily respecting groups or per-block sets) realising `key`, used
    /// only to build the key's cost model.
    func representative(_ key: PrecisionKey) -> [Int]? {
        let withE = hasExpand.indices.filter { hasExpand[$0] }
        let without = hasExpand.indices.filter { !hasExpand[$0] }
        let rest = key.blocks.filter { !key.expand.contains($0) }
        guard withE.count >= key.expand.count, without.count >= rest.count else { return nil }
        if withE.isEmpty != key.expand.isEmpty { return nil }
        var bits = [Int](repeating: 0, count: hasExpand.count)
        for (i, b) in withE.enumerated() { bits[b] = key.expand[i % key.expand.count] }
        for (i, b) in without.enumerated() { bits[b] = i < rest.count ? rest[i] : key.blocks[i % key.blocks.count] }
        return bits
    }

    /// Weight-buffer size in bits of engine `e` under `bits` (widths per block), as the cost
    /// model sizes it (``SubgraphCostModel/weightBufferBits(_:_:)``).
    func bufferBits(_ e: Int, _ bits: [Int], _ buffering: WeightBuffering = .double) -> Int {
        SubgraphCostModel.weightBufferBits(bits.enumerated().map { weightBits[e][$0.offset][widthIndex($0.element)] }, buffering)
    }

    /// BRAM18 of a weight buffer read `readBits` wide holding `sizeBits`, as the cost model sizes it.
    func bufferBRAM(readBits: Int, sizeBits: Int) -> Int {
        BlockRAM.bram18Count(readBits: readBits, sizeBits: sizeBits, maxWidth: parameters.bram18MaxWidth)
    }

    /// Builds the tables of `key`.
    func tables(_ key: PrecisionKey) -> BitAllocationTables? {
        guard let rep = representative(key) else { return nil }
        let repNetwork = problem.network(withBits: rep)
        let model = SubgraphCostModel(network: repNetwork, device: device, parameters: parameters)
        let stages = model.stages
        var blockStage = [Int](repeating: -1, count: problem.network.blocks.count)
        var fixedStages: [Int] = []
        for (s, stage) in stages.enumerated() {
            if case .block(let b) = stage.kind { blockStage[b] = s } else { fixedStages.append(s) }
        }
        let candidates = EngineKind.allCases.map { model.candidates($0) }
        // Read width of the weight buffer: the widest read of any layer on the engine.
        var readBits: [[Int]] = []
        var base: [[Resources]] = []
        let repLayers = repNetwork.layers
        for kind in EngineKind.allCases {
            let e = kind.index
            let engineLayers = repLayers.filter { EngineKind.running($0.role) == kind }
            var perLane = 0
            for layer in engineLayers {
                let s = max(
                    1, device.family.macsPerDSP(bits: layer.precision.operandBits) / device.family.macsPerDSP(bits: model.designBits[e]))
                perLane = max(perLane, s * layer.precision.weightBits)
            }
            var rb: [Int] = []
            var bs: [Resources] = []
            for c in candidates[e] {
                let r = c.lanes * perLane
                var res = model.resources(c)
                res.bram18 -= bufferBRAM(readBits: r, sizeBits: bufferBits(e, rep, c.weightBuffering))
                rb.append(r)
                bs.append(res)
            }
            readBits.append(rb)
            base.append(bs)
        }
        var fixedMemory: [Int] = []
        var fixedTerms: [[[[Int]]]] = []
        for s in fixedStages {
            fixedMemory.append(model.floorCycles(stages[s], at: s))
            fixedTerms.append(candidates.map { list in list.map { model.stageTerms(stages[s], at: s, $0) } })
        }
        var blockMemory = [[Int]](repeating: [], count: problem.network.blocks.count)
        var blockTerms = [[[[[Int]]]]](repeating: [], count: problem.network.blocks.count)
        for w in allWidths {
            let stagesAtW = problem.network(withBits: Array(repeating: w, count: problem.network.blocks.count)).stages
            for b in problem.network.blocks.indices {
                let s = blockStage[b]
                let stage = stagesAtW[s]
                blockMemory[b].append(model.floorCycles(stage, at: s))
                blockTerms[b].append(candidates.map { list in list.map { model.stageTerms(stage, at: s, $0) } })
            }
        }
        return BitAllocationTables(
            key: key, stageNames: stages.map(\.name), blockStage: blockStage, fixedStages: fixedStages,
            candidates: candidates, base: base, readBits: readBits, fixedMemory: fixedMemory,
            fixedTerms: fixedTerms, widths: allWidths, blockMemory: blockMemory, blockTerms: blockTerms,
            fixed: model.fixedResources, budget: budget)
    }

    /// The accelerator instance of a full assignment, from the key's tables (no cost-model calls).
    func instance(_ tables: BitAllocationTables, bits: [Int]) -> SubgraphInstance {
        let stageCount = tables.stageNames.count
        var memory = [Int](repeating: 0, count: stageCount)
        // Stage order: stage s gets its path terms from the fixed or block table.
        var pathStage: [Int] = []
        var termRows: [[[Int]]] = tables.candidates.map { [[Int]](repeating: [], count: $0.count) }
        var fixedIndex = [Int](repeating: -1, count: stageCount)
        for (i, s) in tables.fixedStages.enumerated() { fixedIndex[s] = i }
        var blockAt = [Int](repeating: -1, count: stageCount)
        for (b, s) in tables.blockStage.enumerated() { blockAt[s] = b }
        for s in 0..<stageCount {
            if fixedIndex[s] >= 0 {
                let i = fixedIndex[s]
                memory[s] = tables.fixedMemory[i]
                for e in termRows.indices { for c in termRows[e].indices { termRows[e][c] += tables.fixedTerms[i][e][c] } }
                pathStage += Array(repeating: s, count: tables.fixedTerms[i][0][0].count)
            } else {
                let b = blockAt[s]
                let w = widthIndex(bits[b])
                memory[s] = tables.blockMemory[b][w]
                for e in termRows.indices { for c in termRows[e].indices { termRows[e][c] += tables.blockTerms[b][w][e][c] } }
                pathStage += Array(repeating: s, count: tables.blockTerms[b][w][0][0].count)
            }
        }
        var resources: [[Resources]] = []
        for e in tables.candidates.indices {
            let double = bufferBits(e, bits, .double)
            let single = bufferBits(e, bits, .single)
            resources.append(
                tables.base[e].indices.map { c in
                    var r = tables.base[e][c]
                    // A tiled candidate's fixed tile buffer is in its base resources.
                    let size: Int
                    switch tables.candidates[e][c].weightBuffering {
                    case .double: size = double
                    case .single: size = single
                    case .tiled: size = 0
                    }
                    r.bram18 += bufferBRAM(readBits: tables.readBits[e][c], sizeBits: size)
                    return r
                })
        }
        return SubgraphInstance(
            stageNames: tables.stageNames, memoryCycles: memory, pathStage: pathStage,
            candidates: tables.candidates, resources: resources, terms: termRows.map { $0.flatMap { $0 } },
            fixed: tables.fixed, budget: tables.budget)
    }

    /// Model size in bits of an assignment.
    func modelBits(_ bits: [Int]) -> Int {
        fixedModelBits + bits.enumerated().reduce(0) { $0 + blockModelBits[$1.offset][widthIndex($1.element)] }
    }

    /// Widths per block from a width per unit.
    func blockBits(_ unitBits: [Int]) -> [Int] {
        var bits = [Int](repeating: 0, count: unitOf.count)
        for (u, unit) in units.enumerated() { for b in unit.blocks { bits[b] = unitBits[u] } }
        return bits
    }
}
