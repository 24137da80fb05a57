import Config
import Foundation
import HashRing
import NIOCore

/// What an admin command answers: a table (possibly empty) and a command tag, or an error.
struct AdminResult: Sendable {
    var columns: [String] = []
    var rows: [[String?]] = []
    var tag: String
}

/// An admin command that cannot be done, with the SQLSTATE the client gets.
struct AdminError: Error, Sendable {
    var sqlState: String
    var message: String
    var hint: String?
}

/// Runs admin console commands against the runtime (docs/admin.md). The role was checked by the caller.
enum AdminConsole {
    static func run(_ command: AdminCommand, runtime: PGRingRuntime, on eventLoop: EventLoop) -> EventLoopFuture<AdminResult> {
        switch command {
        case .show(.clients):
            return clients(runtime, on: eventLoop)
        case .show(.rebalance):
            return showRebalance(runtime: runtime, on: eventLoop)
        case .rebalance(let action):
            return rebalance(action, runtime: runtime, on: eventLoop)
        case .show(let topic):
            return eventLoop.makeSucceededFuture(show(topic, runtime: runtime))
        case .pause(let shard):
            if let error = unknownShard(shard, runtime: runtime) { return eventLoop.makeFailedFuture(error) }
            runtime.pauseGate.pause(shard: shard)
            return waitUntilIdle(shard: shard, runtime: runtime, on: eventLoop).map { AdminResult(tag: "PAUSE") }
        case .resume(let shard):
            if let error = unknownShard(shard, runtime: runtime) { return eventLoop.makeFailedFuture(error) }
            runtime.pauseGate.resume(shard: shard)
            return eventLoop.makeSucceededFuture(AdminResult(tag: "RESUME"))
        case .reload:
            switch runtime.reload() {
            case .success:
                return eventLoop.makeSucceededFuture(AdminResult(tag: "RELOAD"))
            case .failure(let error):
                return eventLoop.makeFailedFuture(AdminError(sqlState: "F0000", message: error.description,
                                                             hint: "Fix the file and RELOAD again; nothing was changed."))
            }
        case .kill(let id):
            guard runtime.sessions.kill(clientID: id) else {
                return eventLoop.makeFailedFuture(AdminError(sqlState: "42704", message: "no client with id \(id)", hint: "See SHOW CLIENTS."))
            }
            return eventLoop.makeSucceededFuture(AdminResult(tag: "KILL"))
        case .shutdown:
            runtime.requestShutdown()
            return eventLoop.makeSucceededFuture(AdminResult(tag: "SHUTDOWN"))
        }
    }

    private static func unknownShard(_ shard: String?, runtime: PGRingRuntime) -> AdminError? {
        guard let shard else { return nil }
        let names = runtime.snapshot.configuration.shards.map(\.name)
        guard !names.contains(shard) else { return nil }
        return AdminError(sqlState: "42704", message: "unknown shard \"\(shard)\"", hint: "Shards: \(names.joined(separator: ", ")).")
    }

    /// Completes once no server connection of the paused shard(s) is in use (checked every 50 ms).
    private static func waitUntilIdle(shard: String?, runtime: PGRingRuntime, on eventLoop: EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        func check() {
            let busy = runtime.allPools.filter { shard == nil || $0.shardName == shard }.reduce(0) { $0 + $1.snapshot.leasedConnections }
            if busy == 0 || !(shard.map(runtime.pauseGate.isPaused) ?? runtime.pauseGate.pausedShards.all) {
                promise.succeed(())
            } else {
                eventLoop.scheduleTask(in: .milliseconds(50)) { check() }
            }
        }
        check()
        return promise.futureResult
    }

    static func text(_ value: Double) -> String { String(format: "%.3f", value) }
    static func flag(_ value: Bool?) -> String? { value.map { $0 ? "t" : "f" } }

