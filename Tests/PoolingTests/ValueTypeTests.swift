import Pooling
import Testing

@Suite("PoolInstant, configuration clamping and errors")
struct ValueTypeTests {
    @Test(
        "instant plus duration",
        arguments: [
            (start: UInt64(10), duration: Duration.nanoseconds(5), expected: UInt64(15)),
            (start: 10, duration: .seconds(2), expected: 2_000_000_010),
            (start: 10, duration: .milliseconds(1_500), expected: 1_500_000_010),
            (start: 10, duration: .nanoseconds(-4), expected: 6),
            (start: 10, duration: .nanoseconds(-40), expected: 0),
            (start: 2_000_000_000, duration: .milliseconds(-1_500), expected: 500_000_000),
            (start: UInt64.max - 1, duration: .seconds(1), expected: UInt64.max),
            (start: 5, duration: .seconds(Int64.max), expected: UInt64.max),
            (start: 5, duration: .zero, expected: 5),
        ]
    )
    func addition(start: UInt64, duration: Duration, expected: UInt64) {
        #expect((PoolInstant(nanoseconds: start) + duration).nanoseconds == expected)
    }

    @Test("instant minus instant")
    func subtraction() {
        let early = PoolInstant(nanoseconds: 1_000)
        let late = PoolInstant(nanoseconds: 3_500_001_000)
        #expect(late - early == .milliseconds(3_500))
        #expect(early - late == .milliseconds(-3_500))
        #expect(PoolInstant(nanoseconds: UInt64.max) - .zero == .nanoseconds(Int64.max))
    }

    @Test("instants order by time and print as seconds")
    func ordering() {
        #expect(PoolInstant(nanoseconds: 1) < PoolInstant(nanoseconds: 2))
        #expect(!(PoolInstant(nanoseconds: 2) < PoolInstant(nanoseconds: 2)))
        #expect(PoolInstant(nanoseconds: 1_000_000_123).description == "1.000000123s")
    }

    @Test(
        "counts are clamped into a consistent range",
        arguments: [
            (max: 10, minIdle: 2, maxIdle: 5, expected: [10, 2, 5]),
            (max: 0, minIdle: 0, maxIdle: 0, expected: [1, 0, 0]),
            (max: -3, minIdle: 5, maxIdle: 9, expected: [1, 1, 1]),
            (max: 4, minIdle: 6, maxIdle: 2, expected: [4, 4, 4]),
            (max: 4, minIdle: -1, maxIdle: -1, expected: [4, 0, 0]),
            (max: 4, minIdle: 3, maxIdle: 1, expected: [4, 3, 3]),
        ]
    )
    func clamping(max: Int, minIdle: Int, maxIdle: Int, expected: [Int]) {
        let limits = PoolEffectiveLimits(
            testConfiguration(maxConnections: max, minIdleConnections: minIdle, maxIdleConnections: maxIdle)
        )
        #expect([limits.maxConnections, limits.minIdleConnections, limits.maxIdleConnections] == expected)
    }

    @Test("zero and negative durations disable a limit")
    func disabledDurations() {
        let limits = PoolEffectiveLimits(
            testConfiguration(idleTimeout: .zero, maxLifetime: .seconds(-1), waitTimeout: .milliseconds(1), connectTimeout: .zero, connectRetryDelay: .nanoseconds(-5))
        )
        #expect(limits.idleTimeout == nil)
        #expect(limits.maxLifetime == nil)
        #expect(limits.waitTimeout == .milliseconds(1))
        #expect(limits.connectTimeout == nil)
        #expect(limits.connectRetryDelay == nil)
    }

    @Test("maxIdleConnections defaults to maxConnections")
    func defaultMaxIdle() {
        #expect(PoolConfiguration(maxConnections: 7).maxIdleConnections == 7)
    }

    @Test(
        "every error has a message and a five-character SQLSTATE",
        arguments: [
            (PoolError.waitTimeout, "53300"),
            (.connectFailed("connection refused"), "08006"),
            (.connectTimeout, "08006"),
            (.poolShuttingDown, "57P01"),
            (.requestCancelled, "57014"),
        ]
    )
    func errors(error: PoolError, sqlState: String) {
        #expect(error.sqlState == sqlState)
        #expect(!error.message.isEmpty)
        #expect(error.description == error.message)
    }

    @Test("a connect failure message carries the reason")
    func connectFailedMessage() {
        #expect(PoolError.connectFailed("password authentication failed for user \"app\"").message
            == "could not connect to the database server: password authentication failed for user \"app\"")
    }
}
