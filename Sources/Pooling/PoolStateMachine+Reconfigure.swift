extension PoolStateMachine {
    /// New limits and timeouts for a running pool (pgring's RELOAD). Nobody is dropped:
    ///
    /// - growing ``PoolConfiguration/maxConnections``: waiting requests get new connections at once (the
    ///   same ``Action/createConnection(_:)`` actions the demand logic returns when room frees up), and a
    ///   raised ``PoolConfiguration/minIdleConnections`` opens warm connections the same way;
    /// - shrinking: leased and connecting connections are left alone; idle connections above the new
    ///   maximum or idle cap close at once, least recently used first. Connections still over the maximum
    ///   plus reserve close when given back (``connectionReleased(_:reusable:now:)``), even if requests wait;
    ///   until then ``overLimitAllowance`` lets the invariants accept the excess. It only goes down, and once
    ///   the count is within the new limit the ceiling holds strictly again;
    /// - timeouts (wait, idle, lifetime, connect, reserve, retry pause) apply from the next ``tick(now:)``.
    ///
    /// Does nothing once the pool is shutting down (apart from remembering the configuration).
    @_specialize(exported: true, where RequestID == Int)
    public mutating func reconfigure(_ configuration: PoolConfiguration, now: PoolInstant) -> [Action] {
        let limits = PoolEffectiveLimits(configuration)
        var actions: [Action] = []
        // Close the idle surplus while the old limits still hold (counts only go down, so the invariants do).
        while let oldest = idleConnections.first,
              idleConnections.count > limits.maxIdleConnections || totalCount > limits.maxConnections {
            actions.append(close(oldest))
        }
        let ceiling = limits.maxConnections + limits.reserveConnections
        overLimitAllowance = totalCount > ceiling ? totalCount : 0
        self.configuration = configuration
        self.effectiveLimits = limits
        assert(verifyInvariants(), "pool invariants broken: \(invariantViolations())")
        actions += openConnectionsForDemand(now: now)
        return actions
    }
}
