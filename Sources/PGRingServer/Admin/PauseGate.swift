import NIOConcurrencyHelpers

/// PAUSE and RESUME: which shards hold new transactions, and the clients waiting for them.
///
/// A client about to lease a server connection of a paused shard parks a resume callback here instead;
/// RESUME calls the callbacks of the shards it releases. Thread-safe.
final class PauseGate: Sendable {
    private struct State {
        var all = false
        var shards: Set<String> = []
        var waiters: [Int: (shard: String, resume: @Sendable () -> Void)] = [:]
        var nextToken = 0
    }

    private let state = NIOLockedValueBox(State())

    /// True while new transactions of `shard` are held.
    func isPaused(_ shard: String) -> Bool {
        state.withLockedValue { $0.all || $0.shards.contains(shard) }
    }

    /// The paused shards ("*" for all), for SHOW SHARDS and SHOW LISTS.
    var pausedShards: (all: Bool, shards: Set<String>) {
        state.withLockedValue { ($0.all, $0.shards) }
    }

    /// When `shard` is paused, keeps `resume` for RESUME and returns a token (for ``cancel(_:)``); nil when it
    /// is not paused (go on at once; `resume` is not kept).
    func park(shard: String, resume: @escaping @Sendable () -> Void) -> Int? {
        state.withLockedValue { state -> Int? in
            guard state.all || state.shards.contains(shard) else { return nil }
            let token = state.nextToken
            state.nextToken += 1
            state.waiters[token] = (shard, resume)
            return token
        }
    }

    /// A parked client left.
    func cancel(_ token: Int) {
        state.withLockedValue { _ = $0.waiters.removeValue(forKey: token) }
    }

    /// Pauses one shard, or all when `shard` is nil.
    func pause(shard: String?) {
        state.withLockedValue { state in
            if let shard { state.shards.insert(shard) } else { state.all = true }
        }
    }

    /// Resumes one shard (or all when nil) and wakes the clients that may go on.
    func resume(shard: String?) {
        let woken = state.withLockedValue { state -> [@Sendable () -> Void] in
            if let shard {
                state.shards.remove(shard)
            } else {
                state.all = false
                state.shards = []
            }
            let ready = state.waiters.filter { !state.all && !state.shards.contains($0.value.shard) }
            for token in ready.keys { state.waiters[token] = nil }
            return ready.sorted { $0.key < $1.key }.map(\.value.resume)
        }
        for resume in woken { resume() }
    }

    /// How many clients wait.
    var waitingCount: Int { state.withLockedValue { $0.waiters.count } }
}
