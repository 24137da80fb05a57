/// Counts describing one pool at one moment, for stats, metrics and the admin console (pgbouncer
/// `SHOW POOLS`: `sv_idle`, `sv_active`, `sv_login`, `cl_waiting`, `maxwait`). A plain value: read it, do not
/// keep it.
public struct PoolSnapshot: Sendable, Equatable {
    /// Established connections nobody is using (pgbouncer `sv_idle`).
    public var idleConnections: Int
    /// Connections lent to a request (pgbouncer `sv_active`).
    public var leasedConnections: Int
    /// Connection attempts in flight (pgbouncer `sv_login`).
    public var connectingConnections: Int
    /// Requests queued for a connection (pgbouncer `cl_waiting`).
    public var waitingRequests: Int
    /// When the longest-waiting request started to wait; `nil` when nobody waits.
    public var oldestWaitStartedAt: PoolInstant?
    /// `true` once ``PoolStateMachine/shutdown(now:)`` was called.
    public var isShuttingDown: Bool

    /// Creates a snapshot from its counts.
    public init(
        idleConnections: Int,
        leasedConnections: Int,
        connectingConnections: Int,
        waitingRequests: Int,
        oldestWaitStartedAt: PoolInstant?,
        isShuttingDown: Bool
    ) {
        self.idleConnections = idleConnections
        self.leasedConnections = leasedConnections
        self.connectingConnections = connectingConnections
        self.waitingRequests = waitingRequests
        self.oldestWaitStartedAt = oldestWaitStartedAt
        self.isShuttingDown = isShuttingDown
    }

    /// Connecting + idle + leased: every server connection the pool counts against its size.
    public var totalConnections: Int {
        idleConnections + leasedConnections + connectingConnections
    }

    /// `true` when the pool is shutting down and its last connection is gone, so it can be dropped.
    public var isDrained: Bool {
        isShuttingDown && totalConnections == 0
    }

    /// How long the longest-waiting request has waited at `now` (pgbouncer `maxwait`); zero when nobody waits.
    public func longestWait(now: PoolInstant) -> Duration {
        guard let oldestWaitStartedAt else {
            return .zero
        }
        return max(.zero, now - oldestWaitStartedAt)
    }
}
