import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import Pooling

/// Identifies one pool: server connections to one server, as one user, to one database, in one pool mode
/// (session-mode connections are reset between clients; transaction-mode ones carry pgring's record of
/// their prepared statements and settings, so the two never share connections).
struct PoolKey: Hashable, Sendable, CustomStringConvertible {
    var address: ServerAddress
    var user: String
    var database: String
    var mode: PoolMode = .session
    var description: String { "\(user)@\(address)/\(database)" + (mode == .session ? "" : " (\(mode.rawValue))") }
}

/// Server connections for one ``PoolKey``: a thin I/O shell around the pure ``PoolStateMachine``.
/// The state machine and the ID maps are guarded by one lock; actions run outside it.
final class ServerPool: Sendable {
    let key: PoolKey
    /// The shard the server belongs to (metrics and stats label).
    let shardName: String
    /// Whether the server is the shard's primary or one of its replicas (metrics label).
    let role: ServerRole
    private let settings: ServerLoginSettings
    private let resetQuery: String
    private let tlsContext: NIOSSLContext?
    private let maxMessageSize: Int
    private let maxPreparedStatements: Int
    private let liveness: LivenessCheck?
    private let group: EventLoopGroup
    private let logger: Logger
    private let origin = NIODeadline.now()

    private struct State {
        var machine: PoolStateMachine<Int>
        var connections: [PoolConnectionID: ServerConnection] = [:]
        var waiters: [Int: EventLoopPromise<ServerConnection>] = [:]
        var nextRequestID = 0
        var tickTask: RepeatedTask?
        /// When each connection last went idle (established or given back), for the liveness check.
        var idleSince: [PoolConnectionID: NIODeadline] = [:]
        /// Leases handed out so far, and the number of each connection's current lease (a rebalance
        /// cutover waits for the leases older than its hold).
        var leaseSequence = 0
        var leaseNumbers: [PoolConnectionID: Int] = [:]

        /// Numbers the lease of `id` that starts now.
        mutating func numberLease(of id: PoolConnectionID) {
            leaseSequence += 1
            leaseNumbers[id] = leaseSequence
        }
    }

    /// PgBouncer's `server_check_query` / `server_check_delay`: a connection idle longer than `delay` runs
    /// `query` before it is handed out; if that fails it is closed and the client waits for another.
    struct LivenessCheck: Sendable {
        var query: String
        var delay: TimeAmount
    }
    private let state: NIOLockedValueBox<State>

    init(key: PoolKey, shardName: String, role: ServerRole = .primary, settings: ServerLoginSettings, configuration: Pooling.PoolConfiguration, resetQuery: String,
         tlsContext: NIOSSLContext?, maxMessageSize: Int, maxPreparedStatements: Int, liveness: LivenessCheck? = nil,
         group: EventLoopGroup, logger: Logger) {
        self.key = key
        self.shardName = shardName
        self.role = role
        self.settings = settings
        self.resetQuery = resetQuery
        self.tlsContext = tlsContext
        self.maxMessageSize = maxMessageSize
        self.maxPreparedStatements = maxPreparedStatements
        self.liveness = liveness
        self.group = group
        var logger = logger
        logger[metadataKey: "pool"] = "\(key)"
        self.logger = logger
        self.state = NIOLockedValueBox(State(machine: PoolStateMachine(configuration: configuration)))
    }

    private var now: PoolInstant {
        PoolInstant(nanoseconds: UInt64(max(0, (NIODeadline.now() - origin).nanoseconds)))
    }

    /// RELOAD: new limits and timeouts for the running pool; nobody is dropped (connections over a smaller
    /// size close as they come back).
    func reconfigure(_ configuration: Pooling.PoolConfiguration) {
        let actions = state.withLockedValue { $0.machine.reconfigure(configuration, now: now) }
        run(actions, preferredLoop: nil)
    }

    /// Starts the periodic tick that enforces timeouts (wait, idle, lifetime, connect).
    func start(tickInterval: TimeAmount = .milliseconds(100)) {
        let task = group.next().scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { [weak self] _ in
            guard let self else { return }
            let actions = self.state.withLockedValue { $0.machine.tick(now: self.now) }
            self.run(actions, preferredLoop: nil)
        }
        state.withLockedValue { $0.tickTask = task }
    }

