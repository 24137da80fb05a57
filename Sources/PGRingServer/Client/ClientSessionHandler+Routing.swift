import Config
import Multiplexing
import NIOCore
import PGWire
import Routing

/// Sharded routing of a transaction-mode client: each unit of its frames goes to the shard and role
/// ``ShardRoutingStateMachine`` picks, on a server connection leased from that server's pool.
extension ClientSessionHandler {
    /// Moves the pending frames (`early`) as far as they can go now: answers pgring gives itself, frames sent
    /// to the held server, or a lease request. Called after new frames, a lease (`newLease`: the table read here
    /// also tells under which rebalance freeze, if any, the server was leased), and each backend batch.
    func pumpRouting(context: ChannelHandlerContext, newLease: Bool = false) {
        guard shardRouter != nil, let table = runtime.routingTable else { return }
        if newLease { heldFreezeID = table.freeze?.id }
        var wroteToClient = false
        loop: while true {
            let held: ShardRoutingStateMachine.Held?
            switch state {
            case .multiplexing(_, .holding):
                guard let target = heldTarget, let multiplexer else { break loop }
                held = ShardRoutingStateMachine.Held(
                    target: target,
                    isBusy: multiplexer.readyForQueryOutstanding > 0 || multiplexer.unsynced,
                    isUnsynced: multiplexer.unsynced,
                    status: multiplexer.transactionStatus,
                    isPinned: !multiplexer.pins.isEmpty || !multiplexer.listening.isEmpty,
                    leasedDuringFreeze: heldFreezeID != nil && heldFreezeID == table.freeze?.id)
            case .multiplexing(_, .none):
                held = nil
            case .multiplexing(_, .waiting), .multiplexing(_, .preparing), .multiplexing(_, .finishing), .multiplexing(_, .paused),
                 .awaitingStartup, .authenticating, .awaitingServer, .relaying, .admin, .closing:
                break loop
            }
            let step = shardRouter!.next(&early, held: held, table: table)
            switch step {
            case .idle, .wait:
                break loop
            case .answer(let bytes, let unsentParses):
                for frame in unsentParses { multiplexer?.registerUnsentParse(frame) }
                if bytes.readableBytes > 0 {
                    countSent(bytes.readableBytes)
                    context.write(wrapOutboundOut(bytes), promise: nil)
                    wroteToClient = true
                }
            case .forward(let bytes, let silentQueries, let statusOverride):
                guard case .multiplexing(_, .holding(let server)) = state, let rewritten = multiplexer?.frontend(
                    bytes, server: &server.session.state, silentQueries: silentQueries, statusOverride: statusOverride) else { break loop }
                outgoing.appendFrames(rewritten)
            case .lease(let target):
                leaseRouted(target, context: context)
                break loop
            case .frozen:
                parkFrozen(context: context)
                break loop
            }
        }
        if wroteToClient { context.flush() }
        flushOutgoing(context: context)
        if let reasons = shardRouter?.takeRoutedReasons(), !reasons.isEmpty {
            for reason in reasons { runtime.metrics.routed(outcome: RoutingOutcome(reason)) }
        }
    }

    /// A rebalance cutover holds the pending unit: an idle held server goes back to the pool, and the session
    /// waits in the runtime's ``WriteFreezeGate`` until the cutover ends, then routes the unit again.
    private func parkFrozen(context: ChannelHandlerContext) {
        if case .multiplexing(let pool, .holding(let server)) = state, multiplexer?.canRelease == true {
            return releaseRouted(server, pool: pool, context: context)  // routes again, and parks then
        }
        guard frozenToken == nil else { return }
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let resume: @Sendable () -> Void = {
            eventLoop.execute {
                this.value.frozenToken = nil
                this.value.pumpRouting(context: boundContext.value)
            }
        }
        if let token = runtime.writeFreezeGate.park(resume: resume) {
            frozenToken = token
        } else {
            // The cutover ended between the decision and now: route again with the new table.
            eventLoop.execute { this.value.pumpRouting(context: boundContext.value) }
        }
    }

