import HAONetwork

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
                for e in terms.indices { sum += terms[e].map { $0[k] }.min() ?? 0 }
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
    /// ``SubgraphInstance/solveNative(_:)``. Nothing is cut that could be strictly better.
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
        var maxCycles = Int.max
        var maxBits = Int.max
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
            let config = SubgraphConfiguration(
                expand: inst.candidates[0][choice[0]], depthwise: inst.candidates[1][choice[1]],
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
            if u == unitCount {
                leaf(penalty)
                return
            }
            for i in order[u] {
                chosen[u] = i
                visit(u + 1, penalty + units[u].penalties[i], lbSum + unitLB[u][i], size + unitSize[u][i])
            }
        }
        visit(0, 0, 0, fixedModelBits)
        best.work = work
        return best
    }
}
