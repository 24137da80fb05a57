import Pooling
import Testing

@Suite("Reserve pool")
struct ReserveTests {
    /// A pool of two plus a reserve of one after 3 s, both connections leased to "a" and "b".
    func fullPool(reserve: Int = 1, after timeout: Duration = .seconds(3)) -> PoolHarness {
        var configuration = testConfiguration(maxConnections: 2)
        configuration.reserveConnections = reserve
        configuration.reserveTimeout = timeout
        var harness = PoolHarness(configuration)
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        return harness
    }

    @Test("the reserve opens only after the oldest request waited reserveTimeout")
    func opensAfterTimeout() {
        var harness = fullPool()
        #expect(harness.lease("c") == [])
        #expect(harness.tick(after: .milliseconds(2_999)) == [])
        #expect(harness.tick(after: .milliseconds(1)) == [.createConnection(conn(2))])
        #expect(harness.established(conn(2)) == [.lease(conn(2), to: "c")])
        #expect(harness.counts == Counts(leased: 3))
    }

    @Test("the reserve is bounded: one extra connection, however many wait")
    func bounded() {
        var harness = fullPool()
        _ = harness.lease("c")
        _ = harness.lease("d")
        #expect(harness.tick(after: .seconds(3)) == [.createConnection(conn(2))])
        #expect(harness.tick(after: .seconds(1)) == [])
        #expect(harness.counts == Counts(leased: 2, connecting: 1, waiting: 2))
    }

    @Test("a reserve connection released with nobody waiting is closed, not kept idle")
    func closesWhenReleased() {
        var harness = fullPool()
        _ = harness.lease("c")
        _ = harness.tick(after: .seconds(3))
        _ = harness.established(conn(2))
        #expect(harness.release(conn(0)) == [.closeConnection(conn(0))])
        #expect(harness.release(conn(1)).isEmpty)
        #expect(harness.counts == Counts(idle: 1, leased: 1))
    }

    @Test("a released connection still serves a waiting request before anything else")
    func servesWaitersFirst() {
        var harness = fullPool()
        _ = harness.lease("c")
        _ = harness.lease("d")
        _ = harness.tick(after: .seconds(3))
        _ = harness.established(conn(2))
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "d")])
        #expect(harness.counts == Counts(leased: 3))
    }

    @Test("without a reserve, waiting never opens more than the maximum")
    func noReserve() {
        var harness = fullPool(reserve: 0)
        _ = harness.lease("c")
        #expect(harness.tick(after: .seconds(9)) == [])
        #expect(harness.counts == Counts(leased: 2, waiting: 1))
    }

    @Test("nextDeadline includes the instant the reserve opens")
    func deadline() {
        var harness = fullPool()
        _ = harness.lease("c")
        #expect(harness.pool.nextDeadline == harness.now + .seconds(3))
    }
}
