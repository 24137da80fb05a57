import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import Routing

/// Checks every server of every shard each `routing.health_check_interval` and keeps, per shard, which
/// replicas are in rotation and how far each has replayed (``ShardHealthStateMachine``).
///
/// One PostgreSQL connection per server (pgring's `[server]` credentials, the first database), reopened after
/// a failure. Each check runs one query:
/// `pg_is_in_recovery()`, then `pg_last_wal_replay_lsn()` on a replica or `pg_current_wal_insert_lsn()` on a
/// primary, and the age of the last replayed transaction. A replica is out of rotation until its first good
/// check, when unreachable, when not in recovery, or when it lags beyond `max_replica_lag_bytes` /
/// `max_replica_lag_seconds`; reads then go to other replicas or the primary.
///
/// Thread-safe: the state is behind one lock; sessions read it for every replica read.
final class ServerHealthMonitor: Sendable {
    /// The query of one check.
    static let checkQuery = """
        SELECT pg_is_in_recovery(), \
        CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END, \
        CASE WHEN pg_is_in_recovery() THEN extract(epoch from now() - pg_last_xact_replay_timestamp()) END
        """

    private struct State {
        var shards: [String: ShardHealthStateMachine] = [:]
        var shardOfServer: [String: String] = [:]
        var addresses: [String: ServerAddress] = [:]
        var outstanding: [String: Int] = [:]
        /// Per shard: the replay position every replica read needs (set after a rebalance cutover).
        var floors: [String: LSN] = [:]
    }

    private let state = NIOLockedValueBox(State())
    private let group: EventLoopGroup
    private let logger: Logger
    private let connections: OwnServerConnections
    private let settings: NIOLockedValueBox<(configuration: PGRingConfiguration, keyCaches: [ServerAddress: SCRAMKeyCache])>

    init(configuration: PGRingConfiguration, group: EventLoopGroup, tlsContext: NIOSSLContext?, logger: Logger) {
        self.group = group
        self.logger = logger
        self.connections = OwnServerConnections(firstID: -1, tlsContext: tlsContext, logger: logger)
        self.settings = NIOLockedValueBox((configuration, [:]))
        state.withLockedValue { state in
            let limits = Self.limits(configuration.routing)
            for shard in configuration.shards {
                state.shards[shard.name] = ShardHealthStateMachine(
                    primary: shard.primary.description, replicas: shard.replicas.map(\.description), configuration: limits)
                for server in [shard.primary] + shard.replicas {
                    state.shardOfServer[server.description] = shard.name
                    state.addresses[server.description] = server
                }
            }
        }
    }

    /// RELOAD: new replica lists (a shard whose servers changed starts over: its replicas are out of rotation
    /// until their next check) and new lag limits.
    func reconfigure(_ configuration: PGRingConfiguration) {
        settings.withLockedValue { $0.configuration = configuration }
        let limits = Self.limits(configuration.routing)
        _ = state.withLockedValue { state in
            var events: [HealthEvent] = []
            for shard in configuration.shards {
                let replicas = shard.replicas.map(\.description)
                if var health = state.shards[shard.name], health.primary == shard.primary.description, health.replicas == replicas {
                    events += health.reconfigure(limits)
                    state.shards[shard.name] = health
                } else {
                    state.shards[shard.name] = ShardHealthStateMachine(primary: shard.primary.description, replicas: replicas, configuration: limits)
                }
                for server in [shard.primary] + shard.replicas {
                    state.shardOfServer[server.description] = shard.name
                    state.addresses[server.description] = server
                }
            }
            return events
        }
    }

    static func limits(_ routing: RoutingSettings) -> ShardHealthStateMachine.Configuration {
        ShardHealthStateMachine.Configuration(
            maxLagBytes: UInt64(max(0, routing.maxReplicaLagBytes)), maxLagSeconds: max(0, routing.maxReplicaLagSeconds))
    }

    /// Every server to check.
    private var servers: [ServerAddress] {
        let configuration = settings.withLockedValue { $0.configuration }
        return configuration.shards.flatMap { [$0.primary] + $0.replicas }
    }

    /// Runs checks every interval until the task is cancelled; then closes the connections.
    func run() async {
        while !Task.isCancelled {
            await checkAll()
            let interval = settings.withLockedValue { $0.configuration.routing.healthCheckInterval }
            try? await Task.sleep(for: .milliseconds(Int64(max(0.01, interval) * 1000)))
        }
        connections.closeAll()
    }

    /// Checks every server once, concurrently, and records the results.
    func checkAll() async {
        await withTaskGroup(of: (ServerAddress, ServerCheck).self) { tasks in
            for server in servers {
                tasks.addTask { (server, await self.check(server)) }
            }
            for await (server, check) in tasks {
                record(check, for: server)
            }
        }
    }

