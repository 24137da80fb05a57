extension PoolStateMachine {
    /// The attempt for `id` succeeded: the connection is authenticated and ready for queries.
    ///
    /// The connection goes to the longest-waiting request, or becomes idle, or is closed if enough are idle.
    /// A success ends any pause after failed attempts. An ID the pool does not know (abandoned after a
    /// connect timeout, or the pool is shutting down) is answered with ``Action/closeConnection(_:)`` so the
    /// socket is not leaked; an ID that is already idle or leased is ignored.
    @_specialize(exported: true, where RequestID == Int)
    public mutating func connectionEstablished(_ id: PoolConnectionID, affinity: Int? = nil, now: PoolInstant) -> [Action] {
        switch connections[id] {
        case nil:
            return [.closeConnection(id)]
        case .idle?, .leased?:
            return []
        case .connecting?:
            lastConnectFailure = nil
            if let affinity { connectionAffinity[id] = affinity }
            var actions: [Action]
            if let request = dedicatedAttempts.removeValue(forKey: id) {
                changeState(of: id, to: .leased(to: request, establishedAt: now, leasedAt: now))
                actions = [.lease(id, to: request)]
            } else {
                actions = handOver(id, establishedAt: now, now: now)
            }
            actions += openConnectionsForDemand(now: now)
            return actions
        }
    }

    /// The attempt for `id` failed; `reason` says why (it reaches clients inside ``PoolError/connectFailed(_:)``).
    ///
    /// The pool pauses new attempts for ``PoolConfiguration/connectRetryDelay``. Waiting requests keep waiting
    /// while another connection or attempt may still serve them; when the pool has no connection and no attempt
    /// left, they all fail with the error rather than hang. Unknown IDs and IDs that are not connecting are
    /// ignored.
    @_specialize(exported: true, where RequestID == Int)
    public mutating func connectionFailed(_ id: PoolConnectionID, reason: String, now: PoolInstant) -> [Action] {
        guard case .connecting? = connections[id] else {
            return []
        }
        return forgetFailedAttempt(id, now: now) + recordConnectFailure(.connectFailed(reason), now: now)
    }

    /// The server connection `id` is gone (socket closed or errored, server restarted, admin terminated it).
    ///
    /// If it was leased, the lease ends here (the I/O layer deals with the client). If it was connecting, this
    /// counts as a failed attempt. Replacements are opened for waiting requests and the idle minimum. Unknown
    /// IDs are ignored.
    @_specialize(exported: true, where RequestID == Int)
    public mutating func connectionClosed(_ id: PoolConnectionID, now: PoolInstant) -> [Action] {
        switch connections[id] {
        case nil:
            return []
        case .connecting?:
            return forgetFailedAttempt(id, now: now) + recordConnectFailure(
                .connectFailed("the server closed the connection during connection setup"),
                now: now
            )
        case .idle?, .leased?:
            changeState(of: id, to: nil)
            return openConnectionsForDemand(now: now)
        }
    }

    /// Forgets the failed attempt `id`. The request it was opened for (strict affinity), if any, takes an idle
    /// connection of any affinity, or queues like any request (the failure handling that follows opens another
    /// attempt, or fails the queue when nothing is left that could serve it).
    mutating func forgetFailedAttempt(_ id: PoolConnectionID, now: PoolInstant) -> [Action] {
        let request = dedicatedAttempts.removeValue(forKey: id)
        changeState(of: id, to: nil)
        guard let request else { return [] }
        if let idle = idleConnections.last, case .idle(let establishedAt, _)? = connections[idle] {
            changeState(of: idle, to: .leased(to: request, establishedAt: establishedAt, leasedAt: now))
            return [.lease(idle, to: request)]
        }
        enqueue(request, now: now)
        return []
    }

    /// Remembers a failed attempt (starting the retry pause) and fails every waiting request if nothing is
    /// left that could serve them.
    mutating func recordConnectFailure(_ error: PoolError, now: PoolInstant) -> [Action] {
        lastConnectFailure = ConnectFailure(at: now, error: error)
        var actions: [Action] = []
        if totalCount == 0 {
            for request in waiting.removeAll() {
                actions.append(.failRequest(request, error))
            }
            requestAffinity = [:]
        }
        actions += openConnectionsForDemand(now: now)
        return actions
    }
}
