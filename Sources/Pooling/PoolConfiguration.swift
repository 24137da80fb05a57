/// The limits and timeouts of one pool (the server connections for one server address, user and database).
///
/// Any duration that is zero or negative disables that limit ("never time out"), like `0` in the matching
/// pgbouncer settings. Out-of-range counts are clamped rather than rejected, because the `Config` target
/// already reports invalid values to the operator; see ``PoolStateMachine/effectiveLimits`` for the values
/// the pool really uses.
public struct PoolConfiguration: Sendable, Equatable {
    /// The most server connections this pool may have at once, counting connecting, idle and leased ones
    /// (pgbouncer `default_pool_size`). Values below 1 are treated as 1.
    public var maxConnections: Int
    /// The pool keeps at least this many idle (warm) connections ready, opening new ones when needed and
    /// not closing idle ones below this count for being idle too long (pgbouncer `min_pool_size` counts all
    /// connections; this counts spare idle ones, as HikariCP's `minimumIdle` does). Clamped to
    /// `0...maxConnections`.
    public var minIdleConnections: Int
    /// Idle connections beyond this count are closed instead of being kept when they are released.
    /// Clamped to `minIdleConnections...maxConnections`.
    public var maxIdleConnections: Int
    /// An idle connection unused for longer than this is closed, unless that would leave fewer than
    /// `minIdleConnections` idle connections (pgbouncer `server_idle_timeout`).
    public var idleTimeout: Duration
    /// A connection older than this (counted from when it was established) is closed when it is released
    /// or found idle, instead of being reused (pgbouncer `server_lifetime`).
    public var maxLifetime: Duration
    /// A request waiting for a connection longer than this fails with ``PoolError/waitTimeout``
    /// (pgbouncer `query_wait_timeout`).
    public var waitTimeout: Duration
    /// A connection attempt (TCP, TLS, startup and authentication) taking longer than this is abandoned with
    /// ``PoolError/connectTimeout`` (pgbouncer `server_connect_timeout`).
    public var connectTimeout: Duration
    /// Extra connections the pool may open, beyond ``maxConnections``, once the longest-waiting request has
    /// waited ``reserveTimeout`` (pgbouncer `reserve_pool_size`). They are closed when released instead of
    /// being kept idle. Values below 0 are treated as 0.
    public var reserveConnections: Int = 0
    /// How long the oldest request must wait before the reserve may be used (pgbouncer
    /// `reserve_pool_timeout`). Zero or negative: at once.
    public var reserveTimeout: Duration = .seconds(5)
    /// After a failed connection attempt the pool opens no new connection for this long (pgbouncer
    /// `server_login_retry`). During this time a request that finds the pool with no connection at all fails
    /// at once with the last connection error instead of waiting.
    public var connectRetryDelay: Duration

    /// Creates a configuration; the defaults are pgbouncer's defaults.
    public init(
        maxConnections: Int = 20,
        minIdleConnections: Int = 0,
        maxIdleConnections: Int? = nil,
        idleTimeout: Duration = .seconds(600),
        maxLifetime: Duration = .seconds(3600),
        waitTimeout: Duration = .seconds(120),
        connectTimeout: Duration = .seconds(15),
        connectRetryDelay: Duration = .seconds(15)
    ) {
        self.maxConnections = maxConnections
        self.minIdleConnections = minIdleConnections
        self.maxIdleConnections = maxIdleConnections ?? maxConnections
        self.idleTimeout = idleTimeout
        self.maxLifetime = maxLifetime
        self.waitTimeout = waitTimeout
        self.connectTimeout = connectTimeout
        self.connectRetryDelay = connectRetryDelay
    }
}

/// The limits a pool really enforces: ``PoolConfiguration`` with counts clamped into a consistent range and
/// disabled (non-positive) durations turned into `nil`.
public struct PoolEffectiveLimits: Sendable, Equatable {
    /// At least 1.
    public let maxConnections: Int
    /// In `0...maxConnections`.
    public let minIdleConnections: Int
    /// In `minIdleConnections...maxConnections`.
    public let maxIdleConnections: Int
    /// `nil` means idle connections never time out.
    public let idleTimeout: Duration?
    /// `nil` means connections live forever.
    public let maxLifetime: Duration?
    /// `nil` means requests wait forever.
    public let waitTimeout: Duration?
    /// `nil` means connection attempts never time out.
    public let connectTimeout: Duration?
    /// `nil` means no pause after a failed connection attempt.
    public let connectRetryDelay: Duration?
    /// At least 0.
    public let reserveConnections: Int
    /// Zero when the reserve is available at once.
    public let reserveTimeout: Duration

    /// Clamps `configuration` into effective limits.
    public init(_ configuration: PoolConfiguration) {
        let maxConnections = max(1, configuration.maxConnections)
        let minIdle = min(max(0, configuration.minIdleConnections), maxConnections)
        self.maxConnections = maxConnections
        self.minIdleConnections = minIdle
        self.maxIdleConnections = min(max(configuration.maxIdleConnections, minIdle), maxConnections)
        self.idleTimeout = configuration.idleTimeout.positiveOrNil
        self.maxLifetime = configuration.maxLifetime.positiveOrNil
        self.waitTimeout = configuration.waitTimeout.positiveOrNil
        self.connectTimeout = configuration.connectTimeout.positiveOrNil
        self.connectRetryDelay = configuration.connectRetryDelay.positiveOrNil
        self.reserveConnections = max(0, configuration.reserveConnections)
        self.reserveTimeout = configuration.reserveTimeout.positiveOrNil ?? .zero
    }
}
