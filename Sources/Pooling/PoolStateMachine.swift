/// The pure state machine of one pool: the server connections for one (server address, user, database).
///
/// It does no I/O and reads no clock. The I/O layer feeds it events (a client wants a connection, a
/// connection attempt finished, a client is done with its connection, a socket died, time passed) together
/// with the current ``PoolInstant``, and performs the returned ``Action``s in order. Actions carry IDs, so they
/// are `Equatable` and tests compare them directly.
///
/// **Rules it keeps** (checked by ``verifyInvariants()`` after every state change in debug builds):
/// - connecting + idle + leased never exceeds ``PoolEffectiveLimits/maxConnections`` plus
///   ``PoolEffectiveLimits/reserveConnections`` (the reserve opens only after a request waited
///   ``PoolConfiguration/reserveTimeout``; connections beyond the maximum close when released), except
///   just after ``reconfigure(_:now:)`` shrank the pool under leased connections: then at most
///   ``overLimitAllowance``, which only goes down as the excess closes on release and is 0 again once the
///   count is back within the limit;
/// - every connection is in exactly one state: connecting, idle or leased (``ConnectionState``);
/// - a connection is leased to at most one request at a time;
/// - requests are served first in, first out; a request never waits while an idle connection exists;
/// - idle connections never exceed ``PoolEffectiveLimits/maxIdleConnections``;
/// - once shutting down, nothing is idle, connecting or waiting.
///
/// **Connection IDs** are assigned by the state machine (see ``PoolConnectionID``): it emits
/// ``Action/createConnection(_:)`` with a fresh ID, and the I/O layer reports on that ID.
///
/// **Time** is tick-based: the I/O layer calls ``tick(now:)`` either periodically (pgbouncer runs its janitor
/// a few times a second) or at ``nextDeadline``; both are correct and ``tick(now:)`` is cheap when nothing is
/// due. There is no timer action. Call ``tick(now:)`` once after creating the pool to open the
/// ``PoolConfiguration/minIdleConnections`` warm connections.
///
/// **Forgetting on close**: when the pool emits ``Action/closeConnection(_:)`` it forgets the connection at
/// once (its slot is free again). The I/O layer must close or abandon whatever it has for that ID; later
/// events for the ID are ignored, except ``connectionEstablished(_:now:)``, which answers with
/// ``Action/closeConnection(_:)`` again so that a late-finishing attempt is never leaked.
///
/// **Specialization**: the public events carry `@_specialize(exported: true, where RequestID == Int)`, so the
/// I/O layer (which uses `Int` request IDs) calls specialized code across the module boundary instead of
/// generic code with metadata lookups (seen at about 6% of pgring's CPU in transaction-mode profiles).
///
/// Designed after postgres-nio's `PoolStateMachine` (ConnectionPoolModule) and pgbouncer's
/// `change_client_state`/`change_server_state` choke points, but much simpler: one connection serves one
/// request at a time (no multiplexed streams) and there are no keep-alives.
public struct PoolStateMachine<RequestID: Hashable & Sendable>: Sendable {
    /// The pool's connection IDs; assigned by the state machine.
    public typealias ConnectionID = PoolConnectionID

    /// Something the I/O layer must do. Perform the actions of one call in the order given.
    public enum Action: Equatable, Sendable {
        /// Open a new server connection with this ID (TCP, TLS, startup, authentication), then report
        /// ``PoolStateMachine/connectionEstablished(_:now:)`` when it is ready for queries or
        /// ``PoolStateMachine/connectionFailed(_:reason:now:)`` when it is not. The connection already counts
        /// against the pool size.
        case createConnection(PoolConnectionID)
        /// Give this connection to this request. It is now the request's until the I/O layer reports
        /// ``PoolStateMachine/connectionReleased(_:reusable:now:)`` or
        /// ``PoolStateMachine/connectionClosed(_:now:)``.
        case lease(PoolConnectionID, to: RequestID)
        /// This request will get no connection; answer its client with the error (an ErrorResponse built
        /// from ``PoolError/message`` and ``PoolError/sqlState``). The pool has forgotten the request.
        case failRequest(RequestID, PoolError)
        /// Close this server connection (send Terminate and close the socket), or abandon the attempt if it
        /// is still connecting. The pool has already forgotten it.
        case closeConnection(PoolConnectionID)
    }

    /// What the last failed connection attempt said, and when.
    struct ConnectFailure: Sendable, Equatable {
        /// When the attempt failed.
        var at: PoolInstant
        /// The error waiting requests get if nothing else can serve them.
        var error: PoolError
    }