    /// Asks for a server connection. The future completes on `eventLoop`.
    func lease(on eventLoop: EventLoop) -> (requestID: Int, future: EventLoopFuture<ServerConnection>) {
        switch leaseNow(on: eventLoop) {
        case .leased(let requestID, let connection):
            return (requestID, eventLoop.makeSucceededFuture(connection))
        case .waiting(let requestID, let future):
            return (requestID, future)
        }
    }

    /// What ``leaseNow(on:)`` answers.
    enum ImmediateLease {
        /// An idle connection, leased at once: no promise, no callback.
        case leased(requestID: Int, ServerConnection)
        /// No idle connection (or one due for its liveness check): as ``lease(on:)``.
        case waiting(requestID: Int, EventLoopFuture<ServerConnection>)
    }

    /// ``lease(on:)`` for the transaction-mode fast path: when the pool leases an idle connection at once, the
    /// connection comes back directly instead of through a promise (one allocation and callback chain less per
    /// transaction). Same pool decisions and bookkeeping as ``lease(on:)``.
    func leaseNow(on eventLoop: EventLoop) -> ImmediateLease {
        enum Outcome {
            case leased(ServerConnection)
            case waiting(EventLoopPromise<ServerConnection>)
        }
        let (id, outcome, actions) = state.withLockedValue { state -> (Int, Outcome, [PoolStateMachine<Int>.Action]) in
            state.nextRequestID += 1
            let id = state.nextRequestID
            // Session mode keeps a server connection for a whole session: one on the client's own event loop is
            // worth opening when only other loops' connections are idle (no thread hop per message for the
            // session's lifetime). Transaction mode leases per transaction and takes any idle connection.
            var actions = state.machine.leaseRequested(
                id, affinity: Self.affinity(of: eventLoop), strictAffinity: key.mode == .session, now: self.now)
            if let index = actions.firstIndex(where: { if case .lease(_, id) = $0 { return true } else { return false } }),
               case .lease(let connectionID, _) = actions[index],
               let connection = state.connections[connectionID],
               !self.livenessCheckDue(idleSince: state.idleSince[connectionID]) {
                actions.remove(at: index)
                state.numberLease(of: connectionID)
                return (id, .leased(connection), actions)
            }
            let promise = eventLoop.makePromise(of: ServerConnection.self)
            state.waiters[id] = promise
            return (id, .waiting(promise), actions)
        }
        run(actions, preferredLoop: eventLoop)
        switch outcome {
        case .leased(let connection): return .leased(requestID: id, connection)
        case .waiting(let promise): return .waiting(requestID: id, promise.futureResult)
        }
    }

    /// Whether a connection idle since `idleSince` runs the liveness query before it is handed out.
    private func livenessCheckDue(idleSince: NIODeadline?) -> Bool {
        guard let liveness, let idleSince else { return false }
        return NIODeadline.now() - idleSince > liveness.delay
    }

    /// The client that asked went away before it got a connection.
    func cancelLease(_ requestID: Int) {
        let actions = state.withLockedValue { state -> [PoolStateMachine<Int>.Action] in
            guard state.waiters[requestID] != nil else { return [] }
            return state.machine.requestCancelled(requestID, now: now)
        }
        run(actions, preferredLoop: nil)
    }

    /// Gives a connection back after a client session (or, in transaction mode, a transaction). A clean
    /// connection is reset with ``resetQuery`` when `reset` is true and reused; anything else (open
    /// transaction, results still owed, reset failed) is closed, never handed to another client, and a query
    /// still running on it is cancelled first. The connection is not reused while a cancel request for it
    /// is in flight.
    func release(_ connection: ServerConnection, reset: Bool = true) {
        // Fast path (transaction mode, client and server on one event loop): no future, no hop.
        if !reset || resetQuery.isEmpty, connection.hasNoCancelInFlight, let outcome = connection.detachIfOnLoop(), outcome.isClean {
            returned(connection, reusable: true)
            return
        }
        connection.whenNoCancelInFlight().flatMap {
            connection.detach()
        }.flatMap { outcome -> EventLoopFuture<Bool> in
            guard outcome.isClean else {
                if outcome.readyForQueryOutstanding > 0 { self.cancelRunningQuery(on: connection) }
                return connection.eventLoop.makeSucceededFuture(false)
            }
            if !reset || self.resetQuery.isEmpty { return connection.eventLoop.makeSucceededFuture(true) }
            return connection.runInternalQuery(self.resetQuery).map { true }.recover { _ in false }
        }.whenComplete { result in
            let reusable = (try? result.get()) ?? false
            if !reusable {
                self.logger.debug("closing a server connection that is not clean", metadata: ["server": "\(connection)"])
            }
            self.returned(connection, reusable: reusable)
        }
    }

