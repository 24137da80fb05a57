import Pooling
import Testing

@Suite("Affinity (event-loop preference)")
struct AffinityTests {
    /// Two idle connections, conn(0) with affinity 1 and conn(1) with affinity 2.
    func twoIdle() -> PoolHarness {
        var harness = PoolHarness(testConfiguration(maxConnections: 2))
        #expect(harness.pool.leaseRequested("a", affinity: 1, now: harness.now) == [.createConnection(conn(0))])
        #expect(harness.pool.connectionEstablished(conn(0), affinity: 1, now: harness.now) == [.lease(conn(0), to: "a")])
        #expect(harness.pool.leaseRequested("b", affinity: 2, now: harness.now) == [.createConnection(conn(1))])
        #expect(harness.pool.connectionEstablished(conn(1), affinity: 2, now: harness.now) == [.lease(conn(1), to: "b")])
        _ = harness.release(conn(0))
        _ = harness.release(conn(1))
        return harness
    }

    @Test("an idle connection with the request's affinity is preferred over the most recently used one")
    func idlePreference() {
        var harness = twoIdle()
        #expect(harness.pool.leaseRequested("c", affinity: 1, now: harness.now) == [.lease(conn(0), to: "c")])
        #expect(harness.pool.leaseRequested("d", affinity: 9, now: harness.now) == [.lease(conn(1), to: "d")])
    }

    @Test("a released connection goes to a recent waiter with its affinity before the head of the queue")
    func waiterPreference() {
        var harness = twoIdle()
        _ = harness.pool.leaseRequested("x", affinity: 1, now: harness.now)
        _ = harness.pool.leaseRequested("y", affinity: 2, now: harness.now)
        _ = harness.pool.leaseRequested("c", affinity: 1, now: harness.now)
        _ = harness.pool.leaseRequested("d", affinity: 2, now: harness.now)
        harness.advance(by: .milliseconds(1))
        #expect(harness.release(conn(1)) == [.lease(conn(1), to: "d")])
        #expect(harness.pool.waitingRequests == ["c"])
    }

    @Test("after affinityPatience the queue is strictly first in first out again")
    func patience() {
        var harness = twoIdle()
        _ = harness.pool.leaseRequested("x", affinity: 1, now: harness.now)
        _ = harness.pool.leaseRequested("y", affinity: 2, now: harness.now)
        _ = harness.pool.leaseRequested("c", affinity: 1, now: harness.now)
        _ = harness.pool.leaseRequested("d", affinity: 2, now: harness.now)
        harness.advance(by: .milliseconds(51))
        #expect(harness.release(conn(1)) == [.lease(conn(1), to: "c")])
        #expect(harness.pool.waitingRequests == ["d"])
    }

    // MARK: - Strict affinity (session mode)

    /// One idle connection, conn(0), with affinity 1, in a pool of `maxConnections`.
    func oneIdle(maxConnections: Int = 2) -> PoolHarness {
        var harness = PoolHarness(testConfiguration(maxConnections: maxConnections))
        #expect(harness.pool.leaseRequested("a", affinity: 1, now: harness.now) == [.createConnection(conn(0))])
        #expect(harness.pool.connectionEstablished(conn(0), affinity: 1, now: harness.now) == [.lease(conn(0), to: "a")])
        _ = harness.release(conn(0))
        return harness
    }

    @Test("strict: with room, a connection is opened for the request instead of leasing another loop's idle one")
    func strictOpensOwn() {
        var harness = oneIdle()
        #expect(harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now) == [.createConnection(conn(1))])
        #expect(harness.pool.invariantViolations() == [])
        #expect(harness.counts == Counts(idle: 1, leased: 0, connecting: 1, waiting: 1))
        // The attempt's connection goes to its request, not to the idle list or a queue.
        #expect(harness.pool.connectionEstablished(conn(1), affinity: 2, now: harness.now) == [.lease(conn(1), to: "b")])
        #expect(harness.counts == Counts(idle: 1, leased: 1, connecting: 0, waiting: 0))
        // A request with the idle connection's affinity still takes it at once.
        #expect(harness.pool.leaseRequested("c", affinity: 1, strictAffinity: true, now: harness.now) == [.lease(conn(0), to: "c")])
    }

