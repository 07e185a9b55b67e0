import HAONetwork

// Mixed-precision bit allocation joint with the accelerator configuration.
// docs/bit-allocation.md explains the formulation, the decomposition by "precision key" and
// why it is exact; this file holds the problem statement and the tables every solver shares.

/// What the bit allocation must satisfy besides the resource budget.
public enum BitAllocationLimit: Sendable, Hashable {
    /// Network latency at most this many clock cycles (from a target fps: `floor(clock / fps)`).
    case latency(maxCycles: Int)
    /// Model size at most this many bits (weights at their width, biases at 32 bits).
    case modelSize(maxBits: Int)
}

/// Why a bit-allocation problem could not be set up or solved.
public enum BitAllocationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidProblem(String)
    case accelerator(AcceleratorError)
    case solverFailed(String)
    /// A solver's answer does not re-evaluate to what it claimed: a bug.
    case inconsistent(String)
    /// More bit assignments than the exhaustive enumerator accepts.
    case tooLarge(String)

    public var description: String {
        switch self {
        case .invalidProblem(let m): return "invalid bit-allocation problem: \(m)"
        case .accelerator(let e): return "\(e)"
        case .solverFailed(let m): return "bit-allocation solver failed: \(m)"
        case .inconsistent(let m): return "internal inconsistency in bit allocation: \(m)"
        case .tooLarge(let m): return "too large: \(m)"
        }
    }
}

/// One bit-allocation problem: a network whose blocks each take a bit width (weights and
/// activations, WbAb) from an allowed set, with a predicted accuracy penalty per block and width.
///
/// The stem and head keep the network's own precision (8-bit in the shipped networks).
public struct BitAllocationProblem: Sendable {
    public var network: Network
    /// Allowed widths per block, ascending, no duplicates.
    public var allowedBits: [[Int]]
    /// `penalties[b][i]`: top-1 points lost when block `b` runs at `allowedBits[b][i]`.
    public var penalties: [[Double]]
    /// Blocks that must share one bit width (each block in at most one group; singletons implied).
    public var groups: [[Int]]
    public var limit: BitAllocationLimit

    public init(network: Network, allowedBits: [[Int]], penalties: [[Double]], groups: [[Int]], limit: BitAllocationLimit) {
        self.network = network
        self.allowedBits = allowedBits
        self.penalties = penalties
        self.groups = groups
        self.limit = limit
    }

    /// HAWQ-V3-style residual groups: a block with a residual add shares its width with the
    /// producer of the tensor it adds, i.e. the previous block; for block 0 the producer is the
    /// stem, so such a block is pinned to the stem's width (returned in `pinnedToStem`).
    /// Chains merge, so every block of a stage after its first joins the first one's group.
    public static func residualGroups(_ network: Network) -> (groups: [[Int]], pinnedToStem: [Int]) {
        var parent = Array(network.blocks.indices)
        func find(_ i: Int) -> Int { var i = i; while parent[i] != i { i = parent[i] }; return i }
        var pinned: [Int] = []
        for (j, block) in network.blocks.enumerated() where block.hasResidual {
            if j == 0 { pinned.append(0); continue }
            let a = find(j - 1), b = find(j)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var byRoot: [Int: [Int]] = [:]
        for i in network.blocks.indices { byRoot[find(i), default: []].append(i) }
        let groups = byRoot.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
        // A pinned block pins its whole group.
        var pinnedAll: [Int] = []
        for p in pinned { pinnedAll += byRoot[find(p)] ?? [p] }
        return (groups, pinnedAll.sorted())
    }

    /// The network with block `b` at `bits[b]` (WbAb).
    public func network(withBits bits: [Int]) -> Network {
        var n = network
        for b in n.blocks.indices { n.blocks[b].precision = .uniform(bits[b]) }
        return n
    }

    /// Total penalty of an assignment (bits per block).
    public func penalty(_ bits: [Int]) -> Double {
        var sum = 0.0
        for b in bits.indices { if let i = allowedBits[b].firstIndex(of: bits[b]) { sum += penalties[b][i] } }
        return sum
    }

    /// Model size in bits: every layer's weights at its width plus 32-bit biases.
    public static func modelBits(_ network: Network) -> Int {
        network.layers.reduce(0) { $0 + $1.weightBits + ($1.hasBias ? $1.outChannels * 32 : 0) }
    }

    func validate() throws(BitAllocationError) {
        let n = network.blocks.count
        guard n > 0 else { throw .invalidProblem("the network has no blocks to quantize") }
        guard allowedBits.count == n, penalties.count == n else {
            throw .invalidProblem("\(allowedBits.count) allowed-bit lists and \(penalties.count) penalty lists for \(n) blocks")
        }
        for b in 0..<n {
            let bits = allowedBits[b]
            guard !bits.isEmpty else { throw .invalidProblem("block \(b) has no allowed bit width") }
            guard bits == Array(Set(bits)).sorted(), bits.allSatisfy({ (1...32).contains($0) }) else {
                throw .invalidProblem("block \(b): allowed widths \(bits) must be ascending, distinct, in 1...32")
            }
            guard penalties[b].count == bits.count, penalties[b].allSatisfy(\.isFinite) else {
                throw .invalidProblem("block \(b): need one finite penalty per allowed width (\(bits.count)), got \(penalties[b])")
            }
        }
        var seen = Set<Int>()
        for g in groups {
            for b in g {
                guard (0..<n).contains(b) else { throw .invalidProblem("group member \(b) is not a block index (0..<\(n))") }
                guard seen.insert(b).inserted else { throw .invalidProblem("block \(b) is in two groups") }
            }
        }
        switch limit {
        case .latency(let c): guard c > 0 else { throw .invalidProblem("latency limit must be positive, got \(c) cycles") }
        case .modelSize(let s): guard s > 0 else { throw .invalidProblem("size limit must be positive, got \(s) bits") }
        }
    }

    /// Blocks merged by groups into units that take one width each.
    struct Unit: Sendable {
        var blocks: [Int]
        var bits: [Int]
        var penalties: [Double]
    }

    func units() -> (units: [Unit], unitOf: [Int]) {
        let n = network.blocks.count
        var unitOf = [Int](repeating: -1, count: n)
        var units: [Unit] = []
        var members: [[Int]] = groups.map { $0.sorted() }
        for b in 0..<n where !groups.contains(where: { $0.contains(b) }) { members.append([b]) }
        members.sort { $0[0] < $1[0] }
        for m in members {
            var common = Set(allowedBits[m[0]])
            for b in m.dropFirst() { common.formIntersection(allowedBits[b]) }
            let bits = common.sorted()
            let pen = bits.map { w in m.reduce(0.0) { $0 + penalties[$1][allowedBits[$1].firstIndex(of: w)!] } }
            for b in m { unitOf[b] = units.count }
            units.append(Unit(blocks: m, bits: bits, penalties: pen))
        }
        return (units, unitOf)
    }
}

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
    public var problem: BitAllocationProblem
    public var device: Device
    public var parameters: CostModelParameters
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

