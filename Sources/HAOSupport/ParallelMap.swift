import Foundation
import Synchronization

/// Maps indices to results on several threads, keeping the input order: work is handed out one
/// index at a time (item costs vary) and every result lands in its own slot.
public enum ParallelMap {
    /// `body(i)` for every `i` in `0..<count` on up to `threads` threads; results in index order.
    public static func map<T: Sendable, E: Error>(
        count: Int, threads: Int,
        _ body: @Sendable (Int) throws(E) -> T
    ) -> [Result<T, E>] {
        let slots = Slots<Result<T, E>>(count: count)
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count { slots.set(i, Result { () throws(E) -> T in try body(i) }) }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = slots.claim() { slots.set(i, Result { () throws(E) -> T in try body(i) }) }
            }
        }
        return slots.values()
    }
}

/// Fixed slots filled by worker threads; a mutex guards the slots and the work counter.
private final class Slots<T: Sendable>: Sendable {
    private struct State {
        var values: [T?]
        var next = 0
    }
    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(values: Array(repeating: nil, count: count))) }

    func claim() -> Int? {
        state.withLock { s in
            guard s.next < s.values.count else { return nil }
            s.next += 1
            return s.next - 1
        }
    }

    func set(_ i: Int, _ value: T) { state.withLock { $0.values[i] = value } }

    func values() -> [T] { state.withLock { $0.values.map { $0! } } }
}
