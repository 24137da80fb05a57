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
}
