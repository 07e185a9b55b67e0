import HAONetwork
import HAOSolver

/// What a bit-allocation solve minimises.
public enum BitAllocationObjective: Sendable, Hashable {
    /// Least total penalty under the problem's limit (the bit-allocation question).
    case penalty
    /// Least latency reachable at all (under a size limit, if the problem has one): what an
    /// infeasible latency target is reported against.
    case latency
}

/// The raw answer of one solver: the width of every block and the engine configuration.
public struct BitAllocationRaw: Sendable, Hashable {
    /// Width per block, nil when infeasible.
    public var bits: [Int]?
    public var configuration: AcceleratorConfiguration?
    /// Total penalty (penalty objective) or latency in cycles (latency objective) as the solver found it.
    public var objective: Double?
    /// Leaves (assignments) checked, or integer programs solved.
    public var work: Int
}

extension BitAllocationContext {
    // MARK: - Native exact solver

    /// Separable lower bounds of each block's latency per width and of the fixed stages, over
    /// every key and every candidate (each engine's smallest term in each path, no resources).
    func latencyLowerBounds(_ tables: [BitAllocationTables]) -> (blocks: [[Int]], fixed: Int) {
        var lb = [[Int]](repeating: [Int](repeating: Int.max, count: allWidths.count), count: unitOf.count)
        var fixedLB = Int.max
        func stageBound(_ memory: Int, _ terms: [[[Int]]]) -> Int {
            let paths = terms[0][0].count
            var best = memory
            for k in 0..<paths {
                var sum = 0
                for e in 0..<3 { sum += terms[e].map { $0[k] }.min() ?? 0 }
                best = max(best, sum)
            }
            return best
        }
        for t in tables {
            var f = 0
            for (i, _) in t.fixedStages.enumerated() { f += stageBound(t.fixedMemory[i], t.fixedTerms[i]) }
            fixedLB = min(fixedLB, f)
            for b in lb.indices {
                for w in t.key.blocks where !hasExpand[b] || t.key.expand.contains(w) {
                    let wi = widthIndex(w)
                    lb[b][wi] = min(lb[b][wi], stageBound(t.blockMemory[b][wi], t.blockTerms[b][wi]))
                }
            }
        }
        return (lb, fixedLB == Int.max ? 0 : fixedLB)
    }

