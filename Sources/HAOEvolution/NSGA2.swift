import Dispatch
import Foundation
import HAOSupport
import Synchronization

/// Settings of one NSGA-II run. Part of the checkpoint: a resumed run keeps them.
public struct NSGA2Settings: Codable, Sendable, Hashable {
    /// Individuals per generation (and children bred per generation).
    public var populationSize: Int
    /// Probability that a child is bred by crossover rather than copied from its first parent
    /// (0.9 is the value of Deb et al.'s NSGA-II paper).
    public var crossoverProbability: Double
    /// How many times to re-breed a child that was evaluated before, before accepting a repeat.
    /// Repeats cost nothing (memoised) but waste a population slot.
    public var noveltyAttempts: Int
    /// Seed of the state's random generator: the same seed, settings and problem give the same run, whatever the thread count.
    public var seed: UInt64
    /// Whether the state keeps every evaluated candidate with its score (``SearchState/evaluated``):
    /// small problems and ground-truth benchmarks want it; a long co-design run does not (memory).
    public var keepsHistory: Bool
    /// How many distinct candidates' keys the memo holds (16 bytes each, plus the set's overhead:
    /// about 48 bytes per key); older ones bred again are evaluated again.
    public var memoCapacity: Int

    /// The default ``memoCapacity``: 2^20 keys, about 50 MB at most.
    public static let defaultMemoCapacity = 1 << 20

    /// Settings; the defaults are NSGA-II's usual ones (population 100, crossover 0.9), seed 1, history kept.
    /// ``validate()`` checks them; ``NSGA2/init(problem:settings:threads:)`` calls it.
    public init(
        populationSize: Int = 100, crossoverProbability: Double = 0.9, noveltyAttempts: Int = 20, seed: UInt64 = 1,
        keepsHistory: Bool = true, memoCapacity: Int = NSGA2Settings.defaultMemoCapacity
    ) {
        self.populationSize = populationSize
        self.crossoverProbability = crossoverProbability
        self.noveltyAttempts = noveltyAttempts
        self.seed = seed
        self.keepsHistory = keepsHistory
        self.memoCapacity = memoCapacity
    }

    enum CodingKeys: String, CodingKey {
        case populationSize, crossoverProbability, noveltyAttempts, seed, keepsHistory, memoCapacity
    }

    /// Reads settings; files written before the memo was bounded mean a kept history and the default capacity.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        populationSize = try c.decode(Int.self, forKey: .populationSize)
        crossoverProbability = try c.decode(Double.self, forKey: .crossoverProbability)
        noveltyAttempts = try c.decode(Int.self, forKey: .noveltyAttempts)
        seed = try c.decode(UInt64.self, forKey: .seed)
        keepsHistory = try c.decodeIfPresent(Bool.self, forKey: .keepsHistory) ?? true
        memoCapacity = try c.decodeIfPresent(Int.self, forKey: .memoCapacity) ?? Self.defaultMemoCapacity
    }

    /// Throws ``SearchError/invalidSetting(_:)`` when the population is under 2 or over 100000, the crossover probability
    /// is outside [0, 1], novelty attempts are under 1, or the memo holds fewer than two generations' candidates.
    public func validate() throws {
        guard populationSize >= 2 else { throw SearchError.invalidSetting("population size must be at least 2, got \(populationSize)") }
        guard populationSize <= 100_000 else {
            throw SearchError.invalidSetting("population size \(populationSize) is unreasonably large (at most 100000)")
        }
        guard crossoverProbability >= 0, crossoverProbability <= 1 else {
            throw SearchError.invalidSetting("crossover probability must be in [0, 1], got \(crossoverProbability)")
        }
        guard noveltyAttempts >= 1 else { throw SearchError.invalidSetting("novelty attempts must be at least 1") }
        guard memoCapacity >= 2 * populationSize else {
            throw SearchError.invalidSetting(
                "the memo must hold at least two generations' candidates (\(2 * populationSize)), got \(memoCapacity)")
        }
    }
}

/// NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE TEC 6(2), 2002) with constraint-domination,
/// memoisation, an unbounded Pareto archive and deterministic parallel evaluation.
///
/// Determinism: all random draws happen on the calling thread from the state's own generator;
/// evaluation results are merged in index order; ties in every sort break by index. The thread
/// count therefore never changes a result.
public struct NSGA2<Problem: SearchProblem>: Sendable {
    /// The checkpointable state of a run of this problem.
    public typealias State = SearchState<Problem.Genome, Problem.Payload>
    /// A candidate with its objectives and payload.
    public typealias Member = Individual<Problem.Genome, Problem.Payload>

    /// What is searched: the genome, its variation operators and its evaluation.
    public let problem: Problem
    /// The population size, crossover probability, seed and memo settings.
    public let settings: NSGA2Settings
    /// Threads evaluating candidates concurrently (does not change results).
    public let threads: Int