    @Test("strict: a full pool leases another loop's idle connection at once")
    func strictFullPool() {
        var harness = oneIdle(maxConnections: 1)
        #expect(harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now) == [.lease(conn(0), to: "b")])
    }

    @Test("strict: while pausing after a failed attempt, another loop's idle connection is leased at once")
    func strictBackingOff() {
        var harness = oneIdle()
        #expect(harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now) == [.createConnection(conn(1))])
        #expect(harness.pool.connectionFailed(conn(1), reason: "refused", now: harness.now) == [.lease(conn(0), to: "b")])
        _ = harness.release(conn(0))
        // Within connectRetryDelay no new attempt: the idle connection serves.
        #expect(harness.pool.leaseRequested("c", affinity: 2, strictAffinity: true, now: harness.now) == [.lease(conn(0), to: "c")])
    }

    @Test("strict: when the attempt fails or times out, the request takes an idle connection after all")
    func strictFallbacks() {
        var harness = oneIdle()
        _ = harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now)
        harness.advance(by: .seconds(6))  // past connectTimeout (5 s)
        let actions = harness.tick()
        #expect(actions.contains(.closeConnection(conn(1))))
        #expect(actions.contains(.lease(conn(0), to: "b")))
        #expect(harness.counts == Counts(idle: 0, leased: 1, connecting: 0, waiting: 0))

        var closed = oneIdle()
        _ = closed.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: closed.now)
        #expect(closed.pool.connectionClosed(conn(1), now: closed.now) == [.lease(conn(0), to: "b")])
    }

    @Test("strict: a failed attempt with no idle connection left queues the request like any other")
    func strictFallbackQueues() {
        var harness = oneIdle(maxConnections: 3)
        _ = harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now)
        // The idle connection goes to a request of its own loop meanwhile.
        #expect(harness.pool.leaseRequested("c", affinity: 1, strictAffinity: true, now: harness.now) == [.lease(conn(0), to: "c")])
        let actions = harness.pool.connectionFailed(conn(1), reason: "refused", now: harness.now)
        #expect(harness.pool.invariantViolations() == [])
        // Queued: a connection is still there (leased to c), so b waits for it rather than failing.
        #expect(actions == [])
        #expect(harness.pool.waitingRequests == ["b"])
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "b")])
    }

    @Test("strict: a request that leaves during its attempt gets its cancel; the connection then idles")
    func strictCancel() {
        var harness = oneIdle()
        _ = harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now)
        #expect(harness.pool.requestCancelled("b", now: harness.now) == [.failRequest("b", .requestCancelled)])
        #expect(harness.pool.requestCancelled("b", now: harness.now) == [])
        #expect(harness.pool.connectionEstablished(conn(1), affinity: 2, now: harness.now) == [])
        #expect(harness.counts == Counts(idle: 2, leased: 0, connecting: 0, waiting: 0))
    }

    @Test("strict: shutdown answers a request waiting for its attempt")
    func strictShutdown() {
        var harness = oneIdle()
        _ = harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now)
        let actions = harness.shutdown()
        #expect(actions.contains(.failRequest("b", .poolShuttingDown)))
        #expect(actions.contains(.closeConnection(conn(1))))
        #expect(harness.pool.snapshot.waitingRequests == 0)
    }

    @Test("strict: asking again while the attempt runs does nothing")
    func strictDuplicate() {
        var harness = oneIdle()
        _ = harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now)
        #expect(harness.pool.leaseRequested("b", affinity: 2, strictAffinity: true, now: harness.now) == [])
    }
}
