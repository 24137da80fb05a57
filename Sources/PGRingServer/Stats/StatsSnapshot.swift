import Foundation

/// What the stats port shows at one instant, filled by the runtime when `/stats`, `/metrics`, `/ready` or `/`
/// is requested (the provider closure given to ``StatsService``). A plain value: rendering never touches the
/// live runtime.
///
/// Optional fields are things not measured (yet): they render as absent in JSON, as "unknown" on the page and
/// as a missing sample in Prometheus text, never as 0.
///
/// JSON keys (stable, snake_case): `version`, `started_at` (ISO 8601), `clients`, `pools`, `shards`, `ring`.
public struct StatsSnapshot: Sendable, Equatable, Encodable {
    /// When this pgring process started.
    public var startedAt: Date
    /// The pgring version text, e.g. "0.1.0".
    public var version: String
    /// Client connections by state.
    public var clients: ClientCounts
    /// One entry per server pool (shard x role x server x database/user pool key).
    public var pools: [PoolStats]
    /// One entry per configured shard.
    public var shards: [ShardStats]
    /// The ring in use.
    public var ring: RingStats

    public init(
        startedAt: Date,
        version: String,
        clients: ClientCounts = .init(),
        pools: [PoolStats] = [],
        shards: [ShardStats] = [],
        ring: RingStats
    ) {
        self.startedAt = startedAt
        self.version = version
        self.clients = clients
        self.pools = pools
        self.shards = shards
        self.ring = ring
    }

    /// The shards whose primary is not known reachable (last check failed, or not checked yet).
    /// `/ready` answers 200 only when this is empty.
    public var primariesNotKnownReachable: [ShardStats] {
        shards.filter { $0.primary.reachable != true }
    }
}

/// Client connections by state. JSON keys: `total`, `active`, `idle`, `waiting`.
public struct ClientCounts: Sendable, Equatable, Encodable {
    /// Clients running a transaction or query on a server connection.
    public var active: Int
    /// Clients connected and logged in, not in a transaction.
    public var idle: Int
    /// Clients waiting for a server connection from a pool.
    public var waiting: Int
    /// All client connections (`active + idle + waiting`).
    public var total: Int { active + idle + waiting }

    public init(active: Int = 0, idle: Int = 0, waiting: Int = 0) {
        self.active = active
        self.idle = idle
        self.waiting = waiting
    }

    private enum CodingKeys: String, CodingKey { case total, active, idle, waiting }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(total, forKey: .total)
        try container.encode(active, forKey: .active)
        try container.encode(idle, forKey: .idle)
        try container.encode(waiting, forKey: .waiting)
    }
}

/// Which kind of server a pool or address points at.
public enum ServerRole: String, Sendable, Equatable, Hashable, Encodable, CaseIterable {
    /// The shard's primary: takes writes.
    case primary
    /// A streaming replica of the shard's primary: read-only.
    case replica
}

/// One server pool. JSON keys: `pool`, `shard`, `role`, `server`, `mode`, `size_limit`, `idle`, `active`,
/// `connecting`, `waiting_clients`, `oldest_wait_seconds` (absent when nobody waits or not measured).
public struct PoolStats: Sendable, Equatable, Encodable {
    /// The pool key as text (e.g. "app/appdb@shard-a/primary"). Used as the `pool` label: it must come from
    /// configuration (bounded), never from a client address.
    public var pool: String
    /// The shard this pool serves.
    public var shard: String
    /// Primary or replica.
    public var role: ServerRole
    /// The server address "host:port".
    public var server: String
    /// Pool mode text, e.g. "session" or "transaction".
    public var mode: String
    /// The most server connections this pool may open.
    public var sizeLimit: Int
    /// Open server connections not leased to a client.
    public var idle: Int
    /// Server connections leased to a client.
    public var active: Int
    /// Server connections being opened (TCP/TLS/startup/auth).
    public var connecting: Int
    /// Clients waiting for a connection of this pool.
    public var waitingClients: Int
    /// How long the longest-waiting client has waited, in seconds; nil when nobody waits or not measured.
    public var oldestWaitSeconds: Double?