    /// Exact branch and bound over units (groups) in pure Swift.
    ///
    /// Units are fixed one at a time, each unit's widths tried in order of penalty (or of latency
    /// bound). A partial assignment is cut when its penalty plus the least penalty of the
    /// remaining units cannot beat the incumbent, or when its separable latency lower bound (every
    /// block on its own best candidates, over every precision key) already exceeds the limit or the
    /// incumbent latency, or its size does. At a leaf the widths are fixed, the precision key and
    /// weight-buffer sizes follow, and the accelerator problem is solved exactly by
    /// ``AcceleratorInstance/solveNative(_:)``. Nothing is cut that could be strictly better.
    public func solveNative(_ objective: BitAllocationObjective = .penalty) -> BitAllocationRaw {
        var cache: [PrecisionKey: BitAllocationTables] = [:]
        let keys = possibleKeys()
        for k in keys { cache[k] = tables(k) }
        let (lb, fixedLB) = latencyLowerBounds(Array(cache.values))
        let unitCount = units.count
        let unitLB: [[Int]] = units.map { u in u.bits.map { w in u.blocks.reduce(0) { $0 + lb[$1][widthIndex(w)] } } }
        let unitSize: [[Int]] = units.map { u in u.bits.map { w in u.blocks.reduce(0) { $0 + blockModelBits[$1][widthIndex(w)] } } }
        var remPenalty = [Double](repeating: 0, count: unitCount + 1)
        var remLB = [Int](repeating: 0, count: unitCount + 1)
        var remSize = [Int](repeating: 0, count: unitCount + 1)
        for u in stride(from: unitCount - 1, through: 0, by: -1) {
            remPenalty[u] = remPenalty[u + 1] + (units[u].penalties.min() ?? 0)
            remLB[u] = remLB[u + 1] + (unitLB[u].min() ?? 0)
            remSize[u] = remSize[u + 1] + (unitSize[u].min() ?? 0)
        }
        var maxCycles = Int.max, maxBits = Int.max
        switch problem.limit {
        case .latency(let c): if objective == .penalty { maxCycles = c }
        case .modelSize(let s): maxBits = s
        }
        // Children order: by penalty (penalty objective) or by latency bound.
        let order: [[Int]] = (0..<unitCount).map { u in
            Array(units[u].bits.indices).sorted {
                objective == .penalty ? units[u].penalties[$0] < units[u].penalties[$1] : unitLB[u][$0] < unitLB[u][$1]
            }
        }
        var bestPenalty = Double.infinity
        var bestLatency = Int.max
        var best: BitAllocationRaw = BitAllocationRaw(bits: nil, configuration: nil, objective: nil, work: 0)
        var work = 0
        var chosen = [Int](repeating: 0, count: unitCount)
        let tolerance = 1e-9

        func leaf(_ penalty: Double) {
            let bits = blockBits((0..<unitCount).map { units[$0].bits[chosen[$0]] })
            guard let t = cache[key(of: bits)] else { return }
            work += 1
            let inst = instance(t, bits: bits).pruned(.all)
            let r = inst.solveNative(.minimiseLatency)
            guard let choice = r.choice, let latency = r.objective.map({ Int($0) }) else { return }
            let config = AcceleratorConfiguration(expand: inst.candidates[0][choice[0]], depthwise: inst.candidates[1][choice[1]],
                                                  project: inst.candidates[2][choice[2]])
            switch objective {
            case .penalty:
                guard latency <= maxCycles, penalty < bestPenalty - tolerance else { return }
                bestPenalty = penalty
                best = BitAllocationRaw(bits: bits, configuration: config, objective: penalty, work: 0)
            case .latency:
                guard latency < bestLatency else { return }
                bestLatency = latency
                best = BitAllocationRaw(bits: bits, configuration: config, objective: Double(latency), work: 0)
            }
        }

        func visit(_ u: Int, _ penalty: Double, _ lbSum: Int, _ size: Int) {
            if size + remSize[u] > maxBits { return }
            switch objective {
            case .penalty:
                if penalty + remPenalty[u] >= bestPenalty - tolerance { return }
                if maxCycles != Int.max && fixedLB + lbSum + remLB[u] > maxCycles { return }
            case .latency:
                if bestLatency != Int.max && fixedLB + lbSum + remLB[u] >= bestLatency { return }
            }
            if u == unitCount { leaf(penalty); return }
            for i in order[u] {
                chosen[u] = i
                visit(u + 1, penalty + units[u].penalties[i], lbSum + unitLB[u][i], size + unitSize[u][i])
            }
        }
        visit(0, 0, 0, fixedModelBits)
        best.work = work
        return best
    }

    // MARK: - Exhaustive reference

    /// Number of unit assignments (the exhaustive enumerator's leaves).
    public var assignmentCount: Double { units.reduce(1.0) { $0 * Double($1.bits.count) } }

    /// Enumerates every width assignment and, for each, every engine configuration of the
    /// unpruned accelerator instance built by the cost model itself from the quantized network
    /// (not from this context's tables): the reference the other solvers are checked against.
    public func solveExhaustive(_ objective: BitAllocationObjective = .penalty, maxAssignments: Double = 4_096) throws(BitAllocationError) -> BitAllocationRaw {
        guard assignmentCount <= maxAssignments else {
            throw .tooLarge("\(Int(assignmentCount)) width assignments; the enumerator takes at most \(Int(maxAssignments))")
        }
        let optimizer = AcceleratorOptimizer(device: device, cap: .none, parameters: parameters)
        var best = BitAllocationRaw(bits: nil, configuration: nil, objective: nil, work: 0)
        var bestValue = Double.infinity
        var index = [Int](repeating: 0, count: units.count)
        while true {
            let bits = blockBits((0..<units.count).map { units[$0].bits[index[$0]] })
            let network = problem.network(withBits: bits)
            var fitsSize = true
            if case .modelSize(let s) = problem.limit { fitsSize = BitAllocationProblem.modelBits(network) <= s }
            if fitsSize {
                let full: AcceleratorInstance
                do { full = try optimizer.setUp(network).1 } catch { throw .accelerator(error) }
                var inst = full
                inst.budget = budget
                best.work += 1
                let r = inst.solveExhaustive(.minimiseLatency)
                if let choice = r.choice, let latency = r.objective {
                    let penalty = problem.penalty(bits)
                    var value: Double? = nil
                    switch objective {
                    case .penalty:
                        if case .latency(let c) = problem.limit, Int(latency) > c { break }
                        value = penalty
                    case .latency:
                        value = latency
                    }
                    if let value, value < bestValue - 1e-9 {
                        bestValue = value
                        best.bits = bits
                        best.objective = value
                        best.configuration = AcceleratorConfiguration(expand: inst.candidates[0][choice[0]],
                                                                      depthwise: inst.candidates[1][choice[1]],
                                                                      project: inst.candidates[2][choice[2]])
                    }
                }
            }
            var u = 0
            while u < units.count {
                index[u] += 1
                if index[u] < units[u].bits.count { break }
                index[u] = 0
                u += 1
            }
            if u == units.count { break }
        }
        return best
    }

