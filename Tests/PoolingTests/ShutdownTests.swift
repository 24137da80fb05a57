import Pooling
import Testing

@Suite("Shutdown")
struct ShutdownTests {
    @Test("shutdown fails waiters, abandons attempts in flight, and leaves leased connections to their clients")
    func shutdown() {
        var harness = PoolHarness(testConfiguration(maxConnections: 4))
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        harness.leaseNewConnection("c", expected: conn(2))
        #expect(harness.lease("d") == [.createConnection(conn(3))])
        #expect(harness.lease("e") == [])
        #expect(harness.counts == Counts(leased: 3, connecting: 1, waiting: 2))

        #expect(harness.shutdown() == [
            .failRequest("d", .poolShuttingDown), .failRequest("e", .poolShuttingDown), .closeConnection(conn(3)),
        ])
        #expect(harness.pool.snapshot.isShuttingDown)
        #expect(!harness.pool.snapshot.isDrained)
        #expect(harness.counts == Counts(leased: 3))
        for id in [conn(1), conn(0), conn(2)] {
            #expect(harness.release(id) == [.closeConnection(id)])
        }
        #expect(harness.pool.snapshot.isDrained)
    }

    @Test("after shutdown new requests fail, releases close, late attempts are closed, and the pool drains")
    func afterShutdown() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3))
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        _ = harness.release(conn(1))
        #expect(harness.lease("c") == [.lease(conn(1), to: "c")])
        #expect(harness.lease("d") == [.createConnection(conn(2))])
        _ = harness.release(conn(1))  // c1 leased to d now
        #expect(harness.pool.state(of: conn(1)) == .leased(to: "d", establishedAt: harness.now, leasedAt: harness.now))
        #expect(harness.release(conn(1)) == [])  // idle

        #expect(harness.shutdown() == [.closeConnection(conn(1)), .closeConnection(conn(2))])
        #expect(harness.lease("x") == [.failRequest("x", .poolShuttingDown)])
        #expect(harness.established(conn(2)) == [.closeConnection(conn(2))])
        #expect(harness.tick(after: .seconds(100_000)) == [])
        #expect(harness.release(conn(0), reusable: true) == [.closeConnection(conn(0))])
        #expect(harness.pool.snapshot.isDrained)
        #expect(harness.shutdown() == [])
    }

    @Test("shutdown of a pool with idle connections closes them least recently used first")
    func shutdownClosesIdleInOrder() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3))
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        harness.leaseNewConnection("c", expected: conn(2))
        _ = harness.release(conn(2))
        _ = harness.release(conn(0))
        _ = harness.release(conn(1))
        #expect(harness.shutdown() == [.closeConnection(conn(2)), .closeConnection(conn(0)), .closeConnection(conn(1))])
        #expect(harness.pool.snapshot.isDrained)
    }
}
