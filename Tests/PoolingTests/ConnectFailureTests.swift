import Pooling
import Testing

@Suite("Connection failures and connect timeouts")
struct ConnectFailureTests {
    @Test("with no other connection or attempt left, every waiting request fails with the error")
    func failureWithNothingElseFailsWaiters() {
        var harness = PoolHarness(testConfiguration(maxConnections: 1))
        #expect(harness.lease("a") == [.createConnection(conn(0))])
        #expect(harness.lease("b") == [])
        #expect(harness.failed(conn(0), "connection refused") == [
            .failRequest("a", .connectFailed("connection refused")),
            .failRequest("b", .connectFailed("connection refused")),
        ])
        #expect(harness.counts == Counts())
    }

    @Test("one failed attempt does not fail waiters while another attempt may still serve them")
    func failureWithAnotherAttemptInFlight() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3))
        #expect(harness.lease("a") == [.createConnection(conn(0))])
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        #expect(harness.failed(conn(0)) == [])
        #expect(harness.counts == Counts(connecting: 1, waiting: 2))
        // The survivor serves the longest-waiting request; its success ends the retry pause, so b gets a
        // new attempt of its own.
        #expect(harness.established(conn(1)) == [.lease(conn(1), to: "a"), .createConnection(conn(2))])
        #expect(harness.release(conn(1)) == [.lease(conn(1), to: "b")])
        #expect(harness.established(conn(2)) == [])
        #expect(harness.counts == Counts(idle: 1, leased: 1))
    }

    @Test("a failed attempt while another connection is leased keeps waiters for that connection")
    func failureWithLeasedConnection() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2))
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        #expect(harness.failed(conn(1)) == [])
        #expect(harness.counts == Counts(leased: 1, waiting: 1))
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "b")])
    }

    @Test("after a failure the pool pauses for connectRetryDelay; an empty pool fails new requests at once meanwhile")
    func retryDelayWithEmptyPool() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2, connectRetryDelay: .seconds(2)))
        _ = harness.lease("a")
        _ = harness.failed(conn(0), "password authentication failed")

        harness.advance(by: .milliseconds(1_999))
        #expect(harness.lease("b") == [.failRequest("b", .connectFailed("password authentication failed"))])
        harness.advance(by: .milliseconds(1))
        #expect(harness.lease("c") == [.createConnection(conn(1))])
    }

    @Test("during the retry pause a waiter of a busy pool waits; the attempt is made when the pause ends")
    func retryDelayWithBusyPool() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2, connectRetryDelay: .seconds(2)))
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        #expect(harness.failed(conn(1)) == [])
        #expect(harness.pool.nextDeadline == harness.now + .seconds(2))

        #expect(harness.tick(after: .seconds(1)) == [])
        #expect(harness.tick(after: .seconds(1)) == [.createConnection(conn(2))])
        #expect(harness.established(conn(2)) == [.lease(conn(2), to: "b")])
    }

    @Test("a success ends the retry pause at once")
    func successEndsRetryPause() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3, connectRetryDelay: .seconds(60)))
        _ = harness.lease("a")
        _ = harness.lease("b")
        _ = harness.failed(conn(0))
        #expect(harness.lease("c") == [])  // paused: c waits too, though the pool has room
        #expect(harness.counts == Counts(connecting: 1, waiting: 3))
        #expect(harness.established(conn(1)) == [
            .lease(conn(1), to: "a"), .createConnection(conn(2)), .createConnection(conn(3)),
        ])
    }

    @Test("a zero connectRetryDelay retries at once for waiters that still have company")
    func noRetryDelay() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2, connectRetryDelay: .zero))
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        #expect(harness.failed(conn(1)) == [.createConnection(conn(2))])
    }

    @Test("an attempt older than connectTimeout is abandoned and its waiter fails with connectTimeout")
    func connectTimeout() {
        var harness = PoolHarness(testConfiguration(maxConnections: 1, connectTimeout: .seconds(5)))
        #expect(harness.lease("a") == [.createConnection(conn(0))])
        #expect(harness.tick(after: .milliseconds(4_999)) == [])
        #expect(harness.tick(after: .milliseconds(1)) == [.closeConnection(conn(0)), .failRequest("a", .connectTimeout)])
        #expect(harness.counts == Counts())
        // The abandoned attempt finishing late is closed, never leaked or leased.
        #expect(harness.established(conn(0)) == [.closeConnection(conn(0))])
        #expect(harness.failed(conn(0)) == [])
        #expect(harness.counts == Counts())
    }

    @Test("a connect timeout with another connection leased keeps the waiter")
    func connectTimeoutWithLeasedConnection() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2, waitTimeout: .seconds(30)))
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        #expect(harness.tick(after: .seconds(5)) == [.closeConnection(conn(1))])
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "b")])
    }

    @Test("a connection closed by the server while connecting counts as a failed attempt")
    func closedWhileConnecting() {
        var harness = PoolHarness(testConfiguration(maxConnections: 1))
        _ = harness.lease("a")
        #expect(harness.closed(conn(0)) == [
            .failRequest("a", .connectFailed("the server closed the connection during connection setup")),
        ])
    }

    @Test("when the last connection dies during a retry pause, waiters fail with the last error instead of hanging")
    func lastConnectionDiesDuringRetryPause() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2, waitTimeout: .zero, connectRetryDelay: .seconds(30)))
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        #expect(harness.failed(conn(1), "too many connections for role \"app\"") == [])
        #expect(harness.counts == Counts(leased: 1, waiting: 1))
        #expect(harness.closed(conn(0)) == [.failRequest("b", .connectFailed("too many connections for role \"app\""))])
        #expect(harness.counts == Counts())
    }
}