    // MARK: - GLPK

    /// The mixed-integer program of one precision key (see ``BitAllocationProgram``), or nil
    /// when no assignment of the groups can have this key.
    public func program(for keyIndex: Int, objective: BitAllocationObjective = .penalty) -> BitAllocationProgram? {
        let keys = possibleKeys()
        guard keys.indices.contains(keyIndex), let t = tables(keys[keyIndex]) else { return nil }
        return BitAllocationProgram(context: self, tables: t, objective: objective)
    }

    /// Solves one integer program per precision key with GLPK and keeps the best.
    public func solveGLPK(_ objective: BitAllocationObjective = .penalty, timeLimit: Duration? = nil) throws(BitAllocationError) -> BitAllocationRaw {
        var best = BitAllocationRaw(bits: nil, configuration: nil, objective: nil, work: 0)
        for key in possibleKeys() {
            guard let t = tables(key), let program = BitAllocationProgram(context: self, tables: t, objective: objective) else { continue }
            best.work += 1
            let solution: Solution
            do { solution = try GLPKSolver().solve(program.model, options: SolverOptions(timeLimit: timeLimit)) } catch {
                throw .solverFailed("\(error)")
            }
            switch solution.status {
            case .optimal:
                guard let (unitBits, choice) = program.decode(solution.values) else {
                    throw .inconsistent("GLPK returned a solution with no width or configuration chosen")
                }
                let value = (solution.objective ?? 0)
                if best.objective == nil || value < best.objective! - 1e-6 * max(1, abs(value)) {
                    best.bits = blockBits(unitBits)
                    best.objective = value
                    best.configuration = AcceleratorConfiguration(expand: t.candidates[0][choice[0]], depthwise: t.candidates[1][choice[1]],
                                                                  project: t.candidates[2][choice[2]])
                }
            case .infeasible:
                continue
            default:
                throw .solverFailed("GLPK stopped with status \(solution.status.rawValue) before proving optimality")
            }
        }
        return best
    }
}

/// The bit-allocation problem of one precision key as a mixed-integer linear program:
///
///     minimise   sum_u sum_w pen[u,w] y[u,w]                      (or sum_s L_s)
///     subject to sum_w y[u,w] = 1, sum_c x[e,c] = 1                one-hot widths per unit, configurations per engine
///                sum_u y[u,w] >= 1 for every width w of the key     (and of the expand engine's part)
///                L_b >= sum_e sum_c t[e,c,k,b,w] x[e,c] - M[b,k,w] (1 - y[u(b),w])   every block b, path k, width w
///                L_b >= sum_w mem[b,w] y[u(b),w];  L_s >= sum_e sum_c t[e,c,k] x[e,c]   (stem and head)
///                sum_s L_s <= T   or   sum_u sum_w size[u,w] y[u,w] <= S
///                sum_e sum_c r[e,c] x[e,c] (+ sum_e B_e for BRAM18) <= budget - fixed
///                weight buffer of engine e: every consecutive pair's weights <= V_0 + sum_l (V_l - V_{l-1}) z[e,l],
///                z[e,l] <= z[e,l-1],  B_e >= sum_c bram(c, V_l) x[e,c] - Bmax_l (1 - z[e,l])
///
/// `M[b,k,w]` is the largest the path's right-hand side can be minus `L_b`'s lower bound, the
/// tightest big-M that keeps the row inactive when block b is not at width w.
public struct BitAllocationProgram: Sendable {
    public var model: LinearModel
    /// `y[u][i]`: unit u at its i-th allowed width of this key (`unitWidths[u][i]`).
    public var widthColumns: [[VariableID]]
    public var unitWidths: [[Int]]
    public var choiceColumns: [[VariableID]]

