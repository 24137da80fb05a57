import NIOConcurrencyHelpers
import NIOCore

/// The sessions a rebalance cutover holds (``WriteFreeze``), and how long each waited.
///
/// The coordinator activates the gate before it swaps in a routing table with a freeze, and releases it after
/// it swapped the freeze out (new ring, or cutover undone); a session that decided "frozen" parks a resume
/// callback here. A session parking after the release is told to go on at once. Thread-safe.
final class WriteFreezeGate: Sendable {
    private struct State {
        var active = false
        var waiters: [Int: (since: NIODeadline, resume: @Sendable () -> Void)] = [:]
        var nextToken = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Starts holding: sessions that park from now on wait for ``release()``.
    func activate() {
        state.withLockedValue { $0.active = true }
    }

    /// Keeps `resume` until the release and returns a token for ``cancel(_:)``; nil when the gate is not active
    /// (the caller routes again at once).
    func park(resume: @escaping @Sendable () -> Void) -> Int? {
        state.withLockedValue { state -> Int? in
            guard state.active else { return nil }
            let token = state.nextToken
            state.nextToken += 1
            state.waiters[token] = (.now(), resume)
            return token
        }
    }

    /// A parked session left.
    func cancel(_ token: Int) {
        state.withLockedValue { _ = $0.waiters.removeValue(forKey: token) }
    }

    /// Stops holding, wakes every parked session, and returns how long each waited (milliseconds).
    @discardableResult
    func release() -> [Double] {
        let now = NIODeadline.now()
        let woken = state.withLockedValue { state -> [(since: NIODeadline, resume: @Sendable () -> Void)] in
            state.active = false
            defer { state.waiters = [:] }
            return state.waiters.sorted { $0.key < $1.key }.map(\.value)
        }
        for waiter in woken { waiter.resume() }
        return woken.map { Double((now - $0.since).nanoseconds) / 1e6 }
    }

    /// How many sessions wait.
    var waitingCount: Int { state.withLockedValue { $0.waiters.count } }
}