    /// A search of `problem`. Throws ``SearchError/invalidSetting(_:)`` when `settings` are invalid or `threads` is under 1.
    public init(problem: Problem, settings: NSGA2Settings, threads: Int = 1) throws {
        try settings.validate()
        guard threads >= 1 else { throw SearchError.invalidSetting("threads must be at least 1, got \(threads)") }
        self.problem = problem
        self.settings = settings
        self.threads = threads
    }

    /// Breeds and evaluates the initial population (seed genomes first, then random ones).
    public func initialState(seeds: [Problem.Genome] = []) throws -> State {
        let start = DispatchTime.now()
        var state = State(rng: SplitMix64(seed: settings.seed), memoCapacity: settings.memoCapacity)
        var genomes: [Problem.Genome] = []
        var keys = Set<Problem.Genome>()
        for seed in seeds.prefix(settings.populationSize) {
            genomes.append(seed)
            keys.insert(problem.canonical(seed))
        }
        while genomes.count < settings.populationSize {
            var genome = problem.randomGenome(using: &state.rng)
            var attempts = 1
            while keys.contains(problem.canonical(genome)) && attempts < settings.noveltyAttempts {
                genome = problem.randomGenome(using: &state.rng)
                attempts += 1
            }
            keys.insert(problem.canonical(genome))
            genomes.append(genome)
        }
        state.population = try evaluate(genomes, into: &state)
        state.stats.wallSeconds += seconds(since: start)
        return state
    }

    /// Runs one generation: tournament selection, crossover, mutation, evaluation of the new
    /// children, archive update and environmental selection of the next population.
    public func step(_ state: inout State) throws {
        let start = DispatchTime.now()
        let population = state.population
        let (rank, crowding) = rankAndCrowding(population)
        func tournament(_ rng: inout SplitMix64) -> Int {
            let a = rng.nextIndex(population.count)
            let b = rng.nextIndex(population.count)
            if rank[a] != rank[b] { return rank[a] < rank[b] ? a : b }
            if crowding[a] != crowding[b] { return crowding[a] > crowding[b] ? a : b }
            return min(a, b)
        }
        var children: [Problem.Genome] = []
        var keys = Set<Problem.Genome>()
        for _ in 0..<settings.populationSize {
            var child: Problem.Genome
            var attempts = 0
            repeat {
                let first = population[tournament(&state.rng)].genome
                let second = population[tournament(&state.rng)].genome
                child =
                    state.rng.nextUnit() < settings.crossoverProbability
                    ? problem.crossover(first, second, using: &state.rng) : first
                child = problem.mutate(child, using: &state.rng)
                attempts += 1
                let key = problem.canonical(child)
                if !keys.contains(key) && !state.memo.contains(problem.memoKey(key)) { break }
            } while attempts < settings.noveltyAttempts
            keys.insert(problem.canonical(child))
            children.append(child)
        }
        let offspring = try evaluate(children, into: &state)
        state.population = select(from: population + offspring)
        state.generation += 1
        state.stats.wallSeconds += seconds(since: start)
    }

    /// Continues `state` until `generations` generations are complete, `shouldStop` says so, or
    /// the distinct-evaluation budget (if any) is spent. `afterGeneration` runs after every
    /// generation (checkpointing, progress); an error it throws ends the run.
    public func run(
        _ state: inout State, generations: Int, evaluationBudget: Int? = nil,
        shouldStop: (State) -> Bool = { _ in false },
        afterGeneration: (State) throws -> Void = { _ in }
    ) throws {
        while state.generation < generations && !shouldStop(state) {
            if let budget = evaluationBudget, state.stats.evaluations >= budget { break }
            try step(&state)
            try afterGeneration(state)
        }
    }

    /// Ranks (0 = best front, under constraint-domination) and crowding distances of a set.
    public func rankAndCrowding(_ members: [Member]) -> (rank: [Int], crowding: [Double]) {
        var rank = [Int](repeating: 0, count: members.count)
        var crowding = [Double](repeating: 0, count: members.count)
        let fronts = Pareto.constrainedFronts(members.map(\.outcome))
        for (r, front) in fronts.enumerated() {
            for i in front { rank[i] = r }
            // Infeasible fronts hold equal violations only; they need no spreading.
            let points = front.compactMap { members[$0].outcome.objectives }
            guard points.count == front.count else { continue }
            for (k, d) in Pareto.crowdingDistances(points).enumerated() { crowding[front[k]] = d }
        }
        return (rank, crowding)
    }