    init?(context: BitAllocationContext, tables t: BitAllocationTables, objective: BitAllocationObjective) {
        let ctx = context
        let key = t.key
        var model = LinearModel(name: "bit_allocation", objectiveName: objective == .penalty ? "penalty" : "latency_cycles")
        // Widths each unit may take under this key.
        var unitWidths: [[Int]] = []
        var unitPenalties: [[Double]] = []
        for u in ctx.units {
            let anyExpand = u.blocks.contains { ctx.hasExpand[$0] }
            let allowed = u.bits.indices.filter { key.blocks.contains(u.bits[$0]) && (!anyExpand || key.expand.contains(u.bits[$0])) }
            if allowed.isEmpty { return nil }
            unitWidths.append(allowed.map { u.bits[$0] })
            unitPenalties.append(allowed.map { u.penalties[$0] })
        }
        var y: [[VariableID]] = []
        for (u, widths) in unitWidths.enumerated() {
            y.append(widths.enumerated().map { i, w in
                model.addVariable("y_\(u)_\(w)", kind: .binary, objective: objective == .penalty ? unitPenalties[u][i] : 0)
            })
            model.addEquality("one_u\(u)", y[u].map { 1.0 * $0 }, 1)
        }
        // Every width of the key present (on all blocks, and among expand blocks).
        for w in key.blocks {
            let terms = unitWidths.indices.compactMap { u in unitWidths[u].firstIndex(of: w).map { 1.0 * y[u][$0] } }
            if terms.isEmpty { return nil }
            model.addConstraint("has_\(w)", terms, lowerBound: 1)
        }
        for w in key.expand {
            let terms = unitWidths.indices.compactMap { u -> LinearModel.Term? in
                guard ctx.units[u].blocks.contains(where: { ctx.hasExpand[$0] }) else { return nil }
                return unitWidths[u].firstIndex(of: w).map { 1.0 * y[u][$0] }
            }
            if terms.isEmpty { return nil }
            model.addConstraint("has_exp_\(w)", terms, lowerBound: 1)
        }
        let names = ["exp", "dw", "proj"]
        var x: [[VariableID]] = []
        for e in 0..<3 {
            x.append(t.candidates[e].map { model.addVariable("x_\(names[e])_\($0.identifier)", kind: .binary) })
            model.addEquality("one_\(names[e])", x[e].map { 1.0 * $0 }, 1)
        }
        var latencyColumns: [VariableID] = []
        let latencyObjective = objective == .latency ? 1.0 : 0.0
        // Fixed stages.
        for (i, s) in t.fixedStages.enumerated() {
            let terms = t.fixedTerms[i]
            let paths = terms[0][0].count
            var lower = t.fixedMemory[i]
            for k in 0..<paths { lower = max(lower, (0..<3).reduce(0) { $0 + terms[$1].map { $0[k] }.min()! }) }
            let L = model.addVariable("L_\(s)", kind: .continuous, lowerBound: Double(lower), objective: latencyObjective)
            latencyColumns.append(L)
            for k in 0..<paths {
                var row: [LinearModel.Term] = [1.0 * L]
                var constant = 0
                for e in 0..<3 {
                    let m = terms[e].map { $0[k] }.min()!
                    constant += m
                    for c in terms[e].indices where terms[e][c][k] != m { row.append(Double(-(terms[e][c][k] - m)) * x[e][c]) }
                }
                model.addConstraint("path_\(s)_\(k)", row, lowerBound: Double(constant))
            }
        }
        // Block stages.
        for (b, s) in t.blockStage.enumerated() {
            let u = ctx.unitOf[b]
            let widths = unitWidths[u]
            var bound = Int.max
            for w in widths {
                let wi = ctx.widthIndex(w)
                let terms = t.blockTerms[b][wi]
                var v = t.blockMemory[b][wi]
                for k in 0..<terms[0][0].count { v = max(v, (0..<3).reduce(0) { $0 + terms[$1].map { $0[k] }.min()! }) }
                bound = min(bound, v)
            }
            let L = model.addVariable("L_\(s)", kind: .continuous, lowerBound: Double(bound), objective: latencyObjective)
            latencyColumns.append(L)
            var memRow: [LinearModel.Term] = [1.0 * L]
            for (i, w) in widths.enumerated() {
                let wi = ctx.widthIndex(w)
                memRow.append(Double(-t.blockMemory[b][wi]) * y[u][i])
                let terms = t.blockTerms[b][wi]
                for k in 0..<terms[0][0].count {
                    var row: [LinearModel.Term] = [1.0 * L]
                    var constant = 0, maxSum = 0
                    for e in 0..<3 {
                        let column = terms[e].map { $0[k] }
                        let m = column.min()!
                        constant += m
                        maxSum += column.max()!
                        for c in column.indices where column[c] != m { row.append(Double(-(column[c] - m)) * x[e][c]) }
                    }
                    let bigM = max(0, maxSum - bound)
                    if widths.count > 1 {
                        if bigM > 0 { row.append(Double(-bigM) * y[u][i]) }
                        model.addConstraint("path_\(s)_\(k)_w\(w)", row, lowerBound: Double(constant - bigM))
                    } else {
                        model.addConstraint("path_\(s)_\(k)_w\(w)", row, lowerBound: Double(constant))
                    }
                }
            }
            model.addConstraint("mem_\(s)", memRow, lowerBound: 0)
        }
        // Limit.
        switch ctx.problem.limit {
        case .latency(let c):
            if objective == .penalty { model.addConstraint("target_latency", latencyColumns.map { 1.0 * $0 }, upperBound: Double(c)) }
        case .modelSize(let s):
            var row: [LinearModel.Term] = []
            for (u, widths) in unitWidths.enumerated() {
                for (i, w) in widths.enumerated() {
                    row.append(Double(ctx.units[u].blocks.reduce(0) { $0 + ctx.blockModelBits[$1][ctx.widthIndex(w)] }) * y[u][i])
                }
            }
            model.addConstraint("model_size", row, upperBound: Double(s - ctx.fixedModelBits))
        }
        // Weight buffers.
        var bufferColumns: [VariableID] = []
        for e in 0..<3 {
            // Values each pair (or the single block) can take, as terms in y. A double-buffered
            // candidate needs room for every consecutive pair, a single-buffered one for every block.
            let n = ctx.unitOf.count
            var pairs: [[Int]] = n == 1 ? [[0]] : (0..<(n - 1)).map { [$0, $0 + 1] }
            pairs = pairs.filter { p in p.contains { b in ctx.weightBits[e][b].contains { $0 > 0 } } }
            if pairs.isEmpty { continue }
            let singles = (0..<n).filter { b in ctx.weightBits[e][b].contains { $0 > 0 } }
            let singleCandidates = t.candidates[e].indices.filter { t.candidates[e][$0].weightBuffering == .single }
            let anyDouble = singleCandidates.count < t.candidates[e].count
            func sums(_ blocks: [Int]) -> [Int] {
                // All width combinations of the blocks (one width for blocks sharing a unit).
                var result: [Int] = [0]
                var seenUnits: [Int: Int] = [:]
                for b in blocks { seenUnits[ctx.unitOf[b], default: 0] += 1 }
                for (u, _) in seenUnits.sorted(by: { $0.key < $1.key }) {
                    var next: [Int] = []
                    for base in result {
                        for w in unitWidths[u] {
                            next.append(base + blocks.filter { ctx.unitOf[$0] == u }.reduce(0) { $0 + ctx.weightBits[e][$1][ctx.widthIndex(w)] })
                        }
                    }
                    result = next
                }
                return result
            }
            var values = Set<Int>()
            var floor = 0
            var largestPair = [Int](repeating: 0, count: pairs.count)
            for (pi, p) in pairs.enumerated() {
                let s = sums(p)
                largestPair[pi] = s.max()!
                if anyDouble {
                    if singleCandidates.isEmpty { floor = max(floor, s.min()!) }
                    values.formUnion(s)
                }
            }
            if !singleCandidates.isEmpty {
                for b in singles {
                    let s = sums([b])
                    floor = max(floor, s.min()!)
                    values.formUnion(s)
                }
            }
            var levels = values.filter { $0 >= floor }.sorted()
            // Keep the largest value of each run with the same BRAM18 for every candidate.
            func brams(_ v: Int) -> [Int] { t.candidates[e].indices.map { ctx.bufferBRAM(readBits: t.readBits[e][$0], sizeBits: v) } }
            var kept: [Int] = []
            for (i, v) in levels.enumerated() {
                if i + 1 < levels.count && brams(v) == brams(levels[i + 1]) { continue }
                kept.append(v)
            }
            // The smallest level must still be reachable by the floor: it is the floor's run's top.
            levels = kept
            let B = model.addVariable("B_\(names[e])", kind: .continuous, lowerBound: 0)
            bufferColumns.append(B)
            var z: [VariableID] = []
            for l in 1..<max(levels.count, 1) {
                z.append(model.addVariable("z_\(names[e])_\(l)", kind: .binary))
                if l >= 2 { model.addConstraint("zord_\(names[e])_\(l)", [1.0 * z[l - 1], -1.0 * z[l - 2]], upperBound: 0) }
            }
            func bufferRow(_ blocks: [Int]) -> [LinearModel.Term] {
                var coefficient: [Int: Double] = [:]
                for b in blocks {
                    let u = ctx.unitOf[b]
                    for (i, w) in unitWidths[u].enumerated() {
                        coefficient[y[u][i].index, default: 0] += Double(ctx.weightBits[e][b][ctx.widthIndex(w)])
                    }
                }
                var row: [LinearModel.Term] = coefficient.sorted { $0.key < $1.key }.filter { $0.value != 0 }.map { LinearModel.Term(VariableID(index: $0.key), $0.value) }
                for l in 1..<max(levels.count, 1) { row.append(Double(-(levels[l] - levels[l - 1])) * z[l - 1]) }
                return row
            }
            if anyDouble {
                for (pi, p) in pairs.enumerated() {
                    var row = bufferRow(p)
                    // Relaxed when the engine is single-buffered: the pair need not fit.
                    let relax = Double(max(largestPair[pi] - levels[0], 0))
                    if relax > 0 { for c in singleCandidates { row.append(-relax * x[e][c]) } }
                    model.addConstraint("buf_\(names[e])_pair\(pi)", row, upperBound: Double(levels[0]))
                }
            }
            if !singleCandidates.isEmpty {
                for b in singles {
                    model.addConstraint("buf_\(names[e])_block\(b)", bufferRow([b]), upperBound: Double(levels[0]))
                }
            }
            for (l, v) in levels.enumerated() {
                let bram = brams(v)
                var row: [LinearModel.Term] = [1.0 * B]
                for c in bram.indices where bram[c] != 0 { row.append(Double(-bram[c]) * x[e][c]) }
                if l == 0 {
                    model.addConstraint("bram_\(names[e])_0", row, lowerBound: 0)
                } else {
                    let bmax = bram.max() ?? 0
                    row.append(Double(-bmax) * z[l - 1])
                    model.addConstraint("bram_\(names[e])_\(l)", row, lowerBound: Double(-bmax))
                }
            }
        }
        // Resources.
        let rows: [(String, (Resources) -> Int)] = [("dsp", { $0.dsp }), ("bram18", { $0.bram18 }), ("lut", { $0.lut }), ("ff", { $0.ff })]
        for (rowName, get) in rows {
            var row: [LinearModel.Term] = []
            for e in 0..<3 { for c in t.candidates[e].indices where get(t.base[e][c]) != 0 { row.append(Double(get(t.base[e][c])) * x[e][c]) } }
            if rowName == "bram18" { row += bufferColumns.map { 1.0 * $0 } }
            model.addConstraint("budget_\(rowName)", row, upperBound: Double(get(t.budget) - get(t.fixed)))
        }
        self.model = model
        widthColumns = y
        self.unitWidths = unitWidths
        choiceColumns = x
    }

    /// Width per unit and candidate index per engine of a solution.
    func decode(_ values: [Double]) -> ([Int], [Int])? {
        guard values.count == model.variables.count else { return nil }
        var widths: [Int] = []
        for (u, columns) in widthColumns.enumerated() {
            guard let i = columns.indices.max(by: { values[columns[$0].index] < values[columns[$1].index] }),
                  values[columns[i].index] > 0.5 else { return nil }
            widths.append(unitWidths[u][i])
        }
        var choice: [Int] = []
        for columns in choiceColumns {
            guard let i = columns.indices.max(by: { values[columns[$0].index] < values[columns[$1].index] }),
                  values[columns[i].index] > 0.5 else { return nil }
            choice.append(i)
        }
        return (widths, choice)
    }
}