    public init(problem: BitAllocationProblem, device: Device, cap: UtilisationCap = .standard,
                parameters: CostModelParameters = .standard) throws(BitAllocationError) {
        try problem.validate()
        // Validates the network and device the same way the accelerator optimizer does.
        do { _ = try AcceleratorOptimizer(device: device, cap: cap, parameters: parameters).setUp(problem.network) } catch {
            throw .accelerator(error)
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
        var wb = [[[Int]]](repeating: [], count: 3)
        var mb: [[Int]] = Array(repeating: [], count: problem.network.blocks.count)
        for (wi, w) in allWidths.enumerated() {
            let layers = problem.network(withBits: Array(repeating: w, count: problem.network.blocks.count)).layers
            var perEngine = [[Int]](repeating: [Int](repeating: 0, count: problem.network.blocks.count), count: 3)
            var model = [Int](repeating: 0, count: problem.network.blocks.count)
            for layer in layers {
                guard let b = layer.blockIndex else { continue }
                perEngine[EngineKind.running(layer.role).index][b] += layer.weightBits
                model[b] += layer.weightBits + (layer.hasBias ? layer.outChannels * 32 : 0)
            }
            for e in 0..<3 {
                if wi == 0 { wb[e] = perEngine[e].map { [$0] } } else { for b in perEngine[e].indices { wb[e][b].append(perEngine[e][b]) } }
            }
            for b in model.indices { mb[b].append(model[b]) }
        }
        weightBits = wb
        blockModelBits = mb
        fixedModelBits = problem.network.layers.filter { $0.blockIndex == nil }.reduce(0) { $0 + $1.weightBits + ($1.hasBias ? $1.outChannels * 32 : 0) }
    }

    func widthIndex(_ w: Int) -> Int { allWidths.firstIndex(of: w)! }

    /// The precision key of a full assignment (width per block).
    func key(of bits: [Int]) -> PrecisionKey {
        var exp = Set<Int>(), all = Set<Int>()
        for (b, w) in bits.enumerated() { all.insert(w); if hasExpand[b] { exp.insert(w) } }
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

    /// Weight-buffer size in bits of engine `e` under `bits` (widths per block): double-buffered,
    /// the largest consecutive pair of blocks' weights on the engine (the first block alone if
    /// only one); single-buffered, the largest block.
    func bufferBits(_ e: Int, _ bits: [Int], _ buffering: WeightBuffering = .double) -> Int {
        let w = bits.enumerated().map { weightBits[e][$0.offset][widthIndex($0.element)] }
        var size = buffering == .single ? (w.max() ?? 0) : (w.first ?? 0)
        if buffering == .double {
            for i in w.indices.dropLast() { size = max(size, w[i] + w[i + 1]) }
        }
        return size
    }

    /// BRAM18 of a memory read `readBits` wide holding `sizeBits` (mirrors the cost model's weight buffer).
    func bufferBRAM(readBits: Int, sizeBits: Int) -> Int {
        guard sizeBits > 0, readBits > 0 else { return 0 }
        let words = (sizeBits + readBits - 1) / readBits
        let banks = (readBits + parameters.bram18MaxWidth - 1) / parameters.bram18MaxWidth
        let bankWidth = (readBits + banks - 1) / banks
        let depth: Int
        switch bankWidth {
        case ...1: depth = 16_384
        case ...2: depth = 8_192
        case ...4: depth = 4_096
        case ...9: depth = 2_048
        case ...18: depth = 1_024
        default: depth = 512
        }
        return banks * ((words + depth - 1) / depth)
    }

    /// Builds the tables of `key`.
    func tables(_ key: PrecisionKey) -> BitAllocationTables? {
        guard let rep = representative(key) else { return nil }
        let repNetwork = problem.network(withBits: rep)
        let model = CostModel(network: repNetwork, device: device, parameters: parameters)
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
        for e in 0..<3 {
            let kind = EngineKind.allCases[e]
            let engineLayers = repLayers.filter { EngineKind.running($0.role) == kind }
            var perLane = 0
            for layer in engineLayers {
                let s = max(1, device.family.macsPerDSP(bits: layer.precision.operandBits) / device.family.macsPerDSP(bits: model.designBits[e]))
                perLane = max(perLane, s * layer.precision.weightBits)
            }
            var rb: [Int] = [], bs: [Resources] = []
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
        var fixedMemory: [Int] = [], fixedTerms: [[[[Int]]]] = []
        for s in fixedStages {
            fixedMemory.append(model.memoryCycles(stages[s]))
            fixedTerms.append((0..<3).map { e in candidates[e].map { model.pathTerms(stages[s], $0) } })
        }
        var blockMemory = [[Int]](repeating: [], count: problem.network.blocks.count)
        var blockTerms = [[[[[Int]]]]](repeating: [], count: problem.network.blocks.count)
        for w in allWidths {
            let stagesAtW = problem.network(withBits: Array(repeating: w, count: problem.network.blocks.count)).stages
            for b in problem.network.blocks.indices {
                let stage = stagesAtW[blockStage[b]]
                blockMemory[b].append(model.memoryCycles(stage))
                blockTerms[b].append((0..<3).map { e in candidates[e].map { model.pathTerms(stage, $0) } })
            }
        }
        return BitAllocationTables(key: key, stageNames: stages.map(\.name), blockStage: blockStage, fixedStages: fixedStages,
                                   candidates: candidates, base: base, readBits: readBits, fixedMemory: fixedMemory,
                                   fixedTerms: fixedTerms, widths: allWidths, blockMemory: blockMemory, blockTerms: blockTerms,
                                   fixed: model.fixedResources, budget: budget)
    }

    /// The accelerator instance of a full assignment, from the key's tables (no cost-model calls).
    func instance(_ tables: BitAllocationTables, bits: [Int]) -> AcceleratorInstance {
        let stageCount = tables.stageNames.count
        var memory = [Int](repeating: 0, count: stageCount)
        // Stage order: stage s gets its path terms from the fixed or block table.
        var pathStage: [Int] = []
        var termRows: [[[Int]]] = (0..<3).map { e in [[Int]](repeating: [], count: tables.candidates[e].count) }
        var fixedIndex = [Int](repeating: -1, count: stageCount)
        for (i, s) in tables.fixedStages.enumerated() { fixedIndex[s] = i }
        var blockAt = [Int](repeating: -1, count: stageCount)
        for (b, s) in tables.blockStage.enumerated() { blockAt[s] = b }
        for s in 0..<stageCount {
            if fixedIndex[s] >= 0 {
                let i = fixedIndex[s]
                memory[s] = tables.fixedMemory[i]
                for e in 0..<3 { for c in termRows[e].indices { termRows[e][c] += tables.fixedTerms[i][e][c] } }
                pathStage += Array(repeating: s, count: tables.fixedTerms[i][0][0].count)
            } else {
                let b = blockAt[s], w = widthIndex(bits[b])
                memory[s] = tables.blockMemory[b][w]
                for e in 0..<3 { for c in termRows[e].indices { termRows[e][c] += tables.blockTerms[b][w][e][c] } }
                pathStage += Array(repeating: s, count: tables.blockTerms[b][w][0][0].count)
            }
        }
        var resources: [[Resources]] = []
        for e in 0..<3 {
            let double = bufferBits(e, bits, .double), single = bufferBits(e, bits, .single)
            resources.append(tables.base[e].indices.map { c in
                var r = tables.base[e][c]
                let size = tables.candidates[e][c].weightBuffering == .single ? single : double
                r.bram18 += bufferBRAM(readBits: tables.readBits[e][c], sizeBits: size)
                return r
            })
        }
        return AcceleratorInstance(stageNames: tables.stageNames, memoryCycles: memory, pathStage: pathStage,
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

extension Layer {
    /// The block a layer belongs to, nil for the stem and head.
    public var blockIndex: Int? {
        switch role {
        case .expand(let b), .depthwise(let b), .squeezeReduce(let b), .squeezeExpand(let b), .project(let b): return b
        case .stem, .headConv, .headHidden, .classifier: return nil
        }
    }
}
