extension PoolStateMachine {
    /// Whether the pool is pausing new attempts after a failure (``PoolConfiguration/connectRetryDelay``).
    func isBackingOff(now: PoolInstant) -> Bool {
        guard let failure = lastConnectFailure, let delay = effectiveLimits.connectRetryDelay else {
            return false
        }
        return now < failure.at + delay
    }

    /// How many attempts the pool wants in flight: one per waiting request (and per attempt opened for one
    /// request) plus enough to bring the idle connections up to ``PoolConfiguration/minIdleConnections``.
    var wantedConnectingCount: Int {
        waiting.count + dedicatedAttempts.count + max(0, effectiveLimits.minIdleConnections - idleConnections.count)
    }

    /// Opens the reserve when the longest-waiting request has waited ``PoolConfiguration/reserveTimeout``;
    /// closes it when nobody waits.
    mutating func updateReserve(now: PoolInstant) {
        guard effectiveLimits.reserveConnections > 0, let first = waiting.first else {
            isReserveOpen = false
            return
        }
        if !isReserveOpen, first.since + effectiveLimits.reserveTimeout <= now {
            isReserveOpen = true
        }
    }

    /// `true` when the pool wants more attempts than it has and has room for them.
    var hasUnmetDemand: Bool {
        !isShuttingDown && connectingCount < wantedConnectingCount && totalCount < connectionCapacity
    }

    /// Opens connections until the wanted number are in flight or the pool is full; nothing while shutting
    /// down or pausing after a failure. Every public event that can leave work undone ends with this, so the
    /// pool never sits below its idle minimum or leaves a request waiting without an attempt when it has room.
    ///
    /// It also keeps the "never hang" rule: if, after that, the pool has no connection and no attempt at all
    /// (only possible during a retry pause) yet requests wait, they fail with the last connection error.
    mutating func openConnectionsForDemand(now: PoolInstant) -> [Action] {
        updateReserve(now: now)
        var actions: [Action] = []
        if !isBackingOff(now: now) {
            while hasUnmetDemand {
                actions.append(startConnection(now: now))
            }
        }
        if totalCount == 0 && !waiting.isEmpty {
            let error = lastConnectFailure?.error ?? .connectFailed("no server connection could be opened")
            for request in waiting.removeAll() {
                actions.append(.failRequest(request, error))
            }
            requestAffinity = [:]
        }
        return actions
    }
}
