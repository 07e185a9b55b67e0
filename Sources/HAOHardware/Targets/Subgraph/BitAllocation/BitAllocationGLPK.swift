import HAOSolver

extension BitAllocationContext {
    // MARK: - GLPK

    /// The mixed-integer program of one precision key (see ``BitAllocationProgram``), or nil
    /// when no assignment of the groups can have this key.
    public func program(for keyIndex: Int, objective: BitAllocationObjective = .penalty) -> BitAllocationProgram? {
        let keys = possibleKeys()
        guard keys.indices.contains(keyIndex), let t = tables(keys[keyIndex]) else { return nil }
        return BitAllocationProgram(context: self, tables: t, objective: objective)
    }

    /// Solves one integer program per precision key with `solver` and keeps the best.
    func solve(_ objective: BitAllocationObjective, with solver: any MILPSolver, options: SolverOptions) throws(SolverError)
        -> BitAllocationRaw
    {
        var best = BitAllocationRaw(bits: nil, configuration: nil, objective: nil, work: 0)
        for key in possibleKeys() {
            guard let t = tables(key), let program = BitAllocationProgram(context: self, tables: t, objective: objective) else { continue }
            best.work += 1
            guard let solution = try solver.solve(program.model, options: options).proven() else { continue }
            guard let (unitBits, choice) = program.decode(solution.values) else {
                throw .failed(solver.id, code: 0, message: "returned a solution with no width or configuration chosen")
            }
            let value = (solution.objective ?? 0)
            if best.objective == nil || value < best.objective! - 1e-6 * max(1, abs(value)) {
                best.bits = blockBits(unitBits)
                best.objective = value
                best.configuration = SubgraphConfiguration(
                    expand: t.candidates[0][choice[0]], depthwise: t.candidates[1][choice[1]],
                    project: t.candidates[2][choice[2]])
            }
        }
        return best
    }
}
