import HAONetwork
import HAOSolver

// Mixed-precision bit allocation joint with the accelerator configuration: the problem
// statement, target-neutral. A target that can run blocks at several widths conforms to
// ``MixedPrecisionTarget``; docs/bit-allocation.md explains the subgraph target's method.

/// What the bit allocation must satisfy besides the resource budget.
public enum BitAllocationLimit: Sendable, Hashable {
    /// Network latency at most this many clock cycles (from a target fps: `floor(clock / fps)`).
    case latency(maxCycles: Int)
    /// Model size at most this many bits (weights at their width, biases at 32 bits).
    case modelSize(maxBits: Int)
}

/// Why a bit-allocation problem could not be set up or solved.
public enum BitAllocationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problem is malformed (widths, penalties, groups or limit).
    case invalidProblem(String)
    /// The target could not set up or evaluate a network.
    case hardware(HardwareError)
    /// A solver failed.
    case solverFailed(String)
    /// A solver's answer does not re-evaluate to what it claimed: a bug.
    case inconsistent(String)
    /// More bit assignments than the exhaustive enumerator accepts.
    case tooLarge(String)

    /// One line for the user, prefixed with what failed; hardware errors read as ``HardwareError/description``.
    public var description: String {
        switch self {
        case .invalidProblem(let m): return "invalid bit-allocation problem: \(m)"
        case .hardware(let e): return "\(e)"
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
    /// The network whose block widths are chosen; its stem and head keep their own precision.
    public var network: Network
    /// Allowed widths per block, ascending, no duplicates.
    public var allowedBits: [[Int]]
    /// `penalties[b][i]`: top-1 points lost when block `b` runs at `allowedBits[b][i]`.
    public var penalties: [[Double]]
    /// Blocks that must share one bit width (each block in at most one group; singletons implied).
    public var groups: [[Int]]
    /// The latency or model-size limit the chosen widths must meet.
    public var limit: BitAllocationLimit

    /// A problem from its parts, taken as given. Solving checks them: a network with blocks, one width list and one penalty
    /// list per block, widths ascending, distinct and in 1...32, one finite penalty per width, groups disjoint and of valid
    /// block indices, a positive limit.
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
        func find(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { i = parent[i] }
            return i
        }
        var pinned: [Int] = []
        for (j, block) in network.blocks.enumerated() where block.hasResidual {
            if j == 0 {
                pinned.append(0)
                continue
            }
            let a = find(j - 1)
            let b = find(j)
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

/// The answer to one bit-allocation problem.
public struct BitAllocationSolution<Target: HardwareTarget>: Sendable {
    /// How a bit allocation ended.
    public enum Status: String, Sendable, Hashable, Codable {
        /// `bits` and `report` hold the answer.
        case optimal
        /// No width assignment and configuration meets the limit within the budget.
        case infeasible
    }
    /// How it ended.
    public var status: Status
    /// Width per block (nil when infeasible).
    public var bits: [Int]?
    /// Total predicted penalty in top-1 points of the chosen widths.
    public var penalty: Double?
    /// The fastest accelerator configuration for the chosen widths, evaluated by the cost model.
    public var report: Target.Report?
    /// Model size in bits of the chosen widths.
    public var modelBits: Int?
    /// Which solver answered.
    public var solver: SolverID
    /// Wall-clock time of the solve.
    public var solveTime: Duration
    /// The clock the target's cycle counts run at, in MHz.
    public var clockMHz: Double
    /// Latency of the answer in the target's clock cycles.
    public var latencyCycles: Int?
    /// When infeasible: the least latency reachable at all (any widths, best configuration), in
    /// the target's clock cycles and in milliseconds, and its widths.
    public var leastLatencyCycles: Int?
    /// The same least latency in milliseconds (nil unless infeasible).
    public var leastLatencyMs: Double?
    /// The block widths of that least latency (nil unless infeasible).
    public var leastLatencyBits: [Int]?
    /// Why it is infeasible, in words.
    public var diagnosis: String?
    /// Notes, e.g. that the native solver took over from GLPK.
    public var messages: [String]

    /// Batch-1 latency of the answer in milliseconds.
    public var latencyMs: Double? { report?.latencyMs }
    /// Frames per second of the answer.
    public var fps: Double? { report?.fps }
    /// The accelerator configuration of the answer.
    public var configuration: Target.Configuration? { report?.configuration }
}

/// A target that runs blocks at several bit widths and can choose them jointly with its
/// configuration, exactly (the `hao quantize` question and the search's `--bits optimal`).
public protocol MixedPrecisionTarget: HardwareTarget {
    /// The latency limit a target frame rate means, in the target's units.
    func bitAllocationLimit(targetFPS: Double) throws(BitAllocationError) -> BitAllocationLimit
    /// The latency limit a latency in milliseconds means, in the target's units.
    func bitAllocationLimit(latencyMs: Double) -> BitAllocationLimit
    /// Least predicted penalty within the problem's limit and the target's budget.
    func allocateBits(_ problem: BitAllocationProblem, using solver: any ExactSolver) throws(BitAllocationError) -> BitAllocationSolution<
        Self
    >
}
