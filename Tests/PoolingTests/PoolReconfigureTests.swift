import Pooling
import Testing

extension PoolHarness {
    /// `reconfigure` at the current instant, checking every invariant afterwards.
    mutating func reconfigure(_ configuration: PoolConfiguration, sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.reconfigure(configuration, now: now)
        #expect(pool.invariantViolations() == [], sourceLocation: sourceLocation)
        #expect(pool.configuration == configuration, sourceLocation: sourceLocation)
        #expect(pool.effectiveLimits == PoolEffectiveLimits(configuration), sourceLocation: sourceLocation)
        return actions
    }
}

/// RELOAD of a running pool: new limits without dropping anyone (invariants checked after every step).
@Suite("Reconfigure (RELOAD)")
struct PoolReconfigureTests {
    /// A pool of `size` with every connection leased ("r0", "r1", ...) and `waiters` more requests waiting.
    func fullPool(size: Int, waiters: [String] = []) -> PoolHarness {
        var harness = PoolHarness(testConfiguration(maxConnections: size))
        for index in 0..<size {
            harness.leaseNewConnection("r\(index)", expected: conn(UInt64(index)))
        }
        for request in waiters {
            #expect(harness.lease(request) == [])
        }
        return harness
    }

    @Test("growing opens connections for the waiting requests at once, and they are served")
    func growServesWaiters() {
        var harness = fullPool(size: 2, waiters: ["c", "d", "e"])
        #expect(harness.reconfigure(testConfiguration(maxConnections: 4)) == [.createConnection(conn(2)), .createConnection(conn(3))])
        #expect(harness.established(conn(2)) == [.lease(conn(2), to: "c")])
        #expect(harness.established(conn(3)) == [.lease(conn(3), to: "d")])
        #expect(harness.counts == Counts(leased: 4, waiting: 1))
        #expect(harness.release(conn(0)) == [.lease(conn(0), to: "e")])
    }

    @Test("shrinking closes surplus idle connections at once, least recently used first, down to max and maxIdle",
          arguments: [(max: 1, maxIdle: nil as Int?, closed: [0, 1]), (max: 3, maxIdle: 1, closed: [0, 1]), (max: 2, maxIdle: 2, closed: [0])])
    func shrinkIdle(max: Int, maxIdle: Int?, closed: [UInt64]) {
        var harness = fullPool(size: 3)
        for index in 0..<3 {
            #expect(harness.release(conn(UInt64(index))) == [])
            harness.advance(by: .seconds(1))
        }
        let expected: [PoolAction] = closed.map { .closeConnection(conn($0)) }
        #expect(harness.reconfigure(testConfiguration(maxConnections: max, maxIdleConnections: maxIdle)) == expected)
        #expect(harness.counts == Counts(idle: 3 - closed.count))
    }

    @Test("shrinking with everything leased closes nothing; releases close until the new size, then keep")
    func shrinkAllLeased() {
        var harness = fullPool(size: 4)
        #expect(harness.reconfigure(testConfiguration(maxConnections: 2)) == [])
        #expect(harness.counts == Counts(leased: 4))
        #expect(harness.release(conn(2)) == [.closeConnection(conn(2))])
        #expect(harness.release(conn(0)) == [.closeConnection(conn(0))])
        // At the new size: the next releases keep their connections.
        #expect(harness.release(conn(3)) == [])
        #expect(harness.release(conn(1)) == [])
        #expect(harness.counts == Counts(idle: 2))
        // And the pool never grows past the new size again.
        #expect(harness.lease("x") == [.lease(conn(1), to: "x")])
        #expect(harness.lease("y") == [.lease(conn(3), to: "y")])
        #expect(harness.lease("z") == [])
        #expect(harness.counts == Counts(leased: 2, waiting: 1))
    }