    /// The pool's affinity tag for an event loop: clients get server connections on their own loop when one
    /// is free, which saves a thread hop per message (an in-process tag, never persisted).
    static func affinity(of eventLoop: EventLoop) -> Int {
        ObjectIdentifier(eventLoop).hashValue
    }

    /// Transaction mode: the client's own accounting (``TransactionMultiplexer/canRelease``) proved the
    /// connection clean, so it goes back without a detach round trip to the server's event loop; the next
    /// holder's attach replaces the delegate, and bytes the server sends meanwhile are dropped by the old
    /// holder (it no longer holds the connection). Waits for cancels in flight like ``release(_:reset:)``.
    func releaseClean(_ connection: ServerConnection) {
        if connection.hasNoCancelInFlight {
            returned(connection, reusable: true)
        } else {
            connection.whenNoCancelInFlight().whenComplete { _ in self.returned(connection, reusable: true) }
        }
    }

    /// Tells the pool state machine the connection is back, and performs what it decides.
    private func returned(_ connection: ServerConnection, reusable: Bool) {
        let actions = state.withLockedValue { state in
            let id = PoolConnectionID(UInt64(connection.id))
            state.idleSince[id] = .now()
            state.leaseNumbers[id] = nil
            return state.machine.connectionReleased(id, reusable: reusable, now: self.now)
        }
        run(actions, preferredLoop: connection.eventLoop)
    }

    /// Runs the liveness query on a connection idle for long before handing it out. A connection that fails
    /// it is closed and the waiting client queues again (as a new request), so it never sees the dead one.
    private func check(_ connection: ServerConnection, id: PoolConnectionID, for promise: EventLoopPromise<ServerConnection>, liveness: LivenessCheck) {
        connection.runInternalQuery(liveness.query).whenComplete { result in
            switch result {
            case .success:
                self.state.withLockedValue { _ = $0.idleSince.removeValue(forKey: id) }
                promise.succeed(connection)
            case .failure(let error):
                self.logger.info("a server connection failed its liveness check; closing it", metadata: ["server": "\(connection)", "error": "\(error)"])
                connection.close()
                let actions = self.state.withLockedValue { state -> [PoolStateMachine<Int>.Action] in
                    state.nextRequestID += 1
                    let retry = state.nextRequestID
                    state.waiters[retry] = promise
                    return state.machine.connectionReleased(id, reusable: false, now: self.now)
                        + state.machine.leaseRequested(retry, now: self.now)
                }
                self.run(actions, preferredLoop: promise.futureResult.eventLoop)
            }
        }
    }

    /// Sends a CancelRequest for whatever the connection's backend is running (its client left mid-query),
    /// so closing the connection does not leave the query running on the server.
    private func cancelRunningQuery(on connection: ServerConnection) {
        guard let key = connection.backendKey else { return }
        let target = CancelTarget(address: connection.address, processID: key.processID, secretKey: key.secretKey)
        logger.debug("cancelling the query of a client that left", metadata: ["server": "\(connection)"])
        CancelForwarder.send(target, group: group, timeout: settings.connectTimeout).whenFailure { _ in }
    }

    /// Stops handing out connections: closes idle ones, fails waiters.
    func shutdown() {
        let actions = state.withLockedValue { state -> [PoolStateMachine<Int>.Action] in
            state.tickTask?.cancel()
            state.tickTask = nil
            return state.machine.shutdown(now: now)
        }
        run(actions, preferredLoop: nil)
    }

    /// Counts for stats.
    var snapshot: PoolSnapshot { state.withLockedValue { $0.machine.snapshot } }

    /// True once the pool counts no connection and every server connection it opened has closed (after
    /// ``shutdown()``, when the last lease came back and every close finished).
    var isDrained: Bool {
        state.withLockedValue { $0.connections.isEmpty && $0.machine.connectionStates.isEmpty }
    }

    /// The number of the last lease handed out.
    var leaseSequence: Int { state.withLockedValue { $0.leaseSequence } }

    /// How many connections are still out on a lease numbered `sequence` or lower.
    func leasesOutstanding(upTo sequence: Int) -> Int {
        state.withLockedValue { state in state.leaseNumbers.values.reduce(0) { $0 + ($1 <= sequence ? 1 : 0) } }
    }

