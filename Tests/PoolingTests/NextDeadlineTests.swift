import Pooling
import Testing

@Suite("nextDeadline")
struct NextDeadlineTests {
    @Test("an empty pool has nothing to do")
    func emptyPool() {
        let harness = PoolHarness()
        #expect(harness.pool.nextDeadline == nil)
    }

    @Test("a connecting connection is due at its connect timeout; its waiter earlier or later by waitTimeout")
    func connectingAndWaiting() {
        var harness = PoolHarness(testConfiguration(waitTimeout: .seconds(3), connectTimeout: .seconds(5)))
        let start = harness.now
        _ = harness.lease("a")
        #expect(harness.pool.nextDeadline == start + .seconds(3))
        #expect(harness.tick(after: .seconds(3)) == [.failRequest("a", .waitTimeout)])
        #expect(harness.pool.nextDeadline == start + .seconds(5))
    }

    @Test("idle connections are due at the earlier of idle timeout and lifetime; leased ones never")
    func idleConnections() {
        var harness = PoolHarness(testConfiguration(idleTimeout: .seconds(60), maxLifetime: .seconds(90)))
        let start = harness.now
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.pool.nextDeadline == nil)
        harness.advance(by: .seconds(40))
        _ = harness.release(conn(0))
        // Idle timeout would be start+100, lifetime start+90.
        #expect(harness.pool.nextDeadline == start + .seconds(90))
    }

    @Test("idle connections kept for minIdleConnections are not due for idle timeout")
    func minIdleNotDue() {
        var harness = PoolHarness(testConfiguration(minIdleConnections: 1, idleTimeout: .seconds(60), maxLifetime: .zero))
        _ = harness.tick()
        _ = harness.established(conn(0))
        #expect(harness.pool.nextDeadline == nil)
    }

    @Test("after a tick the next deadline is always in the future, so an I/O layer timer never spins")
    func tickingAtDeadlinesNeverSpins() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3, minIdleConnections: 1, idleTimeout: .seconds(7), maxLifetime: .seconds(50), waitTimeout: .seconds(4), connectTimeout: .seconds(3)))
        _ = harness.lease("a")
        _ = harness.lease("b")
        // Nothing ever connects: attempts time out, waiters fail, the retry pause passes, min idle retries.
        var kinds = Set<String>()
        for _ in 0..<100 {
            guard let deadline = harness.pool.nextDeadline else {
                Issue.record("min idle retries should always leave a deadline")
                return
            }
            #expect(deadline > harness.now)
            harness.now = deadline
            for action in harness.tick() {
                kinds.insert("\(action)".prefix(while: { $0 != "(" }).description)
            }
        }
        #expect(kinds == ["failRequest", "closeConnection", "createConnection"])
    }
}