    @Test("under load a shrink still converges: an over-limit release closes even though requests wait")
    func shrinkWithWaiters() {
        var harness = fullPool(size: 3, waiters: ["c", "d"])
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1)) == [])
        #expect(harness.release(conn(0)) == [.closeConnection(conn(0))])
        #expect(harness.release(conn(1)) == [.closeConnection(conn(1))])
        // Now at the new size: released connections serve the waiters, first in first out.
        #expect(harness.release(conn(2)) == [.lease(conn(2), to: "c")])
        #expect(harness.release(conn(2)) == [.lease(conn(2), to: "d")])
        #expect(harness.counts == Counts(leased: 1))
    }

    @Test("shrink then grow again: the allowance is dropped and waiters get new connections")
    func shrinkThenGrow() {
        var harness = fullPool(size: 3, waiters: ["c"])
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1)) == [])
        #expect(harness.release(conn(0)) == [.closeConnection(conn(0))])
        #expect(harness.counts == Counts(leased: 2, waiting: 1))
        #expect(harness.reconfigure(testConfiguration(maxConnections: 4)) == [.createConnection(conn(3))])
        #expect(harness.established(conn(3)) == [.lease(conn(3), to: "c")])
        // Within the limit again: releases keep connections.
        #expect(harness.release(conn(1)) == [])
        #expect(harness.counts == Counts(idle: 1, leased: 2))
        // Shrinking once more: idle surplus goes at once, the rest on release.
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1)) == [.closeConnection(conn(1))])
        #expect(harness.release(conn(2)) == [.closeConnection(conn(2))])
        #expect(harness.release(conn(3)) == [])
        #expect(harness.counts == Counts(idle: 1))
    }

    @Test("reconfigure while connections are connecting: attempts are kept and serve their requests")
    func whileConnecting() {
        var harness = PoolHarness(testConfiguration(maxConnections: 3))
        #expect(harness.lease("a") == [.createConnection(conn(0))])
        #expect(harness.lease("b") == [.createConnection(conn(1))])
        #expect(harness.lease("c") == [.createConnection(conn(2))])
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1)) == [])
        #expect(harness.counts == Counts(connecting: 3, waiting: 3))
        #expect(harness.established(conn(0)) == [.lease(conn(0), to: "a")])
        #expect(harness.established(conn(1)) == [.lease(conn(1), to: "b")])
        #expect(harness.established(conn(2)) == [.lease(conn(2), to: "c")])
        #expect(harness.release(conn(0)) == [.closeConnection(conn(0))])
        #expect(harness.release(conn(1)) == [.closeConnection(conn(1))])
        #expect(harness.release(conn(2)) == [])
        // Growing while attempts are in flight opens only what the waiters still need.
        #expect(harness.lease("d") == [.lease(conn(2), to: "d")])
        #expect(harness.lease("e") == [])
        #expect(harness.reconfigure(testConfiguration(maxConnections: 3)) == [.createConnection(conn(3))])
        #expect(harness.lease("f") == [.createConnection(conn(4))])
        #expect(harness.reconfigure(testConfiguration(maxConnections: 3)) == [])
        #expect(harness.counts == Counts(leased: 1, connecting: 2, waiting: 2))
    }

    @Test("raising minIdleConnections opens warm connections at once")
    func minIdleRaised() {
        var harness = PoolHarness(testConfiguration(maxConnections: 4))
        #expect(harness.reconfigure(testConfiguration(maxConnections: 4, minIdleConnections: 2)) == [.createConnection(conn(0)), .createConnection(conn(1))])
        #expect(harness.established(conn(0)) == [])
        #expect(harness.established(conn(1)) == [])
        #expect(harness.counts == Counts(idle: 2))
    }

    @Test("changed timeouts take effect from the next tick")
    func timeoutsChange() {
        var harness = fullPool(size: 1, waiters: ["w"])
        #expect(harness.lease("a") == [])  // queued behind "w"
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1, waitTimeout: .seconds(1))) == [])
        #expect(harness.tick(after: .milliseconds(999)) == [])
        #expect(harness.tick(after: .milliseconds(1)) == [.failRequest("w", .waitTimeout), .failRequest("a", .waitTimeout)])

        // Idle timeout shortened, lifetime shortened.
        _ = harness.release(conn(0))
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1, idleTimeout: .seconds(5))) == [])
        #expect(harness.tick(after: .seconds(5)) == [.closeConnection(conn(0))])
        harness.leaseNewConnection("b", expected: conn(1))
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1, maxLifetime: .seconds(2))) == [])
        harness.advance(by: .seconds(2))
        #expect(harness.release(conn(1)) == [.closeConnection(conn(1))])

        // Connect timeout shortened: an attempt in flight is abandoned at the new limit.
        #expect(harness.lease("c") == [.createConnection(conn(2))])
        #expect(harness.reconfigure(testConfiguration(maxConnections: 1, connectTimeout: .seconds(1))) == [])
        #expect(harness.tick(after: .seconds(1)) == [.closeConnection(conn(2)), .failRequest("c", .connectTimeout)])
    }

    @Test("reserve settings changed take effect: a new reserve opens after the new reserve timeout")
    func reserveChange() {
        var harness = fullPool(size: 1, waiters: ["w"])
        var configuration = testConfiguration(maxConnections: 1)
        configuration.reserveConnections = 1
        configuration.reserveTimeout = .seconds(1)
        #expect(harness.reconfigure(configuration) == [])
        #expect(harness.tick(after: .milliseconds(999)) == [])
        #expect(harness.tick(after: .milliseconds(1)) == [.createConnection(conn(1))])
        #expect(harness.established(conn(1)) == [.lease(conn(1), to: "w")])
    }
}
