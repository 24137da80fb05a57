import Logging
import Multiplexing
import NIOCore
import PGWire

/// Hands backend batches of the server connection a transaction-mode client holds to that client's
/// handler, on the client's event loop (the handler alone decides when the connection goes back).
final class MultiplexedClientRelay: ServerConnectionDelegate {
    let eventLoop: EventLoop
    let handler: NIOLoopBound<ClientSessionHandler>
    let context: NIOLoopBound<ChannelHandlerContext>

    init(handler: ClientSessionHandler, context: ChannelHandlerContext) {
        self.eventLoop = context.eventLoop
        self.handler = NIOLoopBound(handler, eventLoop: context.eventLoop)
        self.context = NIOLoopBound(context, eventLoop: context.eventLoop)
    }

    func serverConnection(_ connection: ServerConnection, received bytes: ByteBuffer, readyForQueryCount: Int, lastStatus: TransactionStatus?) {
        if eventLoop.inEventLoop {
            handler.value.backendBatch(bytes, readyForQueryCount: readyForQueryCount, lastStatus: lastStatus, from: connection, context: context.value)
        } else {
            eventLoop.execute { [handler, context] in
                handler.value.backendBatch(bytes, readyForQueryCount: readyForQueryCount, lastStatus: lastStatus, from: connection, context: context.value)
            }
        }
    }

    func serverConnectionLost(_ connection: ServerConnection) {
        eventLoop.execute { [handler, context] in
            handler.value.heldServerLost(connection, context: context.value)
        }
    }

    func serverConnectionWritable(_ connection: ServerConnection) {
        eventLoop.execute { [context] in
            context.value.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }
}

/// Transaction and statement pooling: the client holds a server connection from its first message after
/// ReadyForQuery 'I' until the server is done with everything it sent (``TransactionMultiplexer``).
extension ClientSessionHandler {
    /// At login: the server connection of the greeting gets the client's startup settings (so bad values
    /// fail the login, as on a direct connection), the client is greeted with its parameters, and the
    /// connection goes back to the pool.
    func prepareMultiplexed(_ server: ServerConnection, pool: ServerPool, context: ChannelHandlerContext) {
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let replayed = multiplexer?.settingsReplay(for: server.session.state).map { replaySettings($0, on: server, context: context) }
            ?? context.eventLoop.makeSucceededVoidFuture()
        replayed.flatMap {
            server.snapshot()
        }.hop(to: context.eventLoop).whenComplete { result in
            let handler = this.value
            let context = boundContext.value
            guard case .awaitingServer = handler.state else {
                pool.release(server, reset: false)
                return
            }
            switch result {
            case .failure(let error):
                handler.enterClosing()
                pool.release(server, reset: false)
                handler.fatal(Self.preparationError(error), context: context)
            case .success(let snapshot):
                handler.sendGreeting(snapshot, context: context)
                handler.state = .multiplexing(pool: pool, lease: .none)
                handler.armIdleTimer(context: context)
                pool.release(server, reset: false)
                if handler.shardRouter != nil {
                    handler.pumpRouting(context: context)
                } else if handler.early != nil {
                    handler.requestServer(pool, context: context)
                }
            }
        }
    }

    static func preparationError(_ error: Error) -> ClientFacingError {
        if case ServerConnectionError.internalQueryFailed(let what) = error {
            return ClientFacingError(fatal: true, sqlState: "22023", message: "could not apply the session settings: \(what)")
        }
        return ClientFacingError(fatal: true, sqlState: SQLState.cannotConnectNow, message: "could not prepare the server connection: \(error)")
    }

    /// Runs a settings replay (``TransactionMultiplexer/settingsReplay(for:)``) on the server and records it;
    /// completes on the client's loop.
    func replaySettings(_ sql: String, on server: ServerConnection, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        return server.runInternalQuery(sql).hop(to: context.eventLoop).map {
            this.value.multiplexer?.settingsReplayed(on: &server.session.state)
        }
    }

    /// The relay fast path of a transaction-mode client: stop at Terminate; rewrite and send while holding
    /// a server connection, otherwise keep the frames and ask the pool for one.
    func relayMultiplexed(_ batch: FrameBatch, context: ChannelHandlerContext) {
        let (bytes, terminateOffset) = Self.splitAtTerminate(batch)
        if bytes.readableBytes > 0 { countReceived(bytes.readableBytes) }
        if shardRouter != nil {
            if bytes.readableBytes > 0 {
                early.appendFrames(bytes)
                pumpRouting(context: context)
            }
        } else if bytes.readableBytes > 0, case .multiplexing(let pool, let lease) = state {
            switch lease {
            case .holding(let server):
                if let rewritten = multiplexer?.frontend(bytes, server: &server.session.state) {
                    outgoing.appendFrames(rewritten)
                }
            case .none:
                early.appendFrames(bytes)
                requestServer(pool, context: context)
            case .waiting, .preparing, .finishing, .paused:
                early.appendFrames(bytes)
            }
        }
        if terminateOffset != nil {
            flushOutgoing(context: context)
            context.close(promise: nil)
        }
    }

