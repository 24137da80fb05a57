import Pooling
import Testing

@Suite("Release and server-side close")
struct ReleaseAndCloseTests {
    @Test(
        "a non-reusable release closes the connection and opens a replacement only if someone waits",
        arguments: [false, true]
    )
    func nonReusableRelease(someoneWaits: Bool) {
        var harness = PoolHarness(testConfiguration(maxConnections: 1))
        harness.leaseNewConnection("a", expected: conn(0))
        if someoneWaits {
            #expect(harness.lease("b") == [])
        }
        let expected: [PoolAction] = someoneWaits
            ? [.closeConnection(conn(0)), .createConnection(conn(1))]
            : [.closeConnection(conn(0))]
        #expect(harness.release(conn(0), reusable: false) == expected)
        #expect(harness.pool.state(of: conn(0)) == nil)
        if someoneWaits {
            #expect(harness.established(conn(1)) == [.lease(conn(1), to: "b")])
        }
    }

    @Test("a connection closed by the server while leased ends the lease and is replaced for a waiter")
    func closedWhileLeased() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2))
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        _ = harness.lease("c")
        #expect(harness.closed(conn(0)) == [.createConnection(conn(2))])
        #expect(harness.counts == Counts(leased: 1, connecting: 1, waiting: 1))
        // The dead connection's late release is ignored.
        #expect(harness.release(conn(0)) == [])
        #expect(harness.established(conn(2)) == [.lease(conn(2), to: "c")])
    }

    @Test("a connection closed by the server while idle is forgotten")
    func closedWhileIdle() {
        var harness = PoolHarness()
        harness.leaseNewConnection("a", expected: conn(0))
        _ = harness.release(conn(0))
        #expect(harness.closed(conn(0)) == [])
        #expect(harness.counts == Counts())
        #expect(harness.lease("b") == [.createConnection(conn(1))])
    }

    @Test("a connection is never leased to two requests: a double release is ignored")
    func doubleRelease() {
        var harness = PoolHarness(testConfiguration(maxConnections: 1))
        harness.leaseNewConnection("a", expected: conn(0))
        _ = harness.lease("b")
        _ = harness.lease("c")
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "b")])
        // A buggy second release for a's session must not steal b's connection.
        #expect(harness.pool.state(of: conn(0)) == .leased(to: "b", establishedAt: harness.now, leasedAt: harness.now))
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "c")])
        #expect(harness.release(conn(0)) == [])
        #expect(harness.release(conn(0)) == [])
        #expect(harness.counts == Counts(idle: 1))
    }
}
