extension PoolStateMachine {
    /// `true` when every rule of the pool holds; checked with `assert` after every state change.
    public func verifyInvariants() -> Bool {
        invariantViolations().isEmpty
    }

    /// Every broken rule, in words; empty when the pool is consistent. Used by `verifyInvariants()` and by
    /// tests that want a readable failure.
    public func invariantViolations() -> [String] {
        var violations: [String] = []
        var connecting = 0
        var leased = 0
        var idle = Set<PoolConnectionID>()
        for (id, state) in connections {
            switch state {
            case .connecting:
                connecting += 1
            case .idle:
                idle.insert(id)
            case .leased:
                leased += 1
            }
            if id.rawValue >= nextConnectionNumber {
                violations.append("\(id) was never handed out")
            }
        }
        if connecting != connectingCount {
            violations.append("connecting counter \(connectingCount) but \(connecting) connecting")
        }
        if leased != leasedCount {
            violations.append("leased counter \(leasedCount) but \(leased) leased")
        }
        if idle != Set(idleConnections) || idle.count != idleConnections.count {
            violations.append("idle list \(idleConnections) does not match idle states \(idle.sorted())")
        }
        // After a shrink the count may stay above the new ceiling (leased connections are never taken away)
        // but never above what the shrink found, and only while it is still above the ceiling.
        let ceiling = max(hardCeiling, overLimitAllowance)
        if totalCount > ceiling {
            violations.append("\(totalCount) connections exceed the maximum plus reserve \(ceiling)")
        }
        if overLimitAllowance != 0 && totalCount <= hardCeiling {
            violations.append("over-limit allowance \(overLimitAllowance) kept although \(totalCount) is within \(hardCeiling)")
        }
        for (id, request) in dedicatedAttempts {
            if case .connecting? = connections[id] {} else {
                violations.append("\(request) waits for \(id), which is not connecting")
            }
            if waiting.contains(request) {
                violations.append("\(request) waits for its own attempt \(id) and in the queue")
            }
        }
        if !waiting.isEmpty && !idleConnections.isEmpty {
            violations.append("\(waiting.count) requests wait while \(idleConnections.count) connections are idle")
        }
        if idleConnections.count > effectiveLimits.maxIdleConnections {
            violations.append("\(idleConnections.count) idle connections exceed \(effectiveLimits.maxIdleConnections)")
        }
        if isShuttingDown && (!waiting.isEmpty || !idleConnections.isEmpty || connectingCount != 0) {
            violations.append("shutting down but something still waits, idles or connects")
        }
        return violations
    }
}
