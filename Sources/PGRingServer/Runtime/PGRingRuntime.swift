import Config
import Foundation
import HashRing
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import Pooling
import Routing

/// An immutable snapshot of everything configuration-derived that a session reads.
/// Swapped whole (never mutated) so a session sees one consistent version.
struct RuntimeSnapshot: Sendable {
    var configuration: PGRingConfiguration
    var users: UserDirectory
}

/// Everything the sessions of one pgring process share: the configuration snapshot, the pools,
/// the cancel keys and the TLS contexts. Created once by ``PGRingService``; no global state.
public final class PGRingRuntime: Sendable {
    let group: EventLoopGroup
    let logger: Logger
    let cancelRegistry = CancelRegistry()
    let sessions = SessionRegistry()
    let clientTLS: NIOSSLContext?
    let serverTLS: NIOSSLContext?
    /// The process-wide metrics (created once; the stats port renders them).
    public let metrics: PGRingMetrics
    /// When this runtime started.
    let startedAt = Date()
    /// Per-event-loop buffers of the per-transaction metrics.
    let metricsBuffers: LoopMetricsBuffers
    /// The ring in use (the routing table's; for the stats port's keyspace shares); nil if it cannot be built.
    var ring: ConsistentHashRing? { routingTable?.ring }
    /// pgring's version, shown by the stats port.
    public static let version = "0.1.0-dev"
    /// Replica health and replay positions, for read routing.
    let health: ServerHealthMonitor
    /// PAUSE / RESUME of the admin console.
    let pauseGate = PauseGate()
    /// The sessions a rebalance cutover holds.
    let writeFreezeGate = WriteFreezeGate()
    private let rebalancerBox = NIOLockedValueBox<RebalanceCoordinator?>(nil)
    /// Online rebalancing (created on first use).
    var rebalancer: RebalanceCoordinator {
        rebalancerBox.withLockedValue { box in
            if let existing = box { return existing }
            let created = RebalanceCoordinator(runtime: self)
            box = created
            return created
        }
    }
    private let shutdownHandler = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)
    private let shardsChangedHandler = NIOLockedValueBox<(@Sendable (PGRingConfiguration) -> Void)?>(nil)
    private let configurationPathBox = NIOLockedValueBox<String?>(nil)
    private let snapshotBox: NIOLockedValueBox<RuntimeSnapshot>
    private let routingTableBox: NIOLockedValueBox<RoutingTable?>
    private let poolsBox = NIOLockedValueBox<[PoolKey: ServerPool]>([:])

    /// Builds the runtime; throws when a TLS file cannot be loaded.
    public init(configuration: PGRingConfiguration, group: EventLoopGroup, logger: Logger, metrics: PGRingMetrics = PGRingMetrics()) throws {
        self.group = group
        self.logger = logger
        self.metrics = metrics
        self.metricsBuffers = LoopMetricsBuffers(metrics: metrics)
        let ring = Self.ring(configuration)
        self.snapshotBox = NIOLockedValueBox(RuntimeSnapshot(configuration: configuration, users: UserDirectory(configuration.users)))
        self.clientTLS = try TLSContexts.client(configuration.tls)
        self.serverTLS = try TLSContexts.server(configuration.server)
        self.routingTableBox = NIOLockedValueBox(ring.map { Self.routingTable(configuration, ring: $0) })
        self.health = ServerHealthMonitor(configuration: configuration, group: group, tlsContext: serverTLS, logger: logger)
    }

    /// Sets what the admin console's SHUTDOWN does (the executable triggers the ServiceGroup's graceful
    /// shutdown; tests stop their harness).
    public func setShutdownHandler(_ handler: @escaping @Sendable () -> Void) {
        shutdownHandler.withLockedValue { $0 = handler }
    }

    /// Sets what follows a change of the shard list (a rebalance's new ring): the executable points its
    /// primaries' reachability check at the new primaries.
    public func setShardsChangedHandler(_ handler: @escaping @Sendable (PGRingConfiguration) -> Void) {
        shardsChangedHandler.withLockedValue { $0 = handler }
    }

    /// Tells the handler of ``setShardsChangedHandler(_:)`` that the shards are now those of `configuration`.
    func shardsChanged(_ configuration: PGRingConfiguration) {
        shardsChangedHandler.withLockedValue { $0 }?(configuration)
    }

    /// The file RELOAD and SIGHUP read again (nil: started from a configuration in code).
    public var configurationPath: String? {
        get { configurationPathBox.withLockedValue { $0 } }
        set { configurationPathBox.withLockedValue { $0 = newValue } }
    }

    /// Replaces the configuration snapshot (RELOAD); sessions read it at their next decision.
    func replaceSnapshot(_ snapshot: RuntimeSnapshot) {
        snapshotBox.withLockedValue { $0 = snapshot }
    }

    /// Removes the pools whose key matches and returns them (RELOAD: replicas removed).
    func removePools(where matches: (PoolKey) -> Bool) -> [ServerPool] {
        poolsBox.withLockedValue { pools in
            let removed = pools.filter { matches($0.key) }
            for key in removed.keys { pools[key] = nil }
            return Array(removed.values)
        }
    }

    /// SHUTDOWN: starts the graceful shutdown; without a handler, as SIGTERM would.
    func requestShutdown() {
        if let handler = shutdownHandler.withLockedValue({ $0 }) {
            handler()
        } else {
            kill(getpid(), SIGTERM)
        }
    }

    /// The routing snapshot sessions read for each unit (nil when the ring could not be built, which a
    /// validated configuration rules out). Swapped whole by ``setRoutingTable(_:)``.
    var routingTable: RoutingTable? { routingTableBox.withLockedValue { $0 } }

    /// Replaces the routing snapshot atomically (a rebalance cut-over).
    func setRoutingTable(_ table: RoutingTable) {
        routingTableBox.withLockedValue { $0 = table }
    }

    /// The ring of a configuration's shards and `[ring]` (nil when it cannot be built, which validation rules out).
    static func ring(_ configuration: PGRingConfiguration) -> ConsistentHashRing? {
        try? ConsistentHashRing(
            weights: configuration.shards.map { ($0.name, $0.weight) },
            virtualNodes: configuration.ring.vnodes,
            version: configuration.ring.version)
    }

    /// The routing snapshot of a configuration.
    static func routingTable(_ configuration: PGRingConfiguration, ring: ConsistentHashRing) -> RoutingTable {
        var sharded: [String: ShardedTable] = [:]
        for table in configuration.tables where !table.isGlobal {
            if let key = table.keyColumn { sharded[table.name] = ShardedTable(keyColumn: key, keyType: table.keyType) }
        }
        let routing = configuration.routing
        let rules = RoutingConfiguration(
            shardedTables: sharded,
            globalTables: Set(configuration.tables.filter(\.isGlobal).map(\.name)),
            defaultShard: routing.defaultShard ?? configuration.shards.first?.name ?? "",
            noKeyPolicy: routing.noKeyPolicy,
            globalWrites: routing.globalWrites,
            volatileFunctions: Set(routing.volatileFunctions),
            hintKeyType: routing.hintKeyType)
        return RoutingTable(
            version: configuration.ring.version, ring: ring, router: Router(configuration: rules),
            shardsWithReplicas: Set(configuration.shards.filter { !$0.replicas.isEmpty }.map(\.name)))
    }

    /// The current configuration snapshot.
    var snapshot: RuntimeSnapshot { snapshotBox.withLockedValue { $0 } }

    /// The pool for a key, created on first use; `shardName` labels its metrics.
    func pool(for key: PoolKey, shardName: String) -> ServerPool {
        if let pool = poolsBox.withLockedValue({ $0[key] }) { return pool }
        let configuration = snapshot.configuration
        let (pool, created) = poolsBox.withLockedValue { pools -> (ServerPool, Bool) in
            if let pool = pools[key] { return (pool, false) }
            let settings = ServerLoginSettings(
                address: key.address,
                user: configuration.server.user,
                password: configuration.server.password,
                database: key.database,
                tlsMode: configuration.server.tlsMode,
                connectTimeout: .milliseconds(Int64(configuration.server.connectTimeout * 1000))
            )
            let isReplica = configuration.shards.first { $0.name == shardName }?.replicas.contains(key.address) ?? false
            let pool = ServerPool(
                key: key,
                shardName: shardName,
                role: isReplica ? .replica : .primary,
                settings: settings,
                configuration: Self.poolConfiguration(configuration),
                resetQuery: configuration.pool.resetQuery,
                tlsContext: serverTLS,
                maxMessageSize: configuration.pgring.maxMessageSize,
                maxPreparedStatements: configuration.pool.maxPreparedStatements,
                liveness: configuration.pool.serverCheckDelay > 0 && !configuration.pool.serverCheckQuery.isEmpty
                    ? ServerPool.LivenessCheck(
                        query: configuration.pool.serverCheckQuery,
                        delay: .nanoseconds(Int64(configuration.pool.serverCheckDelay * 1e9)))
                    : nil,
                group: group,
                logger: logger
            )
            pools[key] = pool
            return (pool, true)
        }
        if created { pool.start() }
        return pool
    }

    /// All pools, for stats and shutdown.
    var allPools: [ServerPool] { poolsBox.withLockedValue { Array($0.values) } }

    static func poolConfiguration(_ configuration: PGRingConfiguration) -> Pooling.PoolConfiguration {
        let pool = configuration.pool
        var result = Pooling.PoolConfiguration(
            maxConnections: pool.size,
            minIdleConnections: pool.minIdle,
            maxIdleConnections: max(pool.maxIdle, pool.minIdle),
            idleTimeout: .seconds(pool.idleTimeout),
            maxLifetime: .seconds(pool.serverLifetime),
            waitTimeout: .seconds(pool.queryWaitTimeout),
            connectTimeout: .seconds(configuration.server.connectTimeout),
            connectRetryDelay: .seconds(configuration.server.loginRetryDelay)
        )
        result.reserveConnections = pool.reserveSize
        result.reserveTimeout = .seconds(pool.reserveTimeout)
        return result
    }
}

