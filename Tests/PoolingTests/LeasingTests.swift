import Pooling
import Testing

@Suite("Leasing")
struct LeasingTests {
    @Test("a lease on an empty pool opens a connection and waits for it")
    func leaseCreatesConnection() {
        var harness = PoolHarness()
        #expect(harness.lease("a") == [.createConnection(conn(0))])
        #expect(harness.counts == Counts(connecting: 1, waiting: 1))
        #expect(harness.pool.state(of: conn(0)) == .connecting(startedAt: harness.now))

        harness.advance(by: .milliseconds(30))
        #expect(harness.established(conn(0)) == [.lease(conn(0), to: "a")])
        #expect(harness.counts == Counts(leased: 1))
        #expect(harness.pool.state(of: conn(0)) == .leased(to: "a", establishedAt: harness.now, leasedAt: harness.now))
    }

    @Test("a lease takes an idle connection at once without opening another")
    func leaseFromIdle() {
        var harness = PoolHarness()
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.release(conn(0)) == [])
        #expect(harness.counts == Counts(idle: 1))

        #expect(harness.lease("b") == [.lease(conn(0), to: "b")])
        #expect(harness.counts == Counts(leased: 1))
    }

    @Test("the most recently released idle connection is leased first (LIFO)")
    func leaseFromIdleIsLastInFirstOut() {
        var harness = PoolHarness()
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        #expect(harness.release(conn(0)) == [])
        harness.advance(by: .seconds(1))
        #expect(harness.release(conn(1)) == [])

        #expect(harness.lease("c") == [.lease(conn(1), to: "c")])
        #expect(harness.lease("d") == [.lease(conn(0), to: "d")])
    }

    @Test("a second lease request with an ID that is already waiting is ignored")
    func duplicateWaitingRequestIgnored() {
        var harness = PoolHarness()
        #expect(harness.lease("a") == [.createConnection(conn(0))])
        #expect(harness.lease("a") == [])
        #expect(harness.counts == Counts(connecting: 1, waiting: 1))
    }

    @Test("every connection ID is new: IDs count up and are never reused")
    func connectionIDsAreNeverReused() {
        var harness = PoolHarness(testConfiguration(maxConnections: 1))
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.release(conn(0), reusable: false) == [.closeConnection(conn(0))])
        harness.leaseNewConnection("b", expected: conn(1))
        #expect(harness.closed(conn(1)) == [])
        harness.leaseNewConnection("c", expected: conn(2))
    }

    @Test("a waiting request is not made to wait for more attempts than it needs")
    func oneAttemptPerWaitingRequest() {
        var harness = PoolHarness(testConfiguration(maxConnections: 5))
        #expect(harness.lease("a") == [.createConnection(conn(0))])
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        // c0 serves a; b still has its own attempt c1, so nothing new is opened.
        #expect(harness.established(conn(0)) == [.lease(conn(0), to: "a")])
        #expect(harness.counts == Counts(leased: 1, connecting: 1, waiting: 1))
        // a finishes before c1 is ready: b takes c0 and c1 will become idle.
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "b")])
        #expect(harness.established(conn(1)) == [])
        #expect(harness.counts == Counts(idle: 1, leased: 1))
    }
}
