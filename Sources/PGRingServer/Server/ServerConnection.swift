import Config
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Multiplexing
import NIOConcurrencyHelpers
import PGAuth
import PGWire

/// How pgring logs into one PostgreSQL server: the `[server]` settings plus the target database.
struct ServerLoginSettings: Sendable {
    var address: ServerAddress
    var user: String
    var password: String?
    var database: String
    var tlsMode: ServerTLSMode
    var connectTimeout: TimeAmount
    /// The SCRAM keys of the last successful login to this server, shared by the pool's connections.
    var keyCache = SCRAMKeyCache()
}

/// Remembers the SCRAM keys of the last login so later logins skip PBKDF2 (thread-safe).
final class SCRAMKeyCache: Sendable {
    private let keys = NIOLockedValueBox<SCRAMClientKeys?>(nil)
    var value: SCRAMClientKeys? {
        get { keys.withLockedValue { $0 } }
        set { keys.withLockedValue { $0 = newValue } }
    }
}

/// The session state (prepared statements, settings) of one server connection under transaction pooling.
/// Read and changed only by the client that holds the connection, on that client's event loop; the pool's
/// lease (a lock) hands it from one client to the next, which orders the accesses.
final class ServerSessionBox: @unchecked Sendable {
    var state: ServerSessionState

    init(maxPreparedStatements: Int) {
        state = ServerSessionState(maxPreparedStatements: maxPreparedStatements)
    }
}

/// One established pgring -> PostgreSQL connection, owned by a ``ServerPool``.
/// Its handler's state lives on `channel.eventLoop`; every method here hops there.
final class ServerConnection: Sendable, CustomStringConvertible {
    /// The pool-assigned ID.
    let id: Int
    /// The server it talks to.
    let address: ServerAddress
    let channel: Channel
    /// Its session state under transaction pooling.
    let session: ServerSessionBox
    /// The server's BackendKeyData (set once at login).
    let backendKey: BackendKeyData?
    private let handler: NIOLoopBound<ServerConnectionHandler>
    /// Cancel requests being forwarded to this connection's backend, and who waits for them to finish.
    private let cancels = NIOLockedValueBox<(inFlight: Int, waiters: [EventLoopPromise<Void>])>((0, []))

