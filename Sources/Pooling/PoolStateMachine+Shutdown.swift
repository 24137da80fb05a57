extension PoolStateMachine {
    /// Stops the pool: fails every waiting request with ``PoolError/poolShuttingDown``, closes idle
    /// connections (least recently used first) and abandons attempts in flight (oldest ID first). From now on
    /// new requests fail at once and leased connections are closed when released. The pool is finished when
    /// ``PoolSnapshot/isDrained``. Calling it again does nothing.
    @_specialize(exported: true, where RequestID == Int)
    public mutating func shutdown(now: PoolInstant) -> [Action] {
        guard !isShuttingDown else {
            return []
        }
        var actions: [Action] = waiting.removeAll().map { .failRequest($0, .poolShuttingDown) }
        requestAffinity = [:]
        for (_, request) in dedicatedAttempts.sorted(by: { $0.key < $1.key }) {
            actions.append(.failRequest(request, .poolShuttingDown))
        }
        dedicatedAttempts = [:]
        for id in idleConnections {
            actions.append(close(id))
        }
        let connecting = connections.compactMap { id, state -> PoolConnectionID? in
            switch state {
            case .connecting:
                return id
            case .idle, .leased:
                return nil
            }
        }
        for id in connecting.sorted() {
            actions.append(close(id))
        }
        isShuttingDown = true
        assert(verifyInvariants(), "pool invariants broken: \(invariantViolations())")
        return actions
    }
}