    static func show(_ topic: AdminCommand.Topic, runtime: PGRingRuntime) -> AdminResult {
        let configuration = runtime.snapshot.configuration
        switch topic {
        case .help:
            return AdminResult(columns: ["command", "role", "description"],
                               rows: AdminCommand.help.map { [$0.command, $0.role.rawValue, $0.description] }, tag: "SHOW")
        case .version:
            return AdminResult(columns: ["version"], rows: [["pgring \(PGRingRuntime.version)"]], tag: "SHOW")
        case .pools:
            let rows: [[String?]] = runtime.allPools.sorted { $0.key.description < $1.key.description }.map { pool in
                let counts = pool.snapshot
                return [pool.key.statsLabel, pool.shardName, pool.role.rawValue, "\(pool.key.address)", pool.key.mode.rawValue,
                        String(configuration.pool.size), String(counts.idleConnections), String(counts.leasedConnections),
                        String(counts.connectingConnections), String(counts.waitingRequests), text(pool.oldestWaitSeconds ?? 0)]
            }
            return AdminResult(columns: ["pool", "shard", "role", "server", "mode", "size", "idle", "active", "connecting", "waiting_clients", "max_wait_seconds"],
                               rows: rows, tag: "SHOW")
        case .servers:
            var rows: [[String?]] = []
            for pool in runtime.allPools.sorted(by: { $0.key.description < $1.key.description }) {
                for server in pool.serverRows {
                    rows.append([String(server.id), pool.key.statsLabel, pool.shardName, pool.role.rawValue, "\(pool.key.address)",
                                 server.state, server.backendPID.map { String($0) }, text(server.ageSeconds)])
                }
            }
            return AdminResult(columns: ["id", "pool", "shard", "role", "server", "state", "backend_pid", "age_seconds"], rows: rows, tag: "SHOW")
        case .stats:
            let totals = runtime.metrics.totals()
            let keys = Set(totals.transactions.keys).union(totals.queries.keys).sorted { ($0.shard, $0.role.rawValue) < ($1.shard, $1.role.rawValue) }
            let rows: [[String?]] = keys.map { key in
                let transactions = totals.transactions[key]
                let queries = totals.queries[key]
                return [key.shard, key.role.rawValue, String(transactions?.count ?? 0), text(transactions?.secondsSum ?? 0),
                        String(queries?.count ?? 0), text(queries?.secondsSum ?? 0)]
            }
            return AdminResult(columns: ["shard", "role", "transactions", "transaction_seconds_total", "queries", "query_seconds_total"], rows: rows, tag: "SHOW")
        case .shards:
            let snapshot = runtime.statsSnapshot(reachability: nil)
            let paused = runtime.pauseGate.pausedShards
            var rows: [[String?]] = []
            for shard in snapshot.shards {
                let isPaused = flag(paused.all || paused.shards.contains(shard.name))
                rows.append([shard.name, String(shard.weight), text(shard.keyspaceShare), "primary", shard.primary.address,
                             flag(shard.primary.reachable), nil, nil, nil, isPaused])
                for replica in shard.replicas {
                    rows.append([shard.name, String(shard.weight), text(shard.keyspaceShare), "replica", replica.address,
                                 flag(replica.reachable), flag(replica.inRotation), replica.lagBytes.map { String($0) },
                                 replica.lagSeconds.map(text), isPaused])
                }
            }
            return AdminResult(columns: ["shard", "weight", "keyspace_share", "role", "server", "reachable", "in_rotation", "lag_bytes", "lag_seconds", "paused"],
                               rows: rows, tag: "SHOW")
        case .ring:
            guard let ring = runtime.routingTable?.ring else { return AdminResult(columns: [], rows: [], tag: "SHOW") }
            let rows: [[String?]] = ring.shares().map { share in
                [share.shard.name, String(share.shard.weight), String(ring.virtualNodes), text(share.fraction), String(ring.version), "\(ring.fingerprint)"]
            }
            return AdminResult(columns: ["shard", "weight", "vnodes", "keyspace_share", "version", "fingerprint"], rows: rows, tag: "SHOW")
        case .config:
            return AdminResult(columns: ["key", "value", "reloadable"], rows: configRows(configuration).map { [$0.0, $0.1, isReloadable($0.0) ? "yes" : "no"] }, tag: "SHOW")
        case .lists:
            let pools = runtime.allPools
            let servers = pools.reduce(0) { $0 + $1.snapshot.totalConnections }
            let rows: [[String?]] = [
                ["databases", String(configuration.databases.count)],
                ["users", String(configuration.users.count)],
                ["shards", String(configuration.shards.count)],
                ["pools", String(pools.count)],
                ["clients", String(runtime.sessions.count)],
                ["servers", String(servers)],
                ["paused_clients", String(runtime.pauseGate.waitingCount)],
            ]
            return AdminResult(columns: ["list", "items"], rows: rows, tag: "SHOW")
        case .clients, .rebalance:
            return AdminResult(tag: "SHOW")  // answered by clients(_:on:) and showRebalance(runtime:on:)
        }
    }

