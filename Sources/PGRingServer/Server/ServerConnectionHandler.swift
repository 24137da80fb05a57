import Logging
import Multiplexing
import NIOCore
import NIOSSL
import NIOTLS
import PGAuth
import PGWire

/// Receives what a server connection says while it is attached to a client session.
protocol ServerConnectionDelegate: AnyObject, Sendable {
    /// A batch of backend frames for the client, byte-identical, with the number of ReadyForQuery messages in
    /// it and the last one's transaction status. Called on the server's event loop.
    func serverConnection(_ connection: ServerConnection, received bytes: ByteBuffer, readyForQueryCount: Int, lastStatus: TransactionStatus?)
    /// The server connection was lost while attached. Called on the server's event loop.
    func serverConnectionLost(_ connection: ServerConnection)
    /// The server connection can take more bytes again (it was not writable). Called on the server's event loop.
    func serverConnectionWritable(_ connection: ServerConnection)
}

/// The ChannelHandler of one pgring -> PostgreSQL connection. Performs the login actions of
/// ``ServerStartupStateMachine``, then relays byte batches between the server and the attached client,
/// keeping just enough state (ReadyForQuery count and status) to know whether the connection is clean.
/// All state is confined to the channel's event loop. It decodes its own input (``InboundDecoding`` with a
/// `BackendBatchDecoder`), with no `ByteToMessageHandler` in front (the relay's hot path).
final class ServerConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler, SelfDecodingHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the connection is doing.
    enum Mode {
        /// Logging in; the promise completes when the first ReadyForQuery arrives.
        case starting(EventLoopPromise<Void>)
        /// Idle in the pool, nobody attached.
        case idle
        /// Running a query of pgring's own (reset, SET replay, LSN and health queries); the text values of its
        /// rows are collected, everything else is swallowed.
        case internalQuery(EventLoopPromise<[[String?]]>, firstError: String?, rows: [[String?]])
        /// Attached to a client session: everything is relayed.
        case attached(any ServerConnectionDelegate)
        /// Closed or failed.
        case closed
    }

    private var startup: ServerStartupStateMachine
    private var mode: Mode
    private let tlsContext: NIOSSLContext?
    private let tlsServerName: String?
    private let logger: Logger
    private weak var connection: ServerConnection?
    private var context: ChannelHandlerContext?

    /// What the server still owes for what was sent to it.
    private var accounting = FrontendAccounting()
    /// The transaction status of the last ReadyForQuery.
    private(set) var transactionStatus: TransactionStatus = .idle
    /// Backend bytes read in this read cycle, to be handed over at channelReadComplete.
    private var pendingToClient: ByteBuffer?
    /// ReadyForQuery messages in `pendingToClient`, and the last one's status.
    private var pendingReadyForQueryCount = 0
    private var pendingLastStatus: TransactionStatus?
    /// The server's bytes: the answer to SSLRequest, then batches of typed frames.
    var input: InboundDecoding<BackendBatchDecoder>
    /// True while `decodeAndHandle` works through `input` (a nested read only adds its bytes).
    var decodingInput = false

    init(
        startup: ServerStartupStateMachine,
        decoder: BackendBatchDecoder,
        loginPromise: EventLoopPromise<Void>,
        tlsContext: NIOSSLContext?,
        tlsServerName: String?,
        logger: Logger
    ) {
        self.startup = startup
        self.input = InboundDecoding(decoder)
        self.mode = .starting(loginPromise)
        self.tlsContext = tlsContext
        self.tlsServerName = tlsServerName
        self.logger = logger
    }

    func bind(connection: ServerConnection) {
        self.connection = connection
    }

    /// Server parameters reported so far (ParameterStatus), by name.
    var parameters: [String: String] { startup.parameters }
    /// The server's BackendKeyData.
    var backendKey: BackendKeyData? { startup.backendKey }
    /// The SCRAM keys of the login, if it used SCRAM.
    var authenticatedKeys: SCRAMClientKeys? { startup.authenticatedKeys }
    /// True when nothing is owed by the server and no transaction is open: safe to hand to someone else.
    var isClean: Bool { accounting.readyForQueryOutstanding == 0 && !accounting.unsynced && transactionStatus == .idle }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(startup.start(), context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        decodeAndHandle(unwrapInboundIn(data), context: context)
    }

    func handleInput(_ item: BackendInput, context: ChannelHandlerContext) {
        switch item {
        case .encryptionResponse(let byte):
            perform(startup.encryptionResponse(byte), context: context)
        case .frames(let batch):
            if case .attached = mode {
                // Fast path: look only at what pgring tracks (ReadyForQuery, ParameterStatus), forward the
                // bytes whole.
                batch.forEachFrameID { id, offset in
                    if id == BackendMessageID.readyForQuery.rawValue || id == BackendMessageID.parameterStatus.rawValue,
                       let message = batch.message(at: offset) {
                        track(message)
                    }
                    return true
                }
                pendingToClient.appendFrames(batch.bytes)
            } else {
                batch.forEachFrame { message, _ in
                    received(message, context: context)
                    return true
                }
            }
        }
    }

    private func received(_ message: RawMessage, context: ChannelHandlerContext) {
        switch mode {
        case .starting:
            perform(startup.message(message), context: context)
        case .attached:
            // Not reached in practice: attached batches take the fast path in channelRead.
            track(message)
            pendingToClient.appendFrames(message.frame(allocator: context.channel.allocator))
        case .internalQuery(let promise, let firstError, var rows):
            track(message)
            var error = firstError
            if message.id == BackendMessageID.errorResponse.rawValue, error == nil {
                error = (try? ErrorResponse.decode(from: message))?.message ?? "error"
                mode = .internalQuery(promise, firstError: error, rows: rows)
            }
            if message.id == BackendMessageID.dataRow.rawValue, rows.count < Self.maxInternalRows,
               let row = try? DataRow.decode(from: message) {
                mode = .idle  // drop the old array's reference before appending (no copy)
                rows.append(row.values)
                mode = .internalQuery(promise, firstError: error, rows: rows)
            }
            if message.id == BackendMessageID.readyForQuery.rawValue, accounting.readyForQueryOutstanding == 0 {
                mode = .idle
                if let error {
                    promise.fail(ServerConnectionError.internalQueryFailed(error))
                } else {
                    promise.succeed(rows)
                }
            }
        case .idle:
            // An idle server may still send ParameterStatus or NoticeResponse (e.g. on shutdown).
            track(message)
            if message.id == BackendMessageID.errorResponse.rawValue {
                let error = (try? ErrorResponse.decode(from: message))?.message ?? "error"
                logger.info("idle server connection reported an error; closing it", metadata: ["error": "\(error)"])
                context.close(promise: nil)
            }
        case .closed:
            break
        }
    }

    /// Keeps the little state pgring needs: parameters, ReadyForQuery count and transaction status.
    private func track(_ message: RawMessage) {
        switch message.id {
        case BackendMessageID.readyForQuery.rawValue:
            accounting.readyForQueryReceived()
            if let ready = try? ReadyForQuery.decode(from: message) {
                transactionStatus = ready.transactionStatus
            }
            pendingReadyForQueryCount += 1
            pendingLastStatus = transactionStatus
        case BackendMessageID.parameterStatus.rawValue:
            if let status = try? ParameterStatus.decode(from: message) {
                startup.updateParameter(status.name, status.value)
            }
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let bytes = pendingToClient, let connection {
            pendingToClient = nil
            let count = pendingReadyForQueryCount
            let status = pendingLastStatus
            if case .attached(let delegate) = mode {
                delegate.serverConnection(connection, received: bytes, readyForQueryCount: count, lastStatus: status)
            }
        }
        pendingReadyForQueryCount = 0
        pendingLastStatus = nil
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Client bytes are whole frames (the client side's batch decoder checked them).
        let bytes = unwrapOutboundIn(data)
        accounting.sent(FrameBatch(validatedBytes: bytes))
        context.write(wrapOutboundOut(bytes), promise: promise)
    }

    /// Writes and flushes client bytes (whole frames) from this handler's place in the pipeline, accounted as
    /// ``write(context:data:promise:)`` does: ``ServerConnection/forward(_:)`` on the channel's event loop.
    func send(_ bytes: ByteBuffer) {
        guard let context else { return }
        accounting.sent(FrameBatch(validatedBytes: bytes))
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .attached(let delegate) = mode, let connection {
            delegate.serverConnectionWritable(connection)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            perform(startup.tlsEstablished(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("server connection error", metadata: ["error": "\(error)"])
        failAndClose(ServerConnectionError.io("\(error)"), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        input.finish()
        failAndClose(ServerConnectionError.closedByServer, context: context)
        context.fireChannelInactive()
    }

    private func failAndClose(_ error: ServerConnectionError, context: ChannelHandlerContext) {
        let previous = mode
        mode = .closed
        switch previous {
        case .starting(let promise):
            promise.fail(error)
        case .internalQuery(let promise, _, _):
            promise.fail(error)
        case .attached(let delegate):
            if let connection { delegate.serverConnectionLost(connection) }
        case .idle, .closed:
            break
        }
        context.close(promise: nil)
    }

    // MARK: - Login actions

    private func perform(_ action: ServerStartupStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .sendSSLRequest:
            var buffer = context.channel.allocator.buffer(capacity: 8)
            StartupPacket.sslRequest.encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .startTLS:
            guard let tlsContext else {
                failAndClose(.tls("no TLS context configured"), context: context)
                return
            }
            do {
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: tlsServerName)
                try context.pipeline.syncOperations.addHandler(handler, position: .first)
            } catch {
                failAndClose(.tls("\(error)"), context: context)
            }
        case .sendStartup(let parameters):
            var buffer = context.channel.allocator.buffer(capacity: 128)
            StartupMessage(parameters: parameters).encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .sendPassword(let password):
            var buffer = context.channel.allocator.buffer(capacity: 64)
            PasswordMessage(password: password).encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .sendSASLInitialResponse(let mechanism, let data):
            var buffer = context.channel.allocator.buffer(capacity: 128)
            SASLInitialResponse(mechanism: mechanism, data: data).encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .sendSASLResponse(let data):
            var buffer = context.channel.allocator.buffer(capacity: 128)
            SASLResponse(data: data).encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .wait:
            break
        case .ready:
            transactionStatus = .idle
            if case .starting(let promise) = mode {
                mode = .idle
                promise.succeed(())
            }
        case .fail(let error):
            failAndClose(.login(error), context: context)
        }
    }

    // MARK: - Operations requested by the pool and the client session (on the channel's loop)

    /// Attach a client session: from now on backend bytes go to it.
    func attach(_ delegate: any ServerConnectionDelegate) {
        switch mode {
        case .idle, .attached:
            // `.attached`: a transaction-mode client gave the connection back without a detach (its own
            // accounting proved it clean); the next holder replaces it.
            mode = .attached(delegate)
        case .starting, .internalQuery, .closed:
            break
        }
    }

    /// Detach the client session (the connection becomes idle if it was attached) and report whether the
    /// connection is clean.
    func detachReportingOutcome() -> ServerConnection.DetachOutcome {
        if case .attached = mode { mode = .idle }
        return ServerConnection.DetachOutcome(isClean: isClean, readyForQueryOutstanding: accounting.readyForQueryOutstanding)
    }

    /// Most rows an internal query collects (pgring's own queries return one row; this bounds a mistake).
    static let maxInternalRows = 1_000

    /// Runs one simple Query of pgring's own; the promise gets the text values of its rows.
    func runInternalQuery(_ sql: String, promise: EventLoopPromise<[[String?]]>) {
        // `.attached` here is a connection a transaction-mode client gave back without a detach.
        let available: Bool
        switch mode {
        case .idle, .attached: available = true
        case .starting, .internalQuery, .closed: available = false
        }
        guard available, let context else {
            promise.fail(ServerConnectionError.notIdle)
            return
        }
        mode = .internalQuery(promise, firstError: nil, rows: [])
        var buffer = context.channel.allocator.buffer(capacity: sql.utf8.count + 6)
        Query(sql: sql).encode(into: &buffer)
        accounting.sent(FrontendMessageID.query.rawValue)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

}

/// Why a server connection stopped or an operation on it failed.
enum ServerConnectionError: Error, Equatable, CustomStringConvertible {
    case login(ServerStartupError)
    case closedByServer
    case io(String)
    case tls(String)
    case notIdle
    case internalQueryFailed(String)
    case connectFailed(String)

    var description: String {
        switch self {
        case .login(let error): return error.description
        case .closedByServer: return "the server closed the connection"
        case .io(let what): return "network error: \(what)"
        case .tls(let what): return "TLS error: \(what)"
        case .notIdle: return "the server connection is busy"
        case .internalQueryFailed(let what): return "query failed: \(what)"
        case .connectFailed(let what): return "could not connect: \(what)"
        }
    }
}
