import Pooling
import Testing

@Suite("Queueing")
struct QueueingTests {
    /// A pool of two with both connections leased to "a" and "b".
    func fullPool() -> PoolHarness {
        var harness = PoolHarness(testConfiguration(maxConnections: 2))
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        return harness
    }

    @Test("a full pool queues requests and opens nothing beyond its size")
    func queueWhenFull() {
        var harness = fullPool()
        for request in ["c", "d", "e"] {
            harness.advance(by: .milliseconds(1))
            #expect(harness.lease(request) == [])
        }
        #expect(harness.counts == Counts(leased: 2, waiting: 3))
        #expect(harness.pool.waitingRequests == ["c", "d", "e"])
    }

    @Test(
        "released connections go to the longest-waiting request, first in first out",
        arguments: [
            [conn(0), conn(1), conn(0)],
            [conn(1), conn(0), conn(1)],
            [conn(1), conn(1), conn(1)],
        ]
    )
    func releaseServesWaitersInOrder(releaseOrder: [PoolConnectionID]) {
        var harness = fullPool()
        for request in ["c", "d", "e"] {
            harness.advance(by: .milliseconds(1))
            _ = harness.lease(request)
        }
        for (connection, expectedRequest) in zip(releaseOrder, ["c", "d", "e"]) {
            #expect(harness.release(connection) == [.lease(connection, to: expectedRequest)])
        }
        #expect(harness.counts == Counts(leased: 2))
    }

    @Test("a request waiting past waitTimeout fails; one that has not waited that long keeps waiting")
    func waitTimeout() {
        var harness = fullPool()
        _ = harness.lease("c")
        harness.advance(by: .seconds(4))
        _ = harness.lease("d")

        #expect(harness.tick(after: .milliseconds(5_999)) == [])
        #expect(harness.tick(after: .milliseconds(1)) == [.failRequest("c", .waitTimeout)])
        #expect(harness.counts == Counts(leased: 2, waiting: 1))
        #expect(harness.tick(after: .seconds(4)) == [.failRequest("d", .waitTimeout)])
        #expect(harness.counts == Counts(leased: 2))
    }

    @Test("requests timing out in the same tick fail longest-waiting first")
    func waitTimeoutOrder() {
        var harness = fullPool()
        for request in ["c", "d", "e"] {
            _ = harness.lease(request)
            harness.advance(by: .milliseconds(10))
        }
        #expect(harness.tick(after: .seconds(20)) == [
            .failRequest("c", .waitTimeout), .failRequest("d", .waitTimeout), .failRequest("e", .waitTimeout),
        ])
    }

    @Test("a zero waitTimeout means requests wait forever (and a zero maxLifetime that connections live forever)")
    func waitTimeoutDisabled() {
        var harness = PoolHarness(testConfiguration(maxConnections: 1, maxLifetime: .zero, waitTimeout: .zero))
        harness.leaseNewConnection("a", expected: conn(0))
        _ = harness.lease("b")
        #expect(harness.tick(after: .seconds(86_400 * 365)) == [])
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "b")])
    }

    @Test("cancelling a waiting request fails it as cancelled and removes it from the line")
    func cancelWaitingRequest() {
        var harness = fullPool()
        _ = harness.lease("c")
        _ = harness.lease("d")
        _ = harness.lease("e")

        #expect(harness.cancel("d") == [.failRequest("d", .requestCancelled)])
        #expect(harness.pool.waitingRequests == ["c", "e"])
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "c")])
        #expect(harness.release(conn(1)) == [.lease(conn(1), to: "e")])
        #expect(harness.cancel("d") == [])
    }

    @Test("cancelling a request that already holds a connection, or was never seen, does nothing")
    func cancelNotWaiting() {
        var harness = fullPool()
        #expect(harness.cancel("a") == [])
        #expect(harness.cancel("zzz") == [])
        #expect(harness.counts == Counts(leased: 2))
    }

    @Test("a cancelled request that asks again waits at the back of the line")
    func cancelledRequestRequeuesAtTheBack() {
        var harness = fullPool()
        _ = harness.lease("c")
        _ = harness.lease("d")
        _ = harness.cancel("c")
        _ = harness.lease("c")
        #expect(harness.pool.waitingRequests == ["d", "c"])
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "d")])
        #expect(harness.release(conn(1)) == [.lease(conn(1), to: "c")])
    }

    @Test("the snapshot reports the longest wait")
    func longestWait() {
        var harness = fullPool()
        #expect(harness.pool.snapshot.longestWait(now: harness.now) == .zero)
        _ = harness.lease("c")
        let firstWaitStart = harness.now
        harness.advance(by: .seconds(3))
        _ = harness.lease("d")
        harness.advance(by: .milliseconds(500))
        let snapshot = harness.pool.snapshot
        #expect(snapshot.oldestWaitStartedAt == firstWaitStart)
        #expect(snapshot.longestWait(now: harness.now) == .milliseconds(3_500))
        #expect(snapshot.totalConnections == 2)
    }
}
