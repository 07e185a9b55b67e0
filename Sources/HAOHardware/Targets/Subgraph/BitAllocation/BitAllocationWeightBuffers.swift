import HAOSolver

/// The weight-buffer part of the bit-allocation program: a buffer's size depends on the widths
/// chosen, so it is modelled by levels (the distinct sizes it can take), binaries `z` climbing
/// them, and a BRAM18 column `B` at least the chosen candidate's BRAM18 at the level reached.
extension BitAllocationProgramBuilder {
    /// Which sizes an engine's weight buffer can take and what must fit in it.
    struct BufferPlan {
        /// Consecutive block pairs (or the single block) with weights on the engine.
        var pairs: [[Int]]
        /// Blocks with weights on the engine.
        var singles: [Int]
        /// Candidates that are single-buffered.
        var singleCandidates: [Int]
        /// Candidates that are tiled: no block need fit their buffer, whose BRAM18 is fixed (in the base).
        var tiledCandidates: [Int]
        /// Whether some candidate is double-buffered.
        var anyDouble: Bool
        /// The largest total each pair can reach.
        var largestPair: [Int]
        /// Sizes the buffer can take, ascending, one per run of equal BRAM18 for every candidate.
        var levels: [Int]
    }

    /// Weight bits of `blocks` on engine `e` for every combination of their units' widths (one
    /// width for blocks sharing a unit).
    func weightSums(_ e: Int, _ blocks: [Int]) -> [Int] {
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

    /// BRAM18 of each candidate of engine `e` at buffer size `v` (0 for tiled candidates, whose
    /// fixed tile buffer is part of their base resources).
    func bufferBRAMs(_ e: Int, _ v: Int) -> [Int] {
        t.candidates[e].indices.map {
            t.candidates[e][$0].weightBuffering == .tiled ? 0 : ctx.bufferBRAM(readBits: t.readBits[e][$0], sizeBits: v)
        }
    }

    /// The plan of engine `e`'s buffer, nil when no block has weights on it.
    func bufferPlan(_ e: Int) -> BufferPlan? {
        // A double-buffered candidate needs room for every consecutive pair, a single-buffered
        // one for every block.
        let n = ctx.unitOf.count
        var pairs: [[Int]] = n == 1 ? [[0]] : (0..<(n - 1)).map { [$0, $0 + 1] }
        pairs = pairs.filter { p in p.contains { b in ctx.weightBits[e][b].contains { $0 > 0 } } }
        if pairs.isEmpty { return nil }
        let singles = (0..<n).filter { b in ctx.weightBits[e][b].contains { $0 > 0 } }
        let singleCandidates = t.candidates[e].indices.filter { t.candidates[e][$0].weightBuffering == .single }
        let tiledCandidates = t.candidates[e].indices.filter { t.candidates[e][$0].weightBuffering == .tiled }
        let anyDouble = t.candidates[e].contains { $0.weightBuffering == .double }
        var values = Set<Int>()
        var floor = 0
        var largestPair = [Int](repeating: 0, count: pairs.count)
        for (pi, p) in pairs.enumerated() {
            let s = weightSums(e, p)
            largestPair[pi] = s.max()!
            if anyDouble {
                if singleCandidates.isEmpty { floor = max(floor, s.min()!) }
                values.formUnion(s)
            }
        }
        if !singleCandidates.isEmpty {
            for b in singles {
                let s = weightSums(e, [b])
                floor = max(floor, s.min()!)
                values.formUnion(s)
            }
        }
        let levels = values.filter { $0 >= floor }.sorted()
        // Keep the largest value of each run with the same BRAM18 for every candidate (the
        // smallest level is then the top of the floor's run, still reachable).
        var kept: [Int] = []
        for (i, v) in levels.enumerated() {
            if i + 1 < levels.count && bufferBRAMs(e, v) == bufferBRAMs(e, levels[i + 1]) { continue }
            kept.append(v)
        }
        return BufferPlan(
            pairs: pairs, singles: singles, singleCandidates: singleCandidates, tiledCandidates: tiledCandidates,
            anyDouble: anyDouble, largestPair: largestPair, levels: kept)
    }

    /// The weights of `blocks` on engine `e` minus the levels climbed: at most the first level.
    func bufferRow(_ e: Int, _ blocks: [Int], levels: [Int], z: [VariableID]) -> [LinearModel.Term] {
        var coefficient: [Int: Double] = [:]
        for b in blocks {
            let u = ctx.unitOf[b]
            for (i, w) in unitWidths[u].enumerated() {
                coefficient[y[u][i].index, default: 0] += Double(ctx.weightBits[e][b][ctx.widthIndex(w)])
            }
        }
        var row = coefficient.sorted { $0.key < $1.key }.filter { $0.value != 0 }.map {
            LinearModel.Term(VariableID(index: $0.key), $0.value)
        }
        for l in 1..<max(levels.count, 1) { row.append(Double(-(levels[l] - levels[l - 1])) * z[l - 1]) }
        return row
    }

    /// The level binaries, size rows and BRAM18 rows of `kind`'s weight buffer.
    mutating func addWeightBuffer(_ kind: EngineKind) {
        let e = kind.index
        let name = kind.shortName
        guard let plan = bufferPlan(e) else { return }
        let levels = plan.levels
        let bram = model.addVariable("B_\(name)", kind: .continuous, lowerBound: 0)
        bufferColumns.append(bram)
        var z: [VariableID] = []
        for l in 1..<max(levels.count, 1) {
            z.append(model.addVariable("z_\(name)_\(l)", kind: .binary))
            if l >= 2 { model.addConstraint("zord_\(name)_\(l)", [1.0 * z[l - 1], -1.0 * z[l - 2]], upperBound: 0) }
        }
        if plan.anyDouble {
            for (pi, p) in plan.pairs.enumerated() {
                var row = bufferRow(e, p, levels: levels, z: z)
                // Relaxed when the engine is single-buffered or tiled: the pair need not fit.
                let relax = Double(max(plan.largestPair[pi] - levels[0], 0))
                if relax > 0 { for c in plan.singleCandidates + plan.tiledCandidates { row.append(-relax * x[e][c]) } }
                model.addConstraint("buf_\(name)_pair\(pi)", row, upperBound: Double(levels[0]))
            }
        }
        if !plan.singleCandidates.isEmpty {
            for b in plan.singles {
                var row = bufferRow(e, [b], levels: levels, z: z)
                // Relaxed when the engine is tiled: the block need not fit.
                let relax = Double(max((weightSums(e, [b]).max() ?? 0) - levels[0], 0))
                if relax > 0 { for c in plan.tiledCandidates { row.append(-relax * x[e][c]) } }
                model.addConstraint("buf_\(name)_block\(b)", row, upperBound: Double(levels[0]))
            }
        }
        for (l, v) in levels.enumerated() {
            let brams = bufferBRAMs(e, v)
            var row: [LinearModel.Term] = [1.0 * bram]
            for c in brams.indices where brams[c] != 0 { row.append(Double(-brams[c]) * x[e][c]) }
            if l == 0 {
                model.addConstraint("bram_\(name)_0", row, lowerBound: 0)
            } else {
                let bmax = brams.max() ?? 0
                row.append(Double(-bmax) * z[l - 1])
                model.addConstraint("bram_\(name)_\(l)", row, lowerBound: Double(-bmax))
            }
        }
    }
}