    /// Environmental selection: whole fronts while they fit, then the most spread-out members of
    /// the next front. Repeated candidates are dropped first so they do not crowd out others.
    func select(from combined: [Member]) -> [Member] {
        var seen = Set<Problem.Genome>()
        var unique: [Member] = []
        var repeats: [Member] = []
        for member in combined {
            if seen.insert(problem.canonical(member.genome)).inserted { unique.append(member) } else { repeats.append(member) }
        }
        let target = settings.populationSize
        if unique.count <= target { return unique + repeats.prefix(target - unique.count) }
        let fronts = Pareto.constrainedFronts(unique.map(\.outcome))
        var chosen: [Int] = []
        for front in fronts {
            if chosen.count + front.count <= target {
                chosen += front
                continue
            }
            let points = front.compactMap { unique[$0].outcome.objectives }
            let distances = points.count == front.count ? Pareto.crowdingDistances(points) : [Double](repeating: 0, count: front.count)
            let order = front.indices.sorted { (-distances[$0], front[$0]) < (-distances[$1], front[$1]) }
            chosen += order.prefix(target - chosen.count).map { front[$0] }
            break
        }
        return chosen.map { unique[$0] }
    }

    /// Evaluates the distinct genomes of `genomes` not in the memo in parallel, records them in
    /// index order, updates the archive, and returns the scored individuals (original genomes).
    /// A repeat takes its score from the population or the archive; one held in neither (the memo
    /// keeps keys, not scores) is evaluated again, to the same score, and counted as a re-evaluation.
    func evaluate(_ genomes: [Problem.Genome], into state: inout State) throws -> [Member] {
        let canonical = genomes.map(problem.canonical)
        var outcomes: [Problem.Genome: Outcome<Problem.Payload>] = [:]
        for member in state.population { outcomes[problem.canonical(member.genome)] = member.outcome }
        for member in state.archive.members { outcomes[member.genome] = member.outcome }
        var fresh: [Problem.Genome] = []
        var freshKeys: [GenomeKey] = []
        var again: [Problem.Genome] = []
        var pending = Set<Problem.Genome>()
        for genome in canonical where pending.insert(genome).inserted {
            let key = problem.memoKey(genome)
            if !state.memo.contains(key) {
                fresh.append(genome)
                freshKeys.append(key)
            } else if outcomes[genome] == nil {
                again.append(genome)
            }
        }
        state.stats.cacheHits += genomes.count - fresh.count
        let start = DispatchTime.now()
        let records = try evaluateConcurrently(fresh + again)
        for (i, record) in records.enumerated() {
            let genome = i < fresh.count ? fresh[i] : again[i - fresh.count]
            if i < fresh.count { state.record(genome, key: freshKeys[i], record.outcome, keepHistory: settings.keepsHistory) }
            outcomes[genome] = record.outcome
            let member = Individual(genome: genome, outcome: record.outcome)
            state.archive.insert(member)
            for (phase, time) in record.phaseSeconds { state.stats.phaseSeconds[phase, default: 0] += time }
            for (name, count) in record.counts { state.stats.counts[name, default: 0] += count }
        }
        state.stats.evaluationWallSeconds += seconds(since: start)
        state.stats.evaluations += fresh.count
        state.stats.reEvaluations += again.count
        return zip(genomes, canonical).map { Individual(genome: $0, outcome: outcomes[$1]!) }
    }

    private func evaluateConcurrently(_ genomes: [Problem.Genome]) throws -> [EvaluationRecord<Problem.Payload>] {
        let slots = ResultSlots<EvaluationRecord<Problem.Payload>>(count: genomes.count)
        let workers = min(threads, genomes.count)
        let problem = self.problem
        if workers <= 1 {
            for (i, g) in genomes.enumerated() { slots.set(i, Result { try problem.evaluate(g) }) }
        } else {
            // Work is handed out one candidate at a time (solve times vary a lot); results land in
            // their own slot, so the merge order is the input order whatever the schedule.
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = slots.claim() {
                    slots.set(i, Result { try problem.evaluate(genomes[i]) })
                }
            }
        }
        return try slots.results().enumerated().map { i, result in
            do { return try result.get() } catch {
                throw SearchError.evaluationFailed(candidate: "\(genomes[i])", message: "\(error)")
            }
        }
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// Fixed slots filled by worker threads; a mutex guards the slots and the work counter.
private final class ResultSlots<T: Sendable>: Sendable {
    private struct Slots {
        var results: [Result<T, any Error>?]
        var nextIndex = 0
    }
    private let slots: Mutex<Slots>

    init(count: Int) { slots = Mutex(Slots(results: Array(repeating: nil, count: count))) }

    /// The next unclaimed index, if any.
    func claim() -> Int? {
        slots.withLock { s in
            guard s.nextIndex < s.results.count else { return nil }
            s.nextIndex += 1
            return s.nextIndex - 1
        }
    }

    func set(_ i: Int, _ value: Result<T, any Error>) {
        slots.withLock { $0.results[i] = value }
    }

    func results() -> [Result<T, any Error>] {
        slots.withLock { $0.results.map { $0! } }
    }
}