    /// The configuration the pool runs with, as given (changed by ``reconfigure(_:now:)``).
    public internal(set) var configuration: PoolConfiguration
    /// The limits the pool enforces (``configuration`` clamped).
    public internal(set) var effectiveLimits: PoolEffectiveLimits
    /// After a reconfiguration to fewer connections: how many connections the pool may still count although
    /// that is above ``hardCeiling`` (leased connections are never taken away). Set by
    /// ``reconfigure(_:now:)`` to the count it found; lowered to the count at every close; back to 0 as soon
    /// as the count is within ``hardCeiling``, so from then on the ceiling holds strictly again. Never raised
    /// by anything but a reconfiguration, and nothing ever opens a connection while above ``hardCeiling``.
    var overLimitAllowance = 0

    /// Every connection the pool counts, by ID. Changed only through `changeState(of:to:)`.
    var connections: [PoolConnectionID: ConnectionState] = [:]
    /// Every connection the pool counts, with its state (for the admin console's SHOW SERVERS).
    public var connectionStates: [PoolConnectionID: ConnectionState] { connections }
    /// The idle connections, least recently used first. Leasing takes from the end (LIFO keeps a small hot
    /// set and lets the rest time out, like pgbouncer's default `server_round_robin = 0`); idle timeout
    /// closes from the front.
    var idleConnections: [PoolConnectionID] = []
    /// How many entries of `connections` are connecting.
    var connectingCount = 0
    /// How many entries of `connections` are leased.
    var leasedCount = 0
    /// Requests waiting for a connection, first in first out.
    var waiting = WaitingQueue<RequestID>()
    /// The latest wait start given to a request, so that queue order and wait-start order always agree
    /// even if `now` ever steps back.
    var latestWaitStart = PoolInstant.zero
    /// The sequence number of the next connection ID.
    var nextConnectionNumber: UInt64 = 0
    /// The last failed connection attempt, until a connection is established again.
    var lastConnectFailure: ConnectFailure?
    /// Set by ``shutdown(now:)``; never cleared.
    var isShuttingDown = false
    /// True while a request has waited ``PoolConfiguration/reserveTimeout`` and the reserve is open.
    var isReserveOpen = false
    /// Affinity tags (e.g. the event loop) of connections and waiting requests that have one.
    var connectionAffinity: [PoolConnectionID: Int] = [:]
    var requestAffinity: [RequestID: Int] = [:]
    /// Requests waiting for an attempt opened for them alone (`leaseRequested(_:affinity:strictAffinity:now:)`:
    /// the idle connections had another affinity), by that attempt. Not in `waiting`: the attempt's connection
    /// goes to its request, and if the attempt fails the request takes an idle connection or queues.
    var dedicatedAttempts: [PoolConnectionID: RequestID] = [:]
    /// How many of the longest-waiting requests a released connection looks at for one with its affinity.
    static var affinityWindow: Int { 64 }
    /// A request with the connection's affinity may go before the longest-waiting one only while that one
    /// has waited less than this; after that, strictly first in first out.
    static var affinityPatience: Duration { .milliseconds(50) }

    /// Creates an empty pool. No connection is opened until the first event; call ``tick(now:)`` to open the
    /// minimum idle connections.
    public init(configuration: PoolConfiguration) {
        self.configuration = configuration
        self.effectiveLimits = PoolEffectiveLimits(configuration)
    }

    /// Connecting + idle + leased.
    var totalCount: Int {
        connections.count
    }

    /// The most connections the pool may count at all: ``PoolEffectiveLimits/maxConnections`` plus
    /// ``PoolEffectiveLimits/reserveConnections`` (exceeded only by ``overLimitAllowance`` after a shrink).
    var hardCeiling: Int {
        effectiveLimits.maxConnections + effectiveLimits.reserveConnections
    }

    /// How many connections the pool may open up to right now: ``PoolEffectiveLimits/maxConnections``, plus
    /// the reserve while it is open.
    var connectionCapacity: Int {
        effectiveLimits.maxConnections + (isReserveOpen ? effectiveLimits.reserveConnections : 0)
    }

    /// The current counts, for stats and the admin console.
    public var snapshot: PoolSnapshot {
        PoolSnapshot(
            idleConnections: idleConnections.count,
            leasedConnections: leasedCount,
            connectingConnections: connectingCount,
            waitingRequests: waiting.count + dedicatedAttempts.count,
            oldestWaitStartedAt: waiting.first?.since,
            isShuttingDown: isShuttingDown
        )
    }

    /// The state of one connection, or `nil` if the pool does not count it (never created, or closed).
    public func state(of connection: PoolConnectionID) -> ConnectionState? {
        connections[connection]
    }

    /// The waiting requests, longest-waiting first.
    public var waitingRequests: [RequestID] {
        waiting.requestsInOrder
    }
}