    private init(id: Int, address: ServerAddress, channel: Channel, handler: ServerConnectionHandler, maxPreparedStatements: Int) {
        self.id = id
        self.address = address
        self.channel = channel
        self.session = ServerSessionBox(maxPreparedStatements: maxPreparedStatements)
        self.backendKey = handler.backendKey
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    var description: String { "server#\(id)@\(address)" }
    var eventLoop: EventLoop { channel.eventLoop }

    /// Opens a TCP connection and logs in. The future succeeds once the server sent its first ReadyForQuery.
    static func connect(
        id: Int,
        settings: ServerLoginSettings,
        tlsContext: NIOSSLContext?,
        maxMessageSize: Int,
        maxPreparedStatements: Int,
        on eventLoop: EventLoop,
        logger: Logger
    ) -> EventLoopFuture<ServerConnection> {
        let loginPromise = eventLoop.makePromise(of: Void.self)
        let startup = ServerStartupStateMachine(
            user: settings.user,
            password: settings.password,
            database: settings.database,
            tlsMode: settings.tlsMode,
            cachedKeys: settings.keyCache.value
        )
        let tlsName: String? = settings.tlsMode == .verifyFull ? settings.address.host : nil
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ServerConnectionHandler(
                        startup: startup,
                        decoder: BackendBatchDecoder(
                            maxMessageSize: maxMessageSize,
                            expectEncryptionResponse: settings.tlsMode != .disable
                        ),
                        loginPromise: loginPromise,
                        tlsContext: tlsContext,
                        tlsServerName: tlsName,
                        logger: logger
                    )
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        return bootstrap.connect(host: settings.address.host, port: settings.address.port)
            .flatMapError { error in
                loginPromise.fail(ServerConnectionError.connectFailed("\(error)"))
                return eventLoop.makeFailedFuture(ServerConnectionError.connectFailed("\(settings.address): \(error)"))
            }
            .flatMap { channel in
                // A login that hangs is bounded by the connect timeout too.
                let timeout = eventLoop.scheduleTask(in: settings.connectTimeout) {
                    loginPromise.fail(ServerConnectionError.connectFailed("login to \(settings.address) timed out"))
                    channel.close(promise: nil)
                }
                return loginPromise.futureResult.always { _ in timeout.cancel() }.flatMapThrowing {
                    let handler = try channel.pipeline.syncOperations.handler(type: ServerConnectionHandler.self)
                    if let keys = handler.authenticatedKeys { settings.keyCache.value = keys }
                    let connection = ServerConnection(
                        id: id, address: settings.address, channel: channel, handler: handler,
                        maxPreparedStatements: maxPreparedStatements)
                    handler.bind(connection: connection)
                    return connection
                }.flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
            }
    }

    /// A snapshot of what a client needs when it is handed this connection.
    struct Snapshot: Sendable {
        var parameters: [String: String]
        var backendKey: BackendKeyData?
    }

    /// Attaches a client session and returns the connection's parameters and key.
    func attach(_ delegate: any ServerConnectionDelegate) -> EventLoopFuture<Snapshot> {
        if eventLoop.inEventLoop {
            handler.value.attach(delegate)
            return eventLoop.makeSucceededFuture(Snapshot(parameters: handler.value.parameters, backendKey: handler.value.backendKey))
        }
        return eventLoop.submit { [handler] in
            handler.value.attach(delegate)
            return Snapshot(parameters: handler.value.parameters, backendKey: handler.value.backendKey)
        }
    }

    /// Attaches a client session on the connection's event loop without waiting: the task is queued before
    /// any write the caller sends afterwards (a channel's foreign-thread writes are queued in order on the
    /// same loop), so the server's answers to those writes reach the new client.
    func attachSoon(_ delegate: any ServerConnectionDelegate) {
        if eventLoop.inEventLoop {
            handler.value.attach(delegate)
        } else {
            eventLoop.execute { [handler] in handler.value.attach(delegate) }
        }
    }

    /// Detaches at once when called on the connection's own event loop; nil elsewhere (use ``detach()``).
    func detachIfOnLoop() -> DetachOutcome? {
        guard eventLoop.inEventLoop else { return nil }
        return handler.value.detachReportingOutcome()
    }

    /// True when no cancel request for this backend is in flight.
    var hasNoCancelInFlight: Bool { cancels.withLockedValue { $0.inFlight == 0 } }

    /// The connection's parameters and key, without attaching anyone.
    func snapshot() -> EventLoopFuture<Snapshot> {
        eventLoop.submit { [handler] in
            Snapshot(parameters: handler.value.parameters, backendKey: handler.value.backendKey)
        }
    }

    /// What a connection looked like when its client let it go.
    struct DetachOutcome: Sendable {
        /// Nothing owed, no transaction open: reusable as is.
        var isClean: Bool
        /// ReadyForQuery messages still owed (a query may still be running).
        var readyForQueryOutstanding: Int
    }

    /// Detaches the client session and reports whether the connection is clean (reusable as is).
    func detach() -> EventLoopFuture<DetachOutcome> {
        if let outcome = detachIfOnLoop() { return eventLoop.makeSucceededFuture(outcome) }
        return eventLoop.submit { [handler] in handler.value.detachReportingOutcome() }
    }

    // MARK: - Cancel requests in flight

    /// A cancel request for this connection's backend is being forwarded. Called under the client's cancel
    /// key lock, so a client that lets the connection go afterwards sees it.
    func cancelStarted() {
        cancels.withLockedValue { $0.inFlight += 1 }
    }

    /// The cancel request was delivered (the server closed the cancel connection) or failed.
    func cancelFinished() {
        let waiters = cancels.withLockedValue { state -> [EventLoopPromise<Void>] in
            state.inFlight = max(0, state.inFlight - 1)
            guard state.inFlight == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.succeed(()) }
    }

    /// Succeeds once no cancel request for this backend is in flight, so the connection is never handed to
    /// another client while a cancel meant for the previous one could still reach it.
    func whenNoCancelInFlight() -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let ready = cancels.withLockedValue { state -> Bool in
            if state.inFlight == 0 { return true }
            state.waiters.append(promise)
            return false
        }
        if ready { promise.succeed(()) }
        return promise.futureResult
    }

    /// Runs a query of pgring's own (reset query, SET replay) on an idle, detached connection.
    func runInternalQuery(_ sql: String) -> EventLoopFuture<Void> {
        runInternalQueryRows(sql).map { _ in () }
    }

    /// Runs a query of pgring's own on an idle, detached connection and returns the text values of its rows
    /// (at most ``ServerConnectionHandler/maxInternalRows``). Fails with `internalQueryFailed` on an ErrorResponse.
    func runInternalQueryRows(_ sql: String) -> EventLoopFuture<[[String?]]> {
        let promise = eventLoop.makePromise(of: [[String?]].self)
        eventLoop.execute { [handler] in
            handler.value.runInternalQuery(sql, promise: promise)
        }
        return promise.futureResult
    }

    /// Sends client bytes to the server. Thread-safe.
    func forward(_ bytes: ByteBuffer) {
        if eventLoop.inEventLoop {
            // The usual case (a session's server connection lives on its client's event loop): written from the
            // handler's own place in the pipeline, no walk from the tail.
            handler.value.send(bytes)
        } else {
            channel.writeAndFlush(bytes, promise: nil)
        }
    }

    /// Closes the connection politely (Terminate, then close). Thread-safe.
    func close() {
        var buffer = channel.allocator.buffer(capacity: 5)
        Terminate().encode(into: &buffer)
        let channel = self.channel
        channel.writeAndFlush(buffer)
            .whenComplete { _ in channel.close(promise: nil) }
    }
}
