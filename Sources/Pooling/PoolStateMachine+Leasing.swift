extension PoolStateMachine {
    /// A client needs a server connection (session start, or a transaction start in transaction mode).
    ///
    /// Leases the most recently used idle connection at once; otherwise queues the request behind earlier
    /// ones and opens a connection if the pool has room. Fails at once when the pool is shutting down, or when
    /// the pool has no connection at all and is pausing after a failed attempt
    /// (``PoolConfiguration/connectRetryDelay``). A request ID that is already waiting is ignored.
    ///
    /// `affinity` (optional) is a tag such as the event loop the requester lives on: an idle connection with
    /// the same tag is preferred, and a released connection prefers a waiting request with its tag among the
    /// few longest-waiting ones, as long as the longest-waiting request has not waited
    /// ``affinityPatience`` (50 ms; after that the order is strictly first in first out).
    ///
    /// `strictAffinity` (session mode, where a client keeps its connection for its whole session): when the
    /// only idle connections have another affinity and the pool has room, a connection is opened for this
    /// request instead (``Action/createConnection(_:)``, then ``Action/lease(_:to:)`` once it is established),
    /// so the session does not pay a thread hop per message for as long as it lasts. If that attempt fails, the
    /// request takes an idle connection after all (or queues when none is left).
    @_specialize(exported: true, where RequestID == Int)
    public mutating func leaseRequested(_ request: RequestID, affinity: Int? = nil, strictAffinity: Bool = false, now: PoolInstant) -> [Action] {
        if isShuttingDown {
            return [.failRequest(request, .poolShuttingDown)]
        }
        if waiting.contains(request) || dedicatedAttempts.values.contains(request) {
            return []
        }
        var actions = closeIdleConnectionsPastLifetime(now: now)
        if let id = preferredIdleConnection(affinity: affinity), case .idle(let establishedAt, _)? = connections[id] {
            if strictAffinity, let affinity, connectionAffinity[id] != affinity, !isBackingOff(now: now), totalCount < connectionCapacity {
                let attempt = startConnection(now: now)
                if case .createConnection(let newID) = attempt { dedicatedAttempts[newID] = request }
                actions.append(attempt)
            } else {
                changeState(of: id, to: .leased(to: request, establishedAt: establishedAt, leasedAt: now))
                actions.append(.lease(id, to: request))
            }
        } else if totalCount == 0, isBackingOff(now: now), let failure = lastConnectFailure {
            actions.append(.failRequest(request, failure.error))
        } else {
            enqueue(request, now: now)
            if let affinity { requestAffinity[request] = affinity }
        }
        actions += openConnectionsForDemand(now: now)
        return actions
    }

    /// A waiting request is withdrawn (its client went away or gave up). Answers with
    /// ``Action/failRequest(_:_:)`` and ``PoolError/requestCancelled`` so every request ends with exactly one
    /// lease or failure. A request that is not waiting (unknown, or already leased) is ignored: if it holds a
    /// connection, the I/O layer releases that connection as usual.
    @_specialize(exported: true, where RequestID == Int)
    public mutating func requestCancelled(_ request: RequestID, now: PoolInstant) -> [Action] {
        if let attempt = dedicatedAttempts.first(where: { $0.value == request })?.key {
            // The attempt goes on; its connection serves whoever comes next (or idles).
            dedicatedAttempts[attempt] = nil
            return [.failRequest(request, .requestCancelled)]
        }
        guard waiting.remove(request) != nil else {
            return []
        }
        requestAffinity[request] = nil
        assert(verifyInvariants(), "pool invariants broken: \(invariantViolations())")
        return [.failRequest(request, .requestCancelled)]
    }

    /// The request holding `id` is done with it (session end, or transaction end in transaction mode).
    ///
    /// `reusable` is `false` when the connection is in an unknown or unsafe state (broken protocol, aborted
    /// COPY, failed reset) and must not serve anyone else. A reusable connection goes to the longest-waiting
    /// request, or becomes idle, or is closed when the pool already keeps enough idle connections. A
    /// connection that is not reusable, past its lifetime, or released while the pool shuts down is closed,
    /// and a replacement is opened if requests are waiting. After ``reconfigure(_:now:)`` shrank the pool, a
    /// connection released while the pool still counts more than the maximum plus reserve is closed even if
    /// requests wait. Releasing an ID that is not leased does nothing.
    @_specialize(exported: true, where RequestID == Int)
    public mutating func connectionReleased(_ id: PoolConnectionID, reusable: Bool, now: PoolInstant) -> [Action] {
        guard case .leased(_, let establishedAt, _)? = connections[id] else {
            return []
        }
        var actions: [Action]
        // Over the ceiling (only after a shrinking reconfigure): close, even if requests wait, so the pool
        // reaches its new size under sustained load too; the waiters are served by the connections that stay.
        if isShuttingDown || !reusable || isPastLifetime(establishedAt: establishedAt, now: now) || totalCount > hardCeiling {
            actions = [close(id)]
        } else {
            actions = handOver(id, establishedAt: establishedAt, now: now)
        }
        actions += openConnectionsForDemand(now: now)
        return actions
    }

    /// Finds a use for a ready connection (just established or just released): the longest-waiting request,
    /// else the idle list, else closing it when enough connections are idle already.
    mutating func handOver(_ id: PoolConnectionID, establishedAt: PoolInstant, now: PoolInstant) -> [Action] {
        if let next = nextWaiter(for: id, now: now) {
            requestAffinity[next] = nil
            changeState(of: id, to: .leased(to: next, establishedAt: establishedAt, leasedAt: now))
            return [.lease(id, to: next)]
        }
        // Nobody waits: a reserve connection (beyond the maximum) is not kept.
        if idleConnections.count >= effectiveLimits.maxIdleConnections || totalCount > effectiveLimits.maxConnections {
            return [close(id)]
        }
        changeState(of: id, to: .idle(establishedAt: establishedAt, idleSince: now))
        return []
    }

    /// The idle connection to lease: the most recently used one with `affinity`, else the most recently used.
    func preferredIdleConnection(affinity: Int?) -> PoolConnectionID? {
        if let affinity, !connectionAffinity.isEmpty,
           let match = idleConnections.last(where: { connectionAffinity[$0] == affinity }) {
            return match
        }
        return idleConnections.last
    }

    /// The waiting request a ready connection goes to (removed from the queue), or nil when none waits.
    mutating func nextWaiter(for id: PoolConnectionID, now: PoolInstant) -> RequestID? {
        guard let first = waiting.first else { return nil }
        if let affinity = connectionAffinity[id], requestAffinity[first.request] != affinity,
           now < first.since + Self.affinityPatience,
           let match = waiting.popFirst(among: Self.affinityWindow, where: { requestAffinity[$0] == affinity }) {
            return match.request
        }
        return waiting.popFirst()?.request
    }

    /// Closes idle connections that have outlived ``PoolConfiguration/maxLifetime``, oldest first.
    mutating func closeIdleConnectionsPastLifetime(now: PoolInstant) -> [Action] {
        guard effectiveLimits.maxLifetime != nil else {
            return []
        }
        var expired: [PoolConnectionID] = []
        for id in idleConnections {
            if case .idle(let establishedAt, _)? = connections[id], isPastLifetime(establishedAt: establishedAt, now: now) {
                expired.append(id)
            }
        }
        return expired.map { close($0) }
    }
}