    private func record(_ check: ServerCheck, for server: ServerAddress) {
        let events = state.withLockedValue { state -> [HealthEvent] in
            guard let shard = state.shardOfServer[server.description] else { return [] }
            return state.shards[shard]?.record(check, for: server.description) ?? []
        }
        for event in events {
            switch event {
            case .joinedRotation(let server):
                logger.info("replica is back in rotation", metadata: ["server": "\(server)"])
            case .leftRotation(let server, let reason):
                logger.warning("replica taken out of rotation", metadata: ["server": "\(server)", "reason": "\(reason)"])
            case .keptOutOfRotation(let server, let reason):
                logger.info("replica stays out of rotation", metadata: ["server": "\(server)", "reason": "\(reason)"])
            }
        }
    }

    /// One check of one server, bounded by `health_check_timeout`.
    private func check(_ server: ServerAddress) async -> ServerCheck {
        let (configuration, keyCache) = settings.withLockedValue { settings -> (PGRingConfiguration, SCRAMKeyCache) in
            if let cache = settings.keyCaches[server] { return (settings.configuration, cache) }
            let cache = SCRAMKeyCache()
            settings.keyCaches[server] = cache
            return (settings.configuration, cache)
        }
        let timeout = TimeAmount.milliseconds(Int64(configuration.routing.healthCheckTimeout * 1000))
        let eventLoop = group.next()
        do {
            var login = ServerLoginSettings(
                address: server,
                user: configuration.server.user,
                password: configuration.server.password,
                database: configuration.databases.first?.serverDatabase ?? "postgres",
                tlsMode: configuration.server.tlsMode,
                connectTimeout: timeout)
            login.keyCache = keyCache
            let connection = try await connections.connection(login, maxMessageSize: configuration.pgring.maxMessageSize, on: eventLoop)
            let deadline = connection.eventLoop.scheduleTask(in: timeout) { connection.channel.close(promise: nil) }
            defer { deadline.cancel() }
            let rows = try await connection.runInternalQueryRows(Self.checkQuery).get()
            guard let row = rows.first, row.count == 3 else { return .unreachable(error: "unexpected answer to the health check") }
            return .reachable(
                isInRecovery: row[0] == "t",
                lsn: row[1].flatMap(LSN.init),
                replayAgeSeconds: row[2].flatMap(Double.init))
        } catch {
            connections.drop(server)
            return .unreachable(error: "\(error)")
        }
    }

    // MARK: - Reads

    /// A replica of `shard` for a read whose client needs `minimumLSN` replayed, or nil (use the primary).
    func chooseReplica(
        shard: String, minimumLSN: LSN?, balance: ReplicaChooser.Balance, chooser: inout ReplicaChooser
    ) -> ServerAddress? {
        state.withLockedValue { state -> ServerAddress? in
            guard let health = state.shards[shard] else { return nil }
            let outstanding = state.outstanding
            let minimumLSN = [minimumLSN, state.floors[shard]].compactMap { $0 }.max()
            let chosen = chooser.choose(
                replicas: health.usableReplicas,
                minimumLSN: minimumLSN,
                replayLSN: { health.replayLSN(of: $0) },
                outstanding: { outstanding[$0, default: 0] },
                balance: balance)
            guard let chosen else { return nil }
            state.outstanding[chosen, default: 0] += 1
            return state.addresses[chosen]
        }
    }

    /// After a rebalance cutover: replicas of `shard` serve reads only once they replayed `lsn` (the moved rows
    /// arrived on its primary up to there), so no read goes back in time.
    func setReplayFloor(shard: String, lsn: LSN) {
        state.withLockedValue { state in
            if let previous = state.floors[shard], previous >= lsn { return }
            state.floors[shard] = lsn
        }
    }

    /// True when some replica of `shard` is in rotation (whatever its replay position).
    func hasUsableReplica(shard: String) -> Bool {
        state.withLockedValue { !($0.shards[shard]?.usableReplicas.isEmpty ?? true) }
    }

    /// A read chosen by ``chooseReplica(shard:minimumLSN:balance:chooser:)`` ended.
    func readFinished(on server: ServerAddress) {
        state.withLockedValue { state in
            let key = server.description
            if let count = state.outstanding[key], count > 1 { state.outstanding[key] = count - 1 } else { state.outstanding[key] = nil }
        }
    }

    /// A replica that failed a lease: out of rotation until its next good check.
    func replicaFailed(_ server: ServerAddress, error: String) {
        record(.unreachable(error: error), for: server)
    }

    /// Lag and rotation of a server, for the stats port.
    func serverStats(_ server: ServerAddress) -> (inRotation: Bool?, reachable: Bool?, lagBytes: UInt64?, lagSeconds: Double?) {
        state.withLockedValue { state in
            guard let shard = state.shardOfServer[server.description], let health = state.shards[shard] else { return (nil, nil, nil, nil) }
            let check = health.lastCheck(of: server.description)
            let reachable: Bool? = check.map { if case .reachable = $0 { return true } else { return false } }
            let isReplica = health.replicas.contains(server.description)
            let lag = health.replicaLag(server.description)
            return (isReplica ? health.inRotation(server.description) : nil, reachable, lag.bytes, lag.seconds)
        }
    }
}
