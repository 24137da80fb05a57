import Config
import Foundation
import Logging
import Multiplexing
import NIOCore
import NIOSSL
import NIOTLS
import PGWire
import Pooling
import Routing

/// Events delivered to a client session from other event loops.
enum ClientSessionEvent: Sendable {
    /// The server connection behind the session was lost.
    case serverLost
    /// The server connection can take more bytes again.
    case serverWritable
}

/// Relays backend bytes from a server connection to a client channel (thread-safe, called on the
/// server's loop) and applies backpressure: when the client cannot keep up, the server is not read.
final class ClientRelay: ServerConnectionDelegate {
    let clientChannel: Channel
    /// The client handler's context when the server connection lives on the client's event loop (the usual
    /// case): bytes are written from there instead of walking the client's pipeline from its tail.
    private let directContext: NIOLoopBound<ChannelHandlerContext>?

    /// Created on the client's event loop, from the client handler's `context`.
    init(context: ChannelHandlerContext, serverLoop: EventLoop) {
        self.clientChannel = context.channel
        self.directContext = serverLoop.inEventLoop ? NIOLoopBound(context, eventLoop: context.eventLoop) : nil
    }

    func serverConnection(_ connection: ServerConnection, received bytes: ByteBuffer, readyForQueryCount: Int, lastStatus: TransactionStatus?) {
        if let directContext {
            directContext.value.writeAndFlush(NIOAny(bytes), promise: nil)
        } else {
            clientChannel.writeAndFlush(bytes, promise: nil)
        }
        if !clientChannel.isWritable {
            connection.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    func serverConnectionLost(_ connection: ServerConnection) {
        clientChannel.pipeline.fireUserInboundEventTriggered(ClientSessionEvent.serverLost)
    }

    func serverConnectionWritable(_ connection: ServerConnection) {
        clientChannel.pipeline.fireUserInboundEventTriggered(ClientSessionEvent.serverWritable)
    }
}

/// The ChannelHandler of one client connection: startup (SSLRequest, GSSENCRequest, CancelRequest,
/// StartupMessage), authentication, getting a server connection from the pool, then relaying frames
/// both ways until the client leaves. Confined to the client channel's event loop.
///
/// It decodes its own input (``InboundDecoding`` with a `FrontendBatchDecoder`): the socket's bytes come
/// straight to it, with no `ByteToMessageHandler` in front (the relay's hot path).
final class ClientSessionHandler: ChannelInboundHandler, SelfDecodingHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the session is.
    enum State {
        /// Waiting for the startup packet (possibly after a TLS handshake).
        case awaitingStartup
        /// Authentication exchange under way.
        case authenticating(ClientAuthenticationStateMachine, StartupMessage)
        /// Authenticated; waiting for a server connection from the pool.
        case awaitingServer(StartupMessage, pool: ServerPool, requestID: Int)
        /// Session mode: relaying between the client and this server connection.
        case relaying(ServerConnection, pool: ServerPool)
        /// Transaction or statement mode: the client holds a server connection only while a transaction
        /// (or a pipeline) is under way.
        case multiplexing(pool: ServerPool, lease: Lease)
        /// Connected to the admin console (database `pgring`) with this role.
        case admin(AdminRole)
        /// Closing; everything else is ignored.
        case closing
    }

    /// Where a transaction-mode client is with its server connection.
    enum Lease {
        /// Holds none; the next frames ask the pool for one.
        case none
        /// Asked the pool; frames wait in `early`.
        case waiting(requestID: Int)
        /// Got one; its settings are being brought in line with the client's.
        case preparing(ServerConnection)
        /// Held back by the admin console's PAUSE of the shard (token of ``PauseGate``); frames wait in `early`.
        case paused(token: Int)
        /// Holds it: frames are rewritten by the multiplexer and sent.
        case holding(ServerConnection)
        /// Sharded routing: the transaction is over and the primary's WAL position is being read before the
        /// connection goes back (read-your-writes); new frames wait.
        case finishing(ServerConnection)
    }

    let runtime: PGRingRuntime
    var logger: Logger
    var state: State = .awaitingStartup
    var cancelKey: ClientCancelKey?
    /// Frames read in this read cycle, forwarded together at channelReadComplete.
    var outgoing: ByteBuffer?
    /// Frames that arrived before the server connection was ready.
    var early: ByteBuffer?
    private var tlsActive = false
    /// The transaction-pooling state (prepared statements, settings, release rule); nil in session mode.
    var multiplexer: TransactionMultiplexer?
    /// Sharded routing (transaction and statement modes, when routing is not trivial); nil otherwise.
    var shardRouter: ShardRoutingStateMachine?
    /// The target of the server connection held now, and of the lease asked for.
    var heldTarget: ShardRoutingStateMachine.Target?
    var requestedTarget: ShardRoutingStateMachine.Target?
    /// The routing table's ``WriteFreeze`` id when the held server was leased (nil: none was on).
    var heldFreezeID: Int?
    /// While a rebalance cutover holds this session's next unit: its ``WriteFreezeGate`` token.
    var frozenToken: Int?
    /// The replica a read was sent to (its outstanding count drops when the lease ends).
    var readReplica: ServerAddress?
    /// While a read waits for a replica to replay this client's write (`read_your_writes_wait`): until when.
    var replayWaitDeadline: NIODeadline?
    /// The user and database of the login (SHOW CLIENTS).
    var loginUser = ""
    var loginDatabase = ""
    /// Admin console: Queries waiting for the one running, and whether one runs.
    var adminQueue: [RawMessage] = []
    var adminBusy = false
    var adminSkippingToSync = false
    /// This client's replica rotation.
    var replicaChooser = ReplicaChooser()
    /// The pool key of this client's user, database and mode; routing fills in the address.
    var poolKeyTemplate = PoolKey(address: ServerAddress(host: "", port: 0), user: "", database: "")
    /// The delegate given to each server connection a transaction-mode client holds.
    var multiplexedClientRelay: MultiplexedClientRelay?
    /// The (user, database) counted against their `max_client_conn`, once logged in.
    var countedLogin: (user: String, database: String)?
    /// `pgring.client_idle_timeout` and `pool.idle_transaction_timeout`, when set.
    var clientIdleTimeout: TimeAmount?
    var idleTransactionTimeout: TimeAmount?
    /// True after this session stopped reading its server connection (the client could not keep up).
    var serverReadingPaused = false
    /// Bytes from and to the client not yet added to the metrics (added in batches: the metrics take a lock).
    var bytesReceived = 0
    var bytesSent = 0
    /// This event loop's buffer of per-transaction metrics.
    var metricsBuffer: LoopMetricsBuffer?
    /// When the current lease was requested (transaction mode): pool wait and transaction time.
    var leaseRequestedAt = NIODeadline.uptimeNanoseconds(0)
    /// When the client last sent something (kept only while a timeout is set).
    var lastActivity = NIODeadline.uptimeNanoseconds(0)

    /// The client's bytes, cut into startup packets and then batches of typed frames.
    var input: InboundDecoding<FrontendBatchDecoder>
    /// True while `decodeAndHandle` works through `input` (a nested read only adds its bytes).
    var decodingInput = false

    init(runtime: PGRingRuntime, maxMessageSize: Int, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
        self.input = InboundDecoding(FrontendBatchDecoder(maxMessageSize: maxMessageSize))
    }

    // MARK: - Channel events

    func channelActive(context: ChannelHandlerContext) {
        runtime.sessions.add(context.channel)
        runtime.metrics.clientConnected()
        metricsBuffer = runtime.metricsBuffers.buffer(for: context.eventLoop)
        if let remote = context.channel.remoteAddress {
            logger[metadataKey: "client"] = "\(remote)"
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if clientIdleTimeout != nil || idleTransactionTimeout != nil { lastActivity = .now() }
        decodeAndHandle(unwrapInboundIn(data), context: context)
    }

    func handleInput(_ item: FrontendInput, context: ChannelHandlerContext) {
        switch item {
        case .startup(let packet):
            startupPacket(packet, context: context)
        case .frames(let batch):
            if case .relaying = state {
                relay(batch, context: context)
            } else if case .multiplexing = state {
                relayMultiplexed(batch, context: context)
            } else {
                batch.forEachFrame { message, _ in
                    frontendMessage(message, context: context)
                    return true
                }
            }
        }
    }

    /// The relay fast path: stop at Terminate and queue the bytes whole for the server (the server
    /// connection itself accounts for what they make the server owe).
    private func relay(_ batch: FrameBatch, context: ChannelHandlerContext) {
        let (bytes, terminateOffset) = Self.splitAtTerminate(batch)
        if bytes.readableBytes > 0 {
            countReceived(bytes.readableBytes)
            outgoing.appendFrames(bytes)
        }
        if terminateOffset != nil {
            // Not forwarded: the server connection outlives the client. channelInactive releases it,
            // after channelReadComplete has sent what came before the Terminate.
            flushOutgoing(context: context)
            context.close(promise: nil)
        }
    }

    /// The frames before a Terminate (all of them when there is none), and the Terminate's offset.
    /// The Terminate is never forwarded: the server connection outlives the client.
    static func splitAtTerminate(_ batch: FrameBatch) -> (bytes: ByteBuffer, terminateOffset: Int?) {
        var terminateOffset: Int?
        batch.forEachFrameID { id, offset in
            if id == FrontendMessageID.terminate.rawValue {
                terminateOffset = offset
                return false
            }
            return true
        }
        guard let terminateOffset else { return (batch.bytes, nil) }
        return (batch.bytes.getSlice(at: batch.bytes.readerIndex, length: terminateOffset) ?? ByteBuffer(), terminateOffset)
    }

    /// Adds to the byte counts; they go to the metrics once a megabyte has gathered (and at the end).
    func countReceived(_ count: Int) {
        bytesReceived &+= count
        if bytesReceived > 1 << 20 { flushByteCounts() }
    }

    func countSent(_ count: Int) {
        bytesSent &+= count
        if bytesSent > 1 << 20 { flushByteCounts() }
    }

    func flushByteCounts() {
        guard bytesReceived > 0 || bytesSent > 0 else { return }
        runtime.metrics.bytes(received: bytesReceived, sent: bytesSent)
        bytesReceived = 0
        bytesSent = 0
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushOutgoing(context: context)
        context.fireChannelReadComplete()
    }

    /// Sends the frames queued in this read cycle to the server connection, in one write.
    func flushOutgoing(context: ChannelHandlerContext) {
        guard let bytes = outgoing else { return }
        let server: ServerConnection
        switch state {
        case .relaying(let relayServer, _): server = relayServer
        case .multiplexing(_, .holding(let heldServer)): server = heldServer
        case .awaitingStartup, .authenticating, .awaitingServer, .multiplexing, .admin, .closing: return
        }
        outgoing = nil
        server.forward(bytes)
        if !server.channel.isWritable {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            switch state {
            case .relaying(let server, _), .multiplexing(_, .holding(let server)):
                server.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            case .awaitingStartup, .authenticating, .awaitingServer, .multiplexing, .admin, .closing:
                break
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ClientSessionEvent {
            switch event {
            case .serverLost:
                if case .relaying(let server, _) = state {
                    serverLost(server, context: context)
                }
            case .serverWritable:
                context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            }
            return
        }
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            tlsActive = true
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The server connection the client holds died: the client gets a FATAL error (what it sent may or may
    /// not have run) and pgring opens a new connection for the next client.
    func serverLost(_ server: ServerConnection, context: ChannelHandlerContext) {
        logger.warning("server connection lost during a session", metadata: ["server": "\(server)"])
        enterClosing()
        fatal(ClientFacingError(
            fatal: true,
            sqlState: SQLState.connectionFailure,
            message: "the connection to the PostgreSQL server \(server.address) was lost",
            hint: "Reconnect; pgring opens a new server connection."
        ), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let wireError = error as? WireProtocolError {
            logger.info("protocol violation from client", metadata: ["error": "\(wireError)"])
            enterClosing()
            fatal(ClientFacingError(fatal: true, sqlState: wireError.sqlState, message: "\(wireError)"), context: context)
        } else {
            logger.debug("client connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        input.finish()
        runtime.sessions.remove(context.channel)
        runtime.metrics.clientDisconnected()
        flushByteCounts()
        if let cancelKey { runtime.cancelRegistry.unregister(cancelKey) }
        if let countedLogin {
            runtime.sessions.logout(user: countedLogin.user, database: countedLogin.database)
            self.countedLogin = nil
        }
        enterClosing()
        context.fireChannelInactive()
    }

    /// The one way out of a session: gives back (or stops waiting for) the server connection, then
    /// ignores everything else. Safe to call more than once.
    func enterClosing() {
        let previous = state
        state = .closing
        switch previous {
        case .relaying(let server, let pool):
            server.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            pool.release(server)
        case .awaitingServer(_, let pool, let requestID), .multiplexing(let pool, .waiting(let requestID)):
            pool.cancelLease(requestID)
        case .multiplexing(let pool, .finishing(let server)):
            pool.release(server, reset: false)
        case .multiplexing(let pool, .holding(let server)), .multiplexing(let pool, .preparing(let server)):
            cancelKey?.setTarget(nil)
            server.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            pool.release(server, reset: false)
        case .multiplexing(_, .paused(let token)):
            runtime.pauseGate.cancel(token)
        case .awaitingStartup, .authenticating, .multiplexing(_, .none), .admin, .closing:
            break
        }
        if let readReplica {
            runtime.health.readFinished(on: readReplica)
            self.readReplica = nil
        }
        if let frozenToken {
            runtime.writeFreezeGate.cancel(frozenToken)
            self.frozenToken = nil
        }
    }

    // MARK: - Startup

    private func startupPacket(_ packet: StartupPacket, context: ChannelHandlerContext) {
        guard case .awaitingStartup = state else {
            return violation("unexpected startup packet", context: context)
        }
        switch packet {
        case .sslRequest:
            if let tls = runtime.clientTLS, !tlsActive {
                writeRaw([UInt8(ascii: "S")], context: context)
                do {
                    try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                } catch {
                    logger.error("could not start TLS", metadata: ["error": "\(error)"])
                    context.close(promise: nil)
                }
            } else {
                writeRaw([UInt8(ascii: "N")], context: context)
            }
        case .gssEncRequest:
            writeRaw([UInt8(ascii: "N")], context: context)
        case .cancel(let request):
            enterClosing()
            if let target = runtime.cancelRegistry.target(processID: request.processID, secretKey: request.secretKey) {
                logger.info("forwarding a cancel request", metadata: ["server": "\(target.address)"])
                CancelForwarder.send(target, group: runtime.group, timeout: .seconds(5)).whenComplete { [logger] result in
                    target.connection?.cancelFinished()
                    if case .failure(let error) = result {
                        logger.warning("could not forward a cancel request", metadata: ["error": "\(error)"])
                    }
                }
            }
            // As PostgreSQL: no answer either way, just close.
            context.close(promise: nil)
        case .startup(let startup):
            startupMessage(startup, context: context)
        }
    }

    private func startupMessage(_ startup: StartupMessage, context: ChannelHandlerContext) {
        guard admitClient(context: context) else { return }
        let snapshot = runtime.snapshot
        let minor = startup.protocolVersion & 0xFFFF
        let unrecognized = startup.parameters.map(\.name).filter { $0.hasPrefix("_pq_.") }
        if minor > 0 || !unrecognized.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: 32)
            NegotiateProtocolVersion(newestMinorVersion: 0, unrecognizedOptions: unrecognized).encode(into: &buffer)
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
        guard let user = startup.user, !user.isEmpty else {
            return fatal(ClientFacingError(
                fatal: true,
                sqlState: SQLState.invalidAuthorizationSpecification,
                message: "no PostgreSQL user name specified in startup packet"
            ), context: context)
        }
        if let replication = startup.replication, !StartupParameterSync.isFalse(replication) {
            return fatal(ClientFacingError(
                fatal: true,
                sqlState: SQLState.featureNotSupported,
                message: "replication connections are not supported through pgring",
                hint: "Connect to the PostgreSQL server directly for replication."
            ), context: context)
        }
        logger[metadataKey: "user"] = "\(user)"
        var auth = ClientAuthenticationStateMachine(
            userName: user,
            method: snapshot.configuration.pgring.authMethod,
            credentials: snapshot.users[user],
            mockSeed: snapshot.users.mockSeed
        )
        let action = auth.start()
        state = .authenticating(auth, startup)
        perform(action, context: context)
    }

    private func frontendMessage(_ message: RawMessage, context: ChannelHandlerContext) {
        switch state {
        case .relaying:
            // Not reached in practice: batches take the fast path in relay(_:context:).
            relay(FrameBatch(validatedBytes: message.frame(allocator: context.channel.allocator)), context: context)
        case .multiplexing:
            // Not reached in practice: batches take relayMultiplexed(_:context:).
            relayMultiplexed(FrameBatch(validatedBytes: message.frame(allocator: context.channel.allocator)), context: context)
        case .authenticating(var auth, let startup):
            if message.id == FrontendMessageID.terminate.rawValue {
                enterClosing()
                context.close(promise: nil)
                return
            }
            guard message.id == FrontendMessageID.password.rawValue else {
                return violation("expected a password message during authentication, got message type \(Self.describe(message.id))", context: context)
            }
            let action = auth.passwordMessage(message)
            state = .authenticating(auth, startup)
            perform(action, context: context)
        case .awaitingServer:
            if message.id == FrontendMessageID.terminate.rawValue {
                context.close(promise: nil)
                return
            }
            early.appendFrames(message.frame(allocator: context.channel.allocator))
        case .admin:
            adminMessage(message, context: context)
        case .awaitingStartup:
            violation("expected a startup packet", context: context)
        case .closing:
            break
        }
    }

    /// `host:port` of a client address ("unix socket" for a Unix-domain one).
    static func describe(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "unix socket" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private static func describe(_ id: UInt8) -> String {
        (32...126).contains(id) ? "'\(Character(UnicodeScalar(id)))'" : "0x\(String(id, radix: 16))"
    }

    // MARK: - Authentication

    private func perform(_ action: ClientAuthenticationStateMachine.Action, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        switch action {
        case .sendSASLMechanisms(let mechanisms):
            AuthenticationRequest.sasl(mechanisms: mechanisms).encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .sendSASLContinue(let data):
            AuthenticationRequest.saslContinue(data: data).encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .sendMD5Challenge(let salt):
            AuthenticationRequest.md5Password(salt: salt).encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .sendSASLFinalAndSucceed(let data):
            AuthenticationRequest.saslFinal(data: data).encode(into: &buffer)
            context.write(wrapOutboundOut(buffer), promise: nil)
            authenticated(context: context)
        case .succeed:
            authenticated(context: context)
        case .fail(let error):
            if case .authenticating(let auth, _) = state {
                logger.info("client authentication failed", metadata: ["reason": "\(auth.failureReason ?? "unknown")"])
            }
            enterClosing()
            let delay = runtime.snapshot.configuration.pgring.authFailureDelay
            if delay > 0 {
                let this = NIOLoopBound(self, eventLoop: context.eventLoop)
                let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
                    this.value.fatal(error, context: boundContext.value)
                }
            } else {
                fatal(error, context: context)
            }
        }
    }

    private func authenticated(context: ChannelHandlerContext) {
        guard case .authenticating(_, let startup) = state else { return }
        let configuration = runtime.snapshot.configuration
        let requested = startup.database ?? startup.user ?? ""
        loginUser = startup.user ?? ""
        loginDatabase = requested
        if requested == Self.adminDatabase {
            return startAdminConsole(user: startup.user ?? "", context: context)
        }
        guard let database = configuration.databases.first(where: { $0.name == requested }) else {
            enterClosing()
            return fatal(ClientFacingError(
                fatal: true,
                sqlState: SQLState.invalidCatalogName,
                message: "database \"\(requested)\" does not exist",
                hint: "pgring serves the databases listed in [[databases]]: \(configuration.databases.map(\.name).joined(separator: ", "))."
            ), context: context)
        }
        guard admitLogin(user: startup.user ?? "", database: database, context: context) else { return }
        let defaultShard = configuration.routing.defaultShard ?? configuration.shards.first?.name
        guard let shard = configuration.shards.first(where: { $0.name == defaultShard }) else {
            enterClosing()
            return fatal(ClientFacingError(fatal: true, sqlState: SQLState.cannotConnectNow, message: "no shard is configured"), context: context)
        }
        var ok = context.channel.allocator.buffer(capacity: 9)
        AuthenticationRequest.ok.encode(into: &ok)
        context.writeAndFlush(wrapOutboundOut(ok), promise: nil)

        let mode = database.poolMode ?? configuration.pool.mode
        if mode != .session {
            multiplexer = TransactionMultiplexer(
                isStatementMode: mode == .statement,
                maxPreparedStatements: configuration.pool.maxPreparedStatements,
                startupSettings: StartupParameterSync.settings(for: startup)
            )
        }
        let key = PoolKey(address: shard.primary, user: configuration.server.user, database: database.serverDatabase, mode: mode)
        poolKeyTemplate = key
        if mode != .session, let table = runtime.routingTable, !table.isTrivial {
            shardRouter = ShardRoutingStateMachine(replicaReads: configuration.routing.replicaReads)
        }
        let pool = runtime.pool(for: key, shardName: shard.name)
        leaseRequestedAt = .now()
        let (requestID, future) = pool.lease(on: context.eventLoop)
        state = .awaitingServer(startup, pool: pool, requestID: requestID)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        future.whenComplete { result in
            loopBoundSelf.value.leaseCompleted(result, startup: startup, pool: pool, context: loopBoundContext.value)
        }
    }

    // MARK: - Getting a server

    private func leaseCompleted(_ result: Result<ServerConnection, Error>, startup: StartupMessage, pool: ServerPool, context: ChannelHandlerContext) {
        guard case .awaitingServer = state else {
            // The client left while waiting: give the connection straight back.
            if case .success(let server) = result { pool.release(server, reset: multiplexer == nil) }
            return
        }
        switch result {
        case .failure(let error):
            enterClosing()
            fatal(Self.clientError(for: error, shard: pool.key.address), context: context)
        case .success(let server):
            metricsBuffer?.poolWait(pool: pool, seconds: Double((NIODeadline.now() - leaseRequestedAt).nanoseconds) / 1e9)
            prepare(server, startup: startup, pool: pool, context: context)
        }
    }

    static func clientError(for error: Error, shard: ServerAddress) -> ClientFacingError {
        if let error = error as? PoolError {
            return ClientFacingError(fatal: true, sqlState: error.sqlState, message: "\(error.message) (server \(shard))")
        }
        return ClientFacingError(fatal: true, sqlState: SQLState.cannotConnectNow, message: "could not get a connection to server \(shard): \(error)")
    }

    /// Applies the client's startup parameters on the server (SET), then attaches and greets the client.
    private func prepare(_ server: ServerConnection, startup: StartupMessage, pool: ServerPool, context: ChannelHandlerContext) {
        if multiplexer != nil {
            return prepareMultiplexed(server, pool: pool, context: context)
        }
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let sql = StartupParameterSync.statements(for: startup)
        let applied: EventLoopFuture<Void> = sql.isEmpty ? server.eventLoop.makeSucceededVoidFuture() : server.runInternalQuery(sql)
        let relay = ClientRelay(context: context, serverLoop: server.eventLoop)
        applied.flatMap { server.attach(relay) }.hop(to: context.eventLoop).whenComplete { result in
            let this = loopBoundSelf.value
            let context = loopBoundContext.value
            guard case .awaitingServer = this.state else {
                pool.release(server)
                return
            }
            switch result {
            case .failure(let error):
                this.enterClosing()
                pool.release(server)
                let message: String
                if case ServerConnectionError.internalQueryFailed(let what) = error {
                    message = "invalid startup parameter: \(what)"
                } else {
                    message = "could not prepare the server connection: \(error)"
                }
                this.fatal(ClientFacingError(fatal: true, sqlState: "22023", message: message), context: context)
            case .success(let snapshot):
                this.greet(server, pool: pool, snapshot: snapshot, context: context)
            }
        }
    }

    private func greet(_ server: ServerConnection, pool: ServerPool, snapshot: ServerConnection.Snapshot, context: ChannelHandlerContext) {
        sendGreeting(snapshot, context: context)
        armIdleTimer(context: context)
        if let backend = snapshot.backendKey {
            cancelKey?.setTarget(CancelTarget(address: server.address, processID: backend.processID, secretKey: backend.secretKey))
        }
        state = .relaying(server, pool: pool)
        if let bytes = early {
            early = nil
            server.forward(bytes)
        }
    }

    /// ParameterStatus for each server parameter, the client's own BackendKeyData, ReadyForQuery 'I'.
    func sendGreeting(_ snapshot: ServerConnection.Snapshot, context: ChannelHandlerContext) {
        let key = runtime.cancelRegistry.register()
        cancelKey = key
        runtime.sessions.describe(SessionRegistry.Record(
            id: key.processID, user: loginUser, database: loginDatabase,
            address: Self.describe(context.channel.remoteAddress), connectedAt: Date(), channel: context.channel))
        var buffer = context.channel.allocator.buffer(capacity: 512)
        for (name, value) in snapshot.parameters.sorted(by: { $0.key < $1.key }) {
            ParameterStatus(name: name, value: value).encode(into: &buffer)
        }
        BackendKeyData(processID: key.processID, secretKey: key.secretKey).encode(into: &buffer)
        ReadyForQuery(transactionStatus: .idle).encode(into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    // MARK: - Errors

    func violation(_ message: String, context: ChannelHandlerContext) {
        logger.info("protocol violation from client", metadata: ["error": "\(message)"])
        enterClosing()
        fatal(ClientFacingError(fatal: true, sqlState: SQLState.protocolViolation, message: message), context: context)
    }

    /// Sends a FATAL ErrorResponse and closes the connection.
    func fatal(_ error: ClientFacingError, context: ChannelHandlerContext) {
        runtime.metrics.error(sqlState: error.sqlState)
        var buffer = context.channel.allocator.buffer(capacity: 128)
        ErrorResponse(
            severity: error.isFatal ? .fatal : .error,
            code: error.sqlState,
            message: error.message,
            detail: error.detail,
            hint: error.hint
        ).encode(into: &buffer)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func writeRaw(_ bytes: [UInt8], context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