/// The live client connections, so a shutdown can wait for them and then close them, and the per-user and
/// per-database counts that `max_client_conn` limits.
final class SessionRegistry: Sendable {
    /// A logged-in client, for SHOW CLIENTS and KILL.
    struct Record: Sendable {
        var id: Int32
        var user: String
        var database: String
        var address: String
        var connectedAt: Date
        var channel: Channel
    }

    private let channels = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])
    private let recordsBox = NIOLockedValueBox<[ObjectIdentifier: Record]>([:])

    /// Records a logged-in client (its id is the process ID of the BackendKeyData pgring gave it).
    func describe(_ record: Record) {
        recordsBox.withLockedValue { $0[ObjectIdentifier(record.channel)] = record }
    }

    /// The logged-in clients.
    var records: [Record] { recordsBox.withLockedValue { Array($0.values) } }

    /// Closes client `clientID`; false when there is none.
    func kill(clientID: Int32) -> Bool {
        guard let record = recordsBox.withLockedValue({ $0.values.first { $0.id == clientID } }) else { return false }
        record.channel.close(promise: nil)
        return true
    }
    private let logins = NIOLockedValueBox<(users: [String: Int], databases: [String: Int])>(([:], [:]))

    /// Counts a logged-in client of `user` on `database` unless a limit is reached; returns which limit
    /// refused it ("user" or "database"), or nil when it was counted.
    func admitLogin(user: String, userLimit: Int?, database: String, databaseLimit: Int?) -> String? {
        logins.withLockedValue { counts in
            if let userLimit, counts.users[user, default: 0] >= userLimit { return "user" }
            if let databaseLimit, counts.databases[database, default: 0] >= databaseLimit { return "database" }
            counts.users[user, default: 0] += 1
            counts.databases[database, default: 0] += 1
            return nil
        }
    }

    /// A client counted by ``admitLogin(user:userLimit:database:databaseLimit:)`` left.
    func logout(user: String, database: String) {
        logins.withLockedValue { counts in
            counts.users[user] = (counts.users[user] ?? 1) > 1 ? (counts.users[user] ?? 1) - 1 : nil
            counts.databases[database] = (counts.databases[database] ?? 1) > 1 ? (counts.databases[database] ?? 1) - 1 : nil
        }
    }

    func add(_ channel: Channel) {
        channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
    }

    func remove(_ channel: Channel) {
        channels.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
        recordsBox.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var count: Int { channels.withLockedValue { $0.count } }

    /// Closes every client connection (end of the shutdown deadline).
    func closeAll() {
        for channel in channels.withLockedValue({ Array($0.values) }) {
            channel.close(promise: nil)
        }
    }
}
