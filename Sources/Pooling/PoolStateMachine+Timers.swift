extension PoolStateMachine {
    /// Time passed: applies every timeout that is due at `now`, then opens connections that are wanted.
    ///
    /// In order: requests waiting past ``PoolConfiguration/waitTimeout`` fail with ``PoolError/waitTimeout``
    /// (longest-waiting first); attempts past ``PoolConfiguration/connectTimeout`` are abandoned
    /// (``Action/closeConnection(_:)``) and count as failed attempts with ``PoolError/connectTimeout``; idle
    /// connections past ``PoolConfiguration/maxLifetime`` are closed; idle connections unused for longer than
    /// ``PoolConfiguration/idleTimeout`` are closed, least recently used first, while more than
    /// ``PoolConfiguration/minIdleConnections`` are idle; finally connections are opened for waiting requests
    /// and the idle minimum (once any retry pause is over).
    @_specialize(exported: true, where RequestID == Int)
    public mutating func tick(now: PoolInstant) -> [Action] {
        var actions = failRequestsPastWaitTimeout(now: now)
        actions += abandonAttemptsPastConnectTimeout(now: now)
        actions += closeIdleConnectionsPastLifetime(now: now)
        actions += closeIdleConnectionsPastIdleTimeout(now: now)
        actions += openConnectionsForDemand(now: now)
        return actions
    }

    /// The earliest instant at which ``tick(now:)`` has something to do, or `nil` when nothing is pending.
    /// An I/O layer that prefers one timer over a periodic tick schedules it for this instant after every
    /// call into the pool. The instant may already have passed; tick at once then.
    public var nextDeadline: PoolInstant? {
        var earliest: PoolInstant?
        func consider(_ instant: PoolInstant) {
            earliest = min(earliest ?? instant, instant)
        }
        if let waitTimeout = effectiveLimits.waitTimeout, let first = waiting.first {
            consider(first.since + waitTimeout)
        }
        if effectiveLimits.reserveConnections > 0, !isReserveOpen, let first = waiting.first {
            consider(first.since + effectiveLimits.reserveTimeout)
        }
        let idleMayTimeOut = idleConnections.count > effectiveLimits.minIdleConnections
        for state in connections.values {
            switch state {
            case .connecting(let startedAt):
                if let connectTimeout = effectiveLimits.connectTimeout {
                    consider(startedAt + connectTimeout)
                }
            case .idle(let establishedAt, let idleSince):
                if let maxLifetime = effectiveLimits.maxLifetime {
                    consider(establishedAt + maxLifetime)
                }
                if idleMayTimeOut, let idleTimeout = effectiveLimits.idleTimeout {
                    consider(idleSince + idleTimeout)
                }
            case .leased:
                break  // lifetime is checked on release; nothing to do while leased
            }
        }
        if hasUnmetDemand, let failure = lastConnectFailure, let delay = effectiveLimits.connectRetryDelay {
            consider(failure.at + delay)
        }
        return earliest
    }

    /// Fails, longest-waiting first, every request that has waited ``PoolConfiguration/waitTimeout``.
    mutating func failRequestsPastWaitTimeout(now: PoolInstant) -> [Action] {
        guard let waitTimeout = effectiveLimits.waitTimeout else {
            return []
        }
        var actions: [Action] = []
        while let first = waiting.first, first.since + waitTimeout <= now {
            _ = waiting.popFirst()
            requestAffinity[first.request] = nil
            actions.append(.failRequest(first.request, .waitTimeout))
        }
        assert(verifyInvariants(), "pool invariants broken: \(invariantViolations())")
        return actions
    }

    /// Abandons attempts older than ``PoolConfiguration/connectTimeout``, oldest first, counting each as a
    /// failed attempt.
    mutating func abandonAttemptsPastConnectTimeout(now: PoolInstant) -> [Action] {
        guard let connectTimeout = effectiveLimits.connectTimeout else {
            return []
        }
        let expired = connections.compactMap { id, state -> (PoolConnectionID, PoolInstant)? in
            switch state {
            case .connecting(let startedAt):
                return startedAt + connectTimeout <= now ? (id, startedAt) : nil
            case .idle, .leased:
                return nil
            }
        }
        .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        var actions: [Action] = []
        for (id, _) in expired {
            actions.append(.closeConnection(id))
            actions += forgetFailedAttempt(id, now: now)
            actions += recordConnectFailure(.connectTimeout, now: now)
        }
        return actions
    }

    /// Closes idle connections unused for ``PoolConfiguration/idleTimeout``, least recently used first,
    /// keeping ``PoolConfiguration/minIdleConnections``.
    mutating func closeIdleConnectionsPastIdleTimeout(now: PoolInstant) -> [Action] {
        guard let idleTimeout = effectiveLimits.idleTimeout else {
            return []
        }
        let expired = idleConnections.compactMap { id -> (PoolConnectionID, PoolInstant)? in
            guard case .idle(_, let idleSince)? = connections[id], idleSince + idleTimeout <= now else {
                return nil
            }
            return (id, idleSince)
        }
        .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        var actions: [Action] = []
        for (id, _) in expired where idleConnections.count > effectiveLimits.minIdleConnections {
            actions.append(close(id))
        }
        return actions
    }
}