    /// One server connection of the pool, for SHOW SERVERS.
    struct ServerRow: Sendable {
        var id: Int
        var state: String
        var backendPID: Int32?
        var ageSeconds: Double
    }

    /// The pool's server connections and their states (idle, active, connecting), oldest first.
    var serverRows: [ServerRow] {
        let now = UInt64(max(0, (NIODeadline.now() - origin).nanoseconds))
        return state.withLockedValue { state in
            state.machine.connectionStates.map { id, connectionState -> ServerRow in
                let pid = state.connections[id]?.backendKey?.processID
                switch connectionState {
                case .connecting(let startedAt):
                    return ServerRow(id: Int(truncatingIfNeeded: id.rawValue), state: "connecting", backendPID: pid, ageSeconds: Double(now &- startedAt.nanoseconds) / 1e9)
                case .idle(let establishedAt, _):
                    return ServerRow(id: Int(truncatingIfNeeded: id.rawValue), state: "idle", backendPID: pid, ageSeconds: Double(now &- establishedAt.nanoseconds) / 1e9)
                case .leased(_, let establishedAt, _):
                    return ServerRow(id: Int(truncatingIfNeeded: id.rawValue), state: "active", backendPID: pid, ageSeconds: Double(now &- establishedAt.nanoseconds) / 1e9)
                }
            }.sorted { $0.id < $1.id }
        }
    }

    /// How long the longest-waiting client has waited, in seconds (nil when nobody waits).
    var oldestWaitSeconds: Double? {
        guard let since = snapshot.oldestWaitStartedAt else { return nil }
        let waited = Int64(now.nanoseconds) - Int64(since.nanoseconds)
        return Double(max(0, waited)) / 1e9
    }

    // MARK: - Performing actions

    private func run(_ actions: [PoolStateMachine<Int>.Action], preferredLoop: EventLoop?) {
        for action in actions {
            switch action {
            case .createConnection(let id):
                create(id, on: preferredLoop ?? group.next())
            case .lease(let id, let requestID):
                let (promise, connection, idleSince) = state.withLockedValue { state in
                    state.numberLease(of: id)
                    return (state.waiters.removeValue(forKey: requestID), state.connections[id], state.idleSince[id])
                }
                if let promise, let connection {
                    if let liveness, livenessCheckDue(idleSince: idleSince) {
                        check(connection, id: id, for: promise, liveness: liveness)
                    } else {
                        promise.succeed(connection)
                    }
                } else if let connection {
                    // Nobody is waiting any more (should not happen): give it back.
                    release(connection)
                }
            case .failRequest(let requestID, let error):
                let promise = state.withLockedValue { $0.waiters.removeValue(forKey: requestID) }
                promise?.fail(error)
            case .closeConnection(let id):
                let connection = state.withLockedValue { $0.connections[id] }
                connection?.close()
            }
        }
    }

    private func create(_ id: PoolConnectionID, on eventLoop: EventLoop) {
        logger.debug("opening a server connection", metadata: ["id": "\(id)"])
        ServerConnection.connect(
            id: Int(id.rawValue),
            settings: settings,
            tlsContext: tlsContext,
            maxMessageSize: maxMessageSize,
            maxPreparedStatements: maxPreparedStatements,
            on: eventLoop,
            logger: logger
        ).whenComplete { result in
            switch result {
            case .success(let connection):
                let actions = self.state.withLockedValue { state in
                    state.connections[id] = connection
                    state.idleSince[id] = .now()
                    return state.machine.connectionEstablished(id, affinity: Self.affinity(of: connection.eventLoop), now: self.now)
                }
                connection.channel.closeFuture.whenComplete { _ in
                    let actions = self.state.withLockedValue { state in
                        state.connections[id] = nil
                        state.idleSince[id] = nil
                        state.leaseNumbers[id] = nil
                        return state.machine.connectionClosed(id, now: self.now)
                    }
                    self.run(actions, preferredLoop: nil)
                }
                self.run(actions, preferredLoop: eventLoop)
            case .failure(let error):
                self.logger.warning("could not open a server connection", metadata: ["error": "\(error)"])
                let actions = self.state.withLockedValue { state in
                    state.machine.connectionFailed(id, reason: "\(error)", now: self.now)
                }
                self.run(actions, preferredLoop: nil)
            }
        }
    }
}