    public init(
        pool: String, shard: String, role: ServerRole, server: String, mode: String, sizeLimit: Int,
        idle: Int, active: Int, connecting: Int, waitingClients: Int, oldestWaitSeconds: Double? = nil
    ) {
        self.pool = pool
        self.shard = shard
        self.role = role
        self.server = server
        self.mode = mode
        self.sizeLimit = sizeLimit
        self.idle = idle
        self.active = active
        self.connecting = connecting
        self.waitingClients = waitingClients
        self.oldestWaitSeconds = oldestWaitSeconds
    }
}

/// One shard. JSON keys: `name`, `weight`, `keyspace_share`, `primary`, `replicas`.
public struct ShardStats: Sendable, Equatable, Encodable {
    /// The shard name from configuration.
    public var name: String
    /// The ring weight from configuration.
    public var weight: Int
    /// The share of the 64-bit hash space this shard owns on the ring, 0...1.
    public var keyspaceShare: Double
    /// The primary server.
    public var primary: ServerStats
    /// The replicas, in configuration order.
    public var replicas: [ServerStats]

    public init(name: String, weight: Int, keyspaceShare: Double, primary: ServerStats, replicas: [ServerStats] = []) {
        self.name = name
        self.weight = weight
        self.keyspaceShare = keyspaceShare
        self.primary = primary
        self.replicas = replicas
    }
}

/// One PostgreSQL server of a shard. JSON keys: `address`, `reachable`, `lag_bytes`, `lag_seconds`,
/// `in_rotation` (each of the last four absent when not measured).
public struct ServerStats: Sendable, Equatable, Encodable {
    /// "host:port".
    public var address: String
    /// Result of the last reachability check; nil when not checked yet.
    public var reachable: Bool?
    /// Replication lag in bytes of WAL (replicas only); nil when not measured.
    public var lagBytes: Int64?
    /// Replication lag in seconds (replicas only); nil when not measured.
    public var lagSeconds: Double?
    /// Replicas: true while reads may go to it (reachable, in recovery, within the lag limits); nil until
    /// the replica health checks ran.
    public var inRotation: Bool?

    public init(address: String, reachable: Bool? = nil, lagBytes: Int64? = nil, lagSeconds: Double? = nil, inRotation: Bool? = nil) {
        self.address = address
        self.reachable = reachable
        self.lagBytes = lagBytes
        self.lagSeconds = lagSeconds
        self.inRotation = inRotation
    }
}

/// The ring in use. JSON keys: `version`, `fingerprint`.
public struct RingStats: Sendable, Equatable, Encodable {
    /// The ring version from configuration, bumped by each rebalance.
    public var version: Int
    /// The ring fingerprint as text (same text `pgringctl ring show` prints).
    public var fingerprint: String
    /// The current (or last) rebalance job; absent when none was ever started.
    public var rebalance: RebalanceStats?

    public init(version: Int, fingerprint: String, rebalance: RebalanceStats? = nil) {
        self.version = version
        self.fingerprint = fingerprint
        self.rebalance = rebalance
    }
}

/// The rebalance job as the stats port shows it. JSON keys: `job`, `phase`, `running`, `held_clients`,
/// `cutover_attempts`, `cutover_pause_seconds` (absent before the first cutover).
public struct RebalanceStats: Sendable, Equatable, Encodable {
    /// The job id.
    public var job: String
    /// Its phase (docs/rebalancing.md).
    public var phase: String
    /// True while its task runs in this process.
    public var running: Bool
    /// Sessions whose writes the cutover holds right now.
    public var heldClients: Int
    /// Cutovers tried.
    public var cutoverAttempts: Int
    /// How long the last successful cutover held writes of moving keys.
    public var cutoverPauseSeconds: Double?

    public init(job: String, phase: String, running: Bool, heldClients: Int, cutoverAttempts: Int, cutoverPauseSeconds: Double?) {
        self.job = job
        self.phase = phase
        self.running = running
        self.heldClients = heldClients
        self.cutoverAttempts = cutoverAttempts
        self.cutoverPauseSeconds = cutoverPauseSeconds
    }
}