    /// True for the keys RELOAD applies (``PGRingRuntime/reload()``).
    static func isReloadable(_ key: String) -> Bool {
        if key.hasPrefix("pool.") { return true }
        if key.hasPrefix("routing.") { return key != "routing.default_shard" }
        return ["pgring.max_client_conn", "pgring.client_idle_timeout", "pgring.admin_users", "pgring.stats_users",
                "server.connect_timeout"].contains(key)
    }

    /// `SHOW CONFIG`: the settings that shape behaviour; never passwords, verifiers or key files' contents.
    static func configRows(_ c: PGRingConfiguration) -> [(String, String)] {
        [
            ("pgring.listen_host", c.pgring.listenHost), ("pgring.listen_port", String(c.pgring.listenPort)),
            ("pgring.unix_socket_dir", c.pgring.unixSocketDirectory ?? ""), ("pgring.max_message_size", String(c.pgring.maxMessageSize)),
            ("pgring.shutdown_timeout", String(c.pgring.shutdownTimeout)), ("pgring.log_level", c.pgring.logLevel),
            ("pgring.auth_method", c.pgring.authMethod.rawValue), ("pgring.max_client_conn", String(c.pgring.maxClientConnections)),
            ("pgring.client_idle_timeout", String(c.pgring.clientIdleTimeout)),
            ("pgring.admin_users", c.pgring.adminUsers.joined(separator: ",")), ("pgring.stats_users", c.pgring.statsUsers.joined(separator: ",")),
            ("tls.enabled", c.tls.isEnabled ? "true" : "false"),
            ("server.user", c.server.user), ("server.tls", c.server.tlsMode.rawValue), ("server.connect_timeout", String(c.server.connectTimeout)),
            ("pool.mode", c.pool.mode.rawValue), ("pool.size", String(c.pool.size)), ("pool.max_idle", String(c.pool.maxIdle)),
            ("pool.min_idle", String(c.pool.minIdle)), ("pool.reserve_size", String(c.pool.reserveSize)),
            ("pool.idle_timeout", String(c.pool.idleTimeout)), ("pool.server_lifetime", String(c.pool.serverLifetime)),
            ("pool.query_wait_timeout", String(c.pool.queryWaitTimeout)), ("pool.reset_query", c.pool.resetQuery),
            ("pool.idle_transaction_timeout", String(c.pool.idleTransactionTimeout)),
            ("pool.max_prepared_statements", String(c.pool.maxPreparedStatements)),
            ("ring.vnodes", c.ring.vnodes.map { String($0) } ?? "default"), ("ring.version", String(c.ring.version)),
            ("routing.default_shard", c.routing.defaultShard ?? c.shards.first?.name ?? ""),
            ("routing.no_key_policy", c.routing.noKeyPolicy.rawValue), ("routing.replica_reads", String(c.routing.replicaReads)),
            ("routing.replica_balance", c.routing.replicaBalance.rawValue), ("routing.read_your_writes", String(c.routing.readYourWrites)),
            ("routing.max_replica_lag_bytes", String(c.routing.maxReplicaLagBytes)),
            ("routing.max_replica_lag_seconds", String(c.routing.maxReplicaLagSeconds)),
            ("routing.health_check_interval", String(c.routing.healthCheckInterval)),
            ("tables", c.tables.map { $0.isGlobal ? "\($0.name) (global)" : "\($0.name) (\($0.keyColumn ?? "?") \($0.keyType.rawValue))" }.joined(separator: ", ")),
            ("stats.listen", c.stats.enabled ? "\(c.stats.listenHost):\(c.stats.listenPort)" : "off"),
        ]
    }

    /// `SHOW CLIENTS`: asks every client session, on its own event loop, what it is doing.
    private static func clients(_ runtime: PGRingRuntime, on eventLoop: EventLoop) -> EventLoopFuture<AdminResult> {
        let records = runtime.sessions.records
        let now = Date()
        let futures = records.map { record in
            record.channel.pipeline.handler(type: ClientSessionHandler.self).map { handler -> [String?] in
                let (state, server) = handler.adminDescription
                return [String(record.id), record.user, record.database, record.address, state,
                        text(now.timeIntervalSince(record.connectedAt)), server]
            }.recover { _ in [String(record.id), record.user, record.database, record.address, "closing", text(now.timeIntervalSince(record.connectedAt)), nil] }
        }
        return EventLoopFuture.whenAllSucceed(futures, on: eventLoop).map { rows in
            AdminResult(columns: ["id", "user", "database", "address", "state", "connected_seconds", "server"],
                        rows: rows.sorted { Int($0[0] ?? "") ?? 0 < Int($1[0] ?? "") ?? 0 }, tag: "SHOW")
        }
    }
}
