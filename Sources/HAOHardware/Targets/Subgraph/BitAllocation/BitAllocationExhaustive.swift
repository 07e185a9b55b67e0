import HAONetwork

extension BitAllocationContext {
    // MARK: - Exhaustive reference

    /// Number of unit assignments (the exhaustive enumerator's leaves).
    public var assignmentCount: Double { units.reduce(1.0) { $0 * Double($1.bits.count) } }

    /// Enumerates every width assignment and, for each, every engine configuration of the
    /// unpruned accelerator instance built by the cost model itself from the quantized network
    /// (not from this context's tables): the reference the other solvers are checked against.
    public func solveExhaustive(_ objective: BitAllocationObjective = .penalty, maxAssignments: Double = 4_096) throws(BitAllocationError)
        -> BitAllocationRaw
    {
        guard assignmentCount <= maxAssignments else {
            throw .tooLarge("\(Int(assignmentCount)) width assignments; the enumerator takes at most \(Int(maxAssignments))")
        }
        let target = SubgraphTarget(device: device, cap: .none, parameters: parameters)
        var best = BitAllocationRaw(bits: nil, configuration: nil, objective: nil, work: 0)
        var bestValue = Double.infinity
        var index = [Int](repeating: 0, count: units.count)
        while true {
            let bits = blockBits((0..<units.count).map { units[$0].bits[index[$0]] })
            let network = problem.network(withBits: bits)
            var fitsSize = true
            if case .modelSize(let s) = problem.limit { fitsSize = BitAllocationProblem.modelBits(network) <= s }
            if fitsSize {
                let full: SubgraphInstance
                do { full = try target.setUp(network).1 } catch { throw .hardware(error) }
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
                        best.configuration = inst.configuration(choice)
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
}
