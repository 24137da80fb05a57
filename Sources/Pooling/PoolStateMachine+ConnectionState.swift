extension PoolStateMachine {
    /// Where one server connection is in its life. A connection the pool does not count (not yet created,
    /// or closed) has no state at all.
    ///
    /// Allowed moves: (none) -> connecting; connecting -> idle, leased or (none); idle -> leased or (none);
    /// leased -> idle, leased (handed straight to the next waiter) or (none).
    public enum ConnectionState: Sendable, Equatable {
        /// The I/O layer is opening it (pgbouncer `sv_login`); it counts against the pool size but serves
        /// nobody yet.
        case connecting(startedAt: PoolInstant)
        /// Established and unused (pgbouncer `sv_idle`); only exists while no request waits.
        case idle(establishedAt: PoolInstant, idleSince: PoolInstant)
        /// Lent to exactly one request (pgbouncer `sv_active`).
        case leased(to: RequestID, establishedAt: PoolInstant, leasedAt: PoolInstant)
    }

    /// The one choke point for connection state changes (pgbouncer `change_server_state`): moves `id` to
    /// `newState` (`nil` forgets it), keeps `idleConnections` and the counters in step, and checks every
    /// invariant in debug builds.
    mutating func changeState(of id: PoolConnectionID, to newState: ConnectionState?) {
        let oldState = connections[id]
        precondition(Self.isAllowedMove(from: oldState, to: newState), "pool: illegal move of \(id)")

        switch oldState {
        case nil:
            break
        case .connecting?:
            connectingCount -= 1
        case .idle?:
            if let index = idleConnections.lastIndex(of: id) {
                idleConnections.remove(at: index)
            }
        case .leased?:
            leasedCount -= 1
        }

        switch newState {
        case nil:
            break
        case .connecting?:
            connectingCount += 1
        case .idle?:
            idleConnections.append(id)
        case .leased?:
            leasedCount += 1
        }

        connections[id] = newState
        if newState == nil {
            if !connectionAffinity.isEmpty { connectionAffinity[id] = nil }
            // The excess left by a shrinking ``reconfigure(_:now:)`` only goes down; gone once back in limits.
            overLimitAllowance = totalCount > hardCeiling ? min(overLimitAllowance, totalCount) : 0
        }
        assert(verifyInvariants(), "pool invariants broken: \(invariantViolations())")
    }

    /// Whether a connection may move from `oldState` to `newState` (see ``ConnectionState``).
    static func isAllowedMove(from oldState: ConnectionState?, to newState: ConnectionState?) -> Bool {
        switch (oldState, newState) {
        case (nil, .connecting?):
            return true
        case (nil, nil), (nil, .idle?), (nil, .leased?):
            return false
        case (.connecting?, nil), (.connecting?, .idle?), (.connecting?, .leased?):
            return true
        case (.connecting?, .connecting?):
            return false
        case (.idle?, nil), (.idle?, .leased?):
            return true
        case (.idle?, .idle?), (.idle?, .connecting?):
            return false
        case (.leased?, nil), (.leased?, .idle?), (.leased?, .leased?):
            return true
        case (.leased?, .connecting?):
            return false
        }
    }

    /// Opens one new connection: assigns the next ID, counts it as connecting and returns the action
    /// asking the I/O layer to open it. The caller has checked the capacity.
    mutating func startConnection(now: PoolInstant) -> Action {
        let id = PoolConnectionID(nextConnectionNumber)
        nextConnectionNumber += 1
        changeState(of: id, to: .connecting(startedAt: now))
        return .createConnection(id)
    }

    /// Forgets `id` and returns the action asking the I/O layer to close it.
    mutating func close(_ id: PoolConnectionID) -> Action {
        changeState(of: id, to: nil)
        return .closeConnection(id)
    }

    /// Queues `request` (the waiting-queue side of the choke point).
    mutating func enqueue(_ request: RequestID, now: PoolInstant) {
        latestWaitStart = max(latestWaitStart, now)
        waiting.append(request, since: latestWaitStart)
        assert(verifyInvariants(), "pool invariants broken: \(invariantViolations())")
    }

    /// Whether a connection established at `establishedAt` has outlived ``PoolConfiguration/maxLifetime``.
    func isPastLifetime(establishedAt: PoolInstant, now: PoolInstant) -> Bool {
        guard let maxLifetime = effectiveLimits.maxLifetime else {
            return false
        }
        return establishedAt + maxLifetime <= now
    }
}