    /// Leases a server connection for `target`: the primary, or a replica that is in rotation and has
    /// replayed this client's last write on the shard (else the primary, unless `replica_fallback = "error"`).
    private func leaseRouted(_ target: ShardRoutingStateMachine.Target, context: ChannelHandlerContext) {
        let configuration = runtime.snapshot.configuration
        guard let shard = configuration.shards.first(where: { $0.name == target.shard }) else {
            enterClosing()
            return fatal(ClientFacingError(fatal: true, sqlState: SQLState.cannotConnectNow, message: "shard \(target.shard) is not configured"), context: context)
        }
        var address = shard.primary
        var actual = ShardRoutingStateMachine.Target(shard: shard.name, role: .primary)
        readReplica = nil
        if target.role == .replica {
            let minimum = configuration.routing.readYourWrites ? shardRouter?.minimumLSN(for: shard.name) : nil
            if let replica = runtime.health.chooseReplica(
                shard: shard.name, minimumLSN: minimum, balance: configuration.routing.replicaBalance, chooser: &replicaChooser) {
                address = replica
                actual.role = .replica
                readReplica = replica
                replayWaitDeadline = nil
            } else if minimum != nil, configuration.routing.readYourWritesWait > 0, runtime.health.hasUsableReplica(shard: shard.name) {
                // read_your_writes_wait: look again shortly (the health checks move replay positions on).
                let now = NIODeadline.now()
                let deadline = replayWaitDeadline ?? now + .nanoseconds(Int64(configuration.routing.readYourWritesWait * 1e9))
                if now < deadline {
                    replayWaitDeadline = deadline
                    let this = NIOLoopBound(self, eventLoop: context.eventLoop)
                    let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: .milliseconds(5)) { this.value.pumpRouting(context: boundContext.value) }
                    return
                }
                replayWaitDeadline = nil
            } else if configuration.routing.replicaFallback == .error, !runtime.health.hasUsableReplica(shard: shard.name) {
                enterClosing()
                return fatal(ClientFacingError(
                    fatal: true, sqlState: SQLState.cannotConnectNow,
                    message: "no replica of shard \(shard.name) is usable for reads",
                    hint: "Set routing.replica_fallback = \"primary\" to read from the primary meanwhile."), context: context)
            }
        }
        replayWaitDeadline = nil
        requestedTarget = actual
        var key = poolKeyTemplate
        key.address = address
        requestServer(runtime.pool(for: key, shardName: shard.name), context: context)
    }

    /// A lease for a replica read failed: the replica leaves rotation and the read goes to the primary.
    /// Returns false when the failed lease was not for a replica.
    func retryOnPrimary(after error: Error, context: ChannelHandlerContext) -> Bool {
        guard shardRouter != nil, let replica = readReplica, let target = requestedTarget else { return false }
        runtime.health.readFinished(on: replica)
        runtime.health.replicaFailed(replica, error: "\(error)")
        readReplica = nil
        logger.info("replica lease failed; reading from the primary", metadata: ["server": "\(replica)", "error": "\(error)"])
        guard let shard = runtime.snapshot.configuration.shards.first(where: { $0.name == target.shard }) else { return false }
        requestedTarget = ShardRoutingStateMachine.Target(shard: shard.name, role: .primary)
        var key = poolKeyTemplate
        key.address = shard.primary
        requestServer(runtime.pool(for: key, shardName: shard.name), context: context)
        return true
    }

    /// The transaction on `server` is over: when it wrote on a primary with replicas, read the primary's WAL
    /// position first (read-your-writes), then give the connection back and route what is pending.
    func releaseRouted(_ server: ServerConnection, pool: ServerPool, context: ChannelHandlerContext) {
        if let replica = readReplica {
            runtime.health.readFinished(on: replica)
            readReplica = nil
        }
        let target = heldTarget
        heldTarget = nil
        let wrote = shardRouter?.takeLeaseWrote() ?? false
        guard wrote, let target, target.role == .primary, runtime.snapshot.configuration.routing.readYourWrites,
              runtime.routingTable?.shardsWithReplicas.contains(target.shard) == true else {
            state = .multiplexing(pool: pool, lease: .none)
            pool.releaseClean(server)
            return pumpRouting(context: context)
        }
        state = .multiplexing(pool: pool, lease: .finishing(server))
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        server.runInternalQueryRows("SELECT pg_current_wal_insert_lsn()").hop(to: context.eventLoop).whenComplete { result in
            let handler = this.value
            guard case .multiplexing(let pool, .finishing(let finishing)) = handler.state, finishing === server else { return }
            switch result {
            case .success(let rows):
                if let text = rows.first?.first ?? nil, let lsn = LSN(text) {
                    handler.shardRouter?.recordWrite(shard: target.shard, lsn: lsn)
                }
                handler.state = .multiplexing(pool: pool, lease: .none)
                pool.releaseClean(server)
                handler.pumpRouting(context: boundContext.value)
            case .failure(let error):
                // Without the position no replica can be proven fresh enough: this session reads that shard
                // from its primary from now on.
                handler.logger.warning("could not read the WAL position after a write; reads of the shard go to its primary", metadata: [
                    "shard": "\(target.shard)", "error": "\(error)"])
                handler.shardRouter?.recordWrite(shard: target.shard, lsn: LSN(UInt64.max))
                handler.state = .multiplexing(pool: pool, lease: .none)
                pool.release(server, reset: false)
                handler.pumpRouting(context: boundContext.value)
            }
        }
    }
}

extension RoutingOutcome {
    /// The metrics outcome of a router reason.
    init(_ reason: RouteReason) {
        switch reason {
        case .key: self = .byKey
        case .hint, .sessionKey, .pin: self = .byHint
        case .noKeyPolicy, .multipleShards: self = .noKeyPolicy
        case .noTable, .globalTable, .transaction, .globalWrite: self = .default
        }
    }
}