    /// Asks the pool for a server connection for the frames waiting in `early`.
    func requestServer(_ pool: ServerPool, context: ChannelHandlerContext) {
        let parked = NIOLoopBound(self, eventLoop: context.eventLoop)
        let parkedContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        if let token = runtime.pauseGate.park(shard: pool.shardName, resume: {
            eventLoop.execute {
                guard case .multiplexing(_, .paused) = parked.value.state else { return }
                parked.value.requestServer(pool, context: parkedContext.value)
            }
        }) {
            state = .multiplexing(pool: pool, lease: .paused(token: token))
            return
        }
        leaseRequestedAt = .now()
        let requestID: Int
        let future: EventLoopFuture<ServerConnection>
        switch pool.leaseNow(on: context.eventLoop) {
        case .leased(let leasedID, let server):
            // An idle connection at once (the common case): no promise round.
            state = .multiplexing(pool: pool, lease: .waiting(requestID: leasedID))
            return leaseForTransaction(.success(server), requestID: leasedID, pool: pool, context: context)
        case .waiting(let waitingID, let waitingFuture):
            requestID = waitingID
            future = waitingFuture
        }
        state = .multiplexing(pool: pool, lease: .waiting(requestID: requestID))
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        future.whenComplete { result in
            this.value.leaseForTransaction(result, requestID: requestID, pool: pool, context: boundContext.value)
        }
    }

    private func leaseForTransaction(_ result: Result<ServerConnection, Error>, requestID: Int, pool: ServerPool, context: ChannelHandlerContext) {
        guard case .multiplexing(_, .waiting(let waitingID)) = state, waitingID == requestID else {
            if case .success(let server) = result { pool.release(server, reset: false) }
            return
        }
        switch result {
        case .failure(let error):
            if retryOnPrimary(after: error, context: context) { return }
            enterClosing()
            fatal(Self.clientError(for: error, shard: pool.key.address), context: context)
        case .success(let server):
            state = .multiplexing(pool: pool, lease: .preparing(server))
            let relay = multiplexedRelay(context: context)
            // The attach is queued on the server's loop ahead of the frames startHolding sends.
            guard let sql = multiplexer?.settingsReplay(for: server.session.state) else {
                server.attachSoon(relay)
                return startHolding(server, pool: pool, context: context)
            }
            let this = NIOLoopBound(self, eventLoop: context.eventLoop)
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            replaySettings(sql, on: server, context: context).whenComplete { result in
                let handler = this.value
                guard case .multiplexing(_, .preparing(let preparing)) = handler.state, preparing === server else { return }
                switch result {
                case .failure(let error):
                    handler.enterClosing()
                    handler.fatal(Self.preparationError(error), context: boundContext.value)
                case .success:
                    server.attachSoon(relay)
                    handler.startHolding(server, pool: pool, context: boundContext.value)
                }
            }
        }
    }

    /// The relay used for every server connection this client holds.
    private func multiplexedRelay(context: ChannelHandlerContext) -> MultiplexedClientRelay {
        if let relay = multiplexedClientRelay { return relay }
        let relay = MultiplexedClientRelay(handler: self, context: context)
        multiplexedClientRelay = relay
        return relay
    }

    private func startHolding(_ server: ServerConnection, pool: ServerPool, context: ChannelHandlerContext) {
        metricsBuffer?.poolWait(pool: pool, seconds: Double((NIODeadline.now() - leaseRequestedAt).nanoseconds) / 1e9)
        if let backend = server.backendKey {
            cancelKey?.setTarget(CancelTarget(
                address: server.address, processID: backend.processID, secretKey: backend.secretKey, connection: server))
        }
        state = .multiplexing(pool: pool, lease: .holding(server))
        if shardRouter != nil {
            heldTarget = requestedTarget
            return pumpRouting(context: context, newLease: true)
        }
        if let bytes = early {
            early = nil
            if let rewritten = multiplexer?.frontend(bytes, server: &server.session.state) {
                outgoing.appendFrames(rewritten)
            }
            flushOutgoing(context: context)
        }
    }

    /// A backend batch from a server connection (on the client's loop): account for it, relay what is the
    /// client's, and give the connection back as soon as the server is done with everything the client sent.
    func backendBatch(_ bytes: ByteBuffer, readyForQueryCount: Int, lastStatus: TransactionStatus?, from server: ServerConnection, context: ChannelHandlerContext) {
        guard case .multiplexing(let pool, .holding(let held)) = state, held === server else {
            // Late bytes (a notice) from a connection already given back: not this client's any more.
            logger.debug("dropping backend bytes from a server connection this client does not hold", metadata: ["server": "\(server)", "bytes": "\(bytes.readableBytes)"])
            return
        }
        let relayed = multiplexer?.backend(bytes, readyForQueryCount: readyForQueryCount, lastStatus: lastStatus, server: &server.session.state)
        if let relayed {
            countSent(relayed.readableBytes)
            context.writeAndFlush(wrapOutboundOut(relayed), promise: nil)
            if !context.channel.isWritable {
                serverReadingPaused = true
                server.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            }
        }
        if multiplexer?.violatesStatementMode == true {
            enterClosing()
            return fatal(ClientFacingError(
                fatal: true,
                sqlState: SQLState.featureNotSupported,
                message: "transaction blocks are not allowed in statement pooling mode",
                hint: "Send each statement on its own, or use pool_mode = \"transaction\" for this database."
            ), context: context)
        }
        if multiplexer?.canRelease == true {
            metricsBuffer?.transactionCompleted(pool: pool, seconds: Double((NIODeadline.now() - leaseRequestedAt).nanoseconds) / 1e9)
            cancelKey?.setTarget(nil)
            if serverReadingPaused {
                serverReadingPaused = false
                server.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            }
            if shardRouter != nil { return releaseRouted(server, pool: pool, context: context) }
            state = .multiplexing(pool: pool, lease: .none)
            pool.releaseClean(server)
        } else if shardRouter != nil {
            pumpRouting(context: context)
        }
    }

    /// The server connection this client holds died.
    func heldServerLost(_ server: ServerConnection, context: ChannelHandlerContext) {
        guard case .multiplexing(_, .holding(let held)) = state, held === server else { return }
        serverLost(server, context: context)
    }
}
