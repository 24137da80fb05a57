import Pooling
import Testing

/// The pool type under test: requests are named by short strings ("a", "b", ...).
typealias TestPool = PoolStateMachine<String>

/// One action of the pool under test.
typealias PoolAction = TestPool.Action

/// Shorthand for the n-th connection ID the pool hands out (IDs count up from 0 by documented contract).
func conn(_ number: UInt64) -> PoolConnectionID {
    PoolConnectionID(number)
}

/// A configuration with every limit set to a distinct, easy-to-recognise value; tests change what they need.
func testConfiguration(
    maxConnections: Int = 2,
    minIdleConnections: Int = 0,
    maxIdleConnections: Int? = nil,
    idleTimeout: Duration = .seconds(60),
    maxLifetime: Duration = .seconds(3600),
    waitTimeout: Duration = .seconds(10),
    connectTimeout: Duration = .seconds(5),
    connectRetryDelay: Duration = .seconds(2)
) -> PoolConfiguration {
    PoolConfiguration(
        maxConnections: maxConnections,
        minIdleConnections: minIdleConnections,
        maxIdleConnections: maxIdleConnections,
        idleTimeout: idleTimeout,
        maxLifetime: maxLifetime,
        waitTimeout: waitTimeout,
        connectTimeout: connectTimeout,
        connectRetryDelay: connectRetryDelay
    )
}

/// A pool plus a mock clock. Every call passes the clock's current instant and checks every invariant
/// afterwards, so each step of each scenario is verified.
struct PoolHarness {
    /// The pool under test.
    var pool: TestPool
    /// The mock clock's current instant; starts at 1000 s so "before start" is representable.
    var now = PoolInstant(nanoseconds: 1_000_000_000_000)

    /// Creates a pool with `configuration`.
    init(_ configuration: PoolConfiguration = testConfiguration()) {
        pool = TestPool(configuration: configuration)
    }

    /// Moves the mock clock forward.
    mutating func advance(by duration: Duration) {
        now = now + duration
    }

    /// `leaseRequested` at the current instant.
    mutating func lease(_ request: String, sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.leaseRequested(request, now: now)
        check(sourceLocation)
        return actions
    }

    /// `requestCancelled` at the current instant.
    mutating func cancel(_ request: String, sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.requestCancelled(request, now: now)
        check(sourceLocation)
        return actions
    }

    /// `connectionEstablished` at the current instant.
    mutating func established(_ id: PoolConnectionID, sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.connectionEstablished(id, now: now)
        check(sourceLocation)
        return actions
    }

    /// `connectionFailed` at the current instant.
    mutating func failed(_ id: PoolConnectionID, _ reason: String = "connection refused", sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.connectionFailed(id, reason: reason, now: now)
        check(sourceLocation)
        return actions
    }

    /// `connectionReleased` at the current instant.
    mutating func release(_ id: PoolConnectionID, reusable: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.connectionReleased(id, reusable: reusable, now: now)
        check(sourceLocation)
        return actions
    }

    /// `connectionClosed` at the current instant.
    mutating func closed(_ id: PoolConnectionID, sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.connectionClosed(id, now: now)
        check(sourceLocation)
        return actions
    }

    /// `tick` at the current instant.
    mutating func tick(sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.tick(now: now)
        check(sourceLocation)
        return actions
    }

    /// Moves the clock forward, then ticks.
    mutating func tick(after duration: Duration, sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        advance(by: duration)
        return tick(sourceLocation: sourceLocation)
    }

    /// `shutdown` at the current instant.
    mutating func shutdown(sourceLocation: SourceLocation = #_sourceLocation) -> [PoolAction] {
        let actions = pool.shutdown(now: now)
        check(sourceLocation)
        return actions
    }

    /// Leases `request` on a brand-new connection: expects the pool to ask for connection `expected`,
    /// establishes it and expects the lease. Returns the connection.
    @discardableResult
    mutating func leaseNewConnection(_ request: String, expected: PoolConnectionID, sourceLocation: SourceLocation = #_sourceLocation) -> PoolConnectionID {
        #expect(lease(request) == [.createConnection(expected)], sourceLocation: sourceLocation)
        #expect(established(expected) == [.lease(expected, to: request)], sourceLocation: sourceLocation)
        return expected
    }

    /// The pool's counts as (idle, leased, connecting, waiting), for compact expectations.
    var counts: Counts {
        let snapshot = pool.snapshot
        return Counts(
            idle: snapshot.idleConnections,
            leased: snapshot.leasedConnections,
            connecting: snapshot.connectingConnections,
            waiting: snapshot.waitingRequests
        )
    }

    /// Fails the current test if any pool invariant is broken.
    private func check(_ sourceLocation: SourceLocation) {
        #expect(pool.invariantViolations() == [], sourceLocation: sourceLocation)
    }
}

/// The four counts of a pool snapshot, compared as one value.
struct Counts: Equatable, CustomStringConvertible {
    /// Idle connections.
    var idle = 0
    /// Leased connections.
    var leased = 0
    /// Connection attempts in flight.
    var connecting = 0
    /// Waiting requests.
    var waiting = 0

    /// `idle/leased/connecting/waiting`, for failure messages.
    var description: String { "idle \(idle) leased \(leased) connecting \(connecting) waiting \(waiting)" }
}
