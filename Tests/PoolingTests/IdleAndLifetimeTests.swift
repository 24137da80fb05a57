import Pooling
import Testing

@Suite("Idle connections and lifetime")
struct IdleAndLifetimeTests {
    /// Makes `count` idle connections (IDs 0..<count) in a pool whose size is `count`, released `spacing`
    /// apart so the least recently used is conn 0.
    func poolWithIdleConnections(_ count: Int, configuration: PoolConfiguration, spacing: Duration = .seconds(1)) -> PoolHarness {
        #expect(configuration.maxConnections == count)
        var harness = PoolHarness(configuration)
        for index in 0..<count {
            _ = harness.lease("r\(index)")
        }
        #expect(harness.counts == Counts(connecting: count, waiting: count))
        for index in 0..<count {
            let id = conn(UInt64(index))
            #expect(harness.established(id) == [.lease(id, to: "r\(index)")])
        }
        for index in 0..<count {
            #expect(harness.release(conn(UInt64(index))) == [])
            harness.advance(by: spacing)
        }
        #expect(harness.counts == Counts(idle: count))
        return harness
    }

    @Test(
        "idle timeout closes the least recently used idle connections but keeps minIdleConnections",
        arguments: [
            (minIdle: 0, closed: [conn(0), conn(1), conn(2)]),
            (minIdle: 1, closed: [conn(0), conn(1)]),
            (minIdle: 2, closed: [conn(0)]),
            (minIdle: 3, closed: []),
        ]
    )
    func idleTimeoutKeepsMinIdle(minIdle: Int, closed: [PoolConnectionID]) {
        let configuration = testConfiguration(maxConnections: 3, minIdleConnections: minIdle, idleTimeout: .seconds(60))
        var harness = poolWithIdleConnections(3, configuration: configuration)
        // conn 0 has now been idle 3 s, conn 2 for 1 s.
        #expect(harness.tick(after: .seconds(56)) == [])
        #expect(harness.tick(after: .seconds(10)) == closed.map { .closeConnection($0) })
        #expect(harness.counts == Counts(idle: 3 - closed.count))
    }

    @Test("only connections idle past the timeout are closed")
    func idleTimeoutClosesOnlyExpired() {
        let configuration = testConfiguration(maxConnections: 3, idleTimeout: .seconds(60))
        var harness = poolWithIdleConnections(3, configuration: configuration, spacing: .seconds(20))
        // Released at t, t+20, t+40; now t+60.
        #expect(harness.tick() == [.closeConnection(conn(0))])
        #expect(harness.tick(after: .seconds(20)) == [.closeConnection(conn(1))])
    }

    @Test("a zero idleTimeout keeps idle connections forever")
    func idleTimeoutDisabled() {
        let configuration = testConfiguration(maxConnections: 2, idleTimeout: .zero, maxLifetime: .zero)
        var harness = poolWithIdleConnections(2, configuration: configuration)
        #expect(harness.tick(after: .seconds(1_000_000)) == [])
        #expect(harness.counts == Counts(idle: 2))
    }

    @Test("the first tick opens minIdleConnections warm connections, which then stay idle", arguments: [0, 1, 3])
    func minIdleWarmUp(minIdle: Int) {
        var harness = PoolHarness(testConfiguration(maxConnections: 3, minIdleConnections: minIdle))
        let expected: [PoolAction] = (0..<minIdle).map { .createConnection(conn(UInt64($0))) }
        #expect(harness.tick() == expected)
        for index in 0..<minIdle {
            #expect(harness.established(conn(UInt64(index))) == [])
        }
        #expect(harness.counts == Counts(idle: minIdle))
        #expect(harness.tick() == [])
    }

    @Test("leasing a warm connection opens a new spare one to keep minIdleConnections idle")
    func minIdleRefillOnLease() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3, minIdleConnections: 1))
        _ = harness.tick()
        _ = harness.established(conn(0))
        #expect(harness.lease("a") == [.lease(conn(0), to: "a"), .createConnection(conn(1))])
    }

    @Test("a closed idle connection is replaced to keep minIdleConnections")
    func minIdleRefillOnClose() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3, minIdleConnections: 1))
        _ = harness.tick()
        _ = harness.established(conn(0))
        #expect(harness.closed(conn(0)) == [.createConnection(conn(1))])
    }

    @Test(
        "released connections beyond maxIdleConnections are closed",
        arguments: [
            (maxIdle: 0, closedOnRelease: [true, true, true]),
            (maxIdle: 1, closedOnRelease: [false, true, true]),
            (maxIdle: 2, closedOnRelease: [false, false, true]),
            (maxIdle: 3, closedOnRelease: [false, false, false]),
        ]
    )
    func maxIdle(maxIdle: Int, closedOnRelease: [Bool]) {
        var harness = PoolHarness(testConfiguration(maxConnections: 3, maxIdleConnections: maxIdle))
        for index in 0..<3 {
            harness.leaseNewConnection("r\(index)", expected: conn(UInt64(index)))
        }
        for (index, closed) in closedOnRelease.enumerated() {
            let id = conn(UInt64(index))
            #expect(harness.release(id) == (closed ? [.closeConnection(id)] : []))
        }
        #expect(harness.counts == Counts(idle: closedOnRelease.filter { !$0 }.count))
    }

    @Test("a connection past maxLifetime is closed when released instead of reused")
    func lifetimeOnRelease() {
        var harness = PoolHarness(testConfiguration(maxConnections: 1, maxLifetime: .seconds(3600), waitTimeout: .zero))
        harness.leaseNewConnection("a", expected: conn(0))
        harness.advance(by: .seconds(3599))
        #expect(harness.release(conn(0)) == [])
        #expect(harness.lease("b") == [.lease(conn(0), to: "b")])
        _ = harness.lease("c")
        harness.advance(by: .seconds(1))
        // Too old: closed, and a fresh connection is opened for the waiter.
        #expect(harness.release(conn(0)) == [.closeConnection(conn(0)), .createConnection(conn(1))])
        #expect(harness.established(conn(1)) == [.lease(conn(1), to: "c")])
    }

    @Test("an idle connection past maxLifetime is closed on tick (even below minIdle) and replaced")
    func lifetimeWhileIdle() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2, minIdleConnections: 1, idleTimeout: .zero, maxLifetime: .seconds(100)))
        #expect(harness.tick() == [.createConnection(conn(0))])
        _ = harness.established(conn(0))
        #expect(harness.pool.nextDeadline == harness.now + .seconds(100))
        #expect(harness.tick(after: .seconds(99)) == [])
        #expect(harness.tick(after: .seconds(1)) == [.closeConnection(conn(0)), .createConnection(conn(1))])
    }

    @Test("a lease never gets an idle connection that is past maxLifetime")
    func leaseSkipsExpiredIdle() {
        var harness = PoolHarness(testConfiguration(maxConnections: 2, maxLifetime: .seconds(100)))
        harness.leaseNewConnection("a", expected: conn(0))
        _ = harness.release(conn(0))
        harness.advance(by: .seconds(100))
        #expect(harness.lease("b") == [.closeConnection(conn(0)), .createConnection(conn(1))])
    }
}
