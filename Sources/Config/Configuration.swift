import HashRing
import Routing

/// The whole pgring configuration, as loaded from a TOML file and validated.
///
/// An immutable value: the running proxy holds one snapshot and swaps it whole on reload.
/// Every field has a default (see config/README.md) except the shards and the users.
public struct PGRingConfiguration: Sendable, Equatable {
    /// `[pgring]`: listeners, limits and process-wide settings.
    public var pgring: ProxyConfiguration
    /// `[tls]`: the certificate pgring presents to clients that send SSLRequest.
    public var tls: ClientTLSConfiguration
    /// `[server]`: how pgring logs into the PostgreSQL servers.
    public var server: ServerConnectionConfiguration
    /// `[pool]`: server connection pooling.
    public var pool: PoolConfiguration
    /// `[ring]`: the consistent-hash ring parameters.
    public var ring: RingConfiguration
    /// `[stats]`: the HTTP stats port (metrics, JSON, health, live page).
    public var stats: StatsConfiguration = .init()
    /// `[routing]`: shard and role choice, replica health, read-your-writes.
    public var routing: RoutingSettings = .init()
    /// `[[tables]]`: the sharded and global tables.
    public var tables: [TableConfiguration] = []
    /// `[rebalance]`: online rebalancing (`pgringctl rebalance`).
    public var rebalance: RebalanceSettings = .init()
    /// `[[shards]]`: the shards, in file order (placement never depends on this order).
    public var shards: [ShardConfiguration]
    /// `[[databases]]`: the database names clients may connect to.
    public var databases: [DatabaseConfiguration]
    /// `[[users]]`: the users clients log in as.
    public var users: [UserConfiguration]

    public init(
        pgring: ProxyConfiguration = .init(),
        tls: ClientTLSConfiguration = .init(),
        server: ServerConnectionConfiguration = .init(),
        pool: PoolConfiguration = .init(),
        ring: RingConfiguration = .init(),
        shards: [ShardConfiguration] = [],
        databases: [DatabaseConfiguration] = [],
        users: [UserConfiguration] = []
    ) {
        self.pgring = pgring
        self.tls = tls
        self.server = server
        self.pool = pool
        self.ring = ring
        self.shards = shards
        self.databases = databases
        self.users = users
    }
}

/// `[pgring]` section.
public struct ProxyConfiguration: Sendable, Equatable {
    /// `listen_host`, default "127.0.0.1".
    public var listenHost: String = "127.0.0.1"
    /// `listen_port`, default 6432.
    public var listenPort: Int = 6432
    /// `unix_socket_dir`: when set, pgring also listens on `<dir>/.s.PGSQL.<listen_port>`.
    public var unixSocketDirectory: String? = nil
    /// `max_message_size`: the largest typed message (bytes, header included) accepted from a peer. Default 256 MiB.
    public var maxMessageSize: Int = 256 * 1024 * 1024
    /// `shutdown_timeout` (seconds): how long sessions may run after SIGTERM before they are closed. Default 30.
    public var shutdownTimeout: Double = 30
    /// `log_level`: trace|debug|info|notice|warning|error|critical. Default "info".
    public var logLevel: String = "info"
    /// `auth_method`: how clients authenticate: "scram-sha-256" (default), "md5" or "trust".
    public var authMethod: ClientAuthMethod = .scramSHA256
    /// `auth_failure_delay` (seconds): delay before answering a failed login, the same for
    /// an unknown user and a wrong password. Default 0.
    public var authFailureDelay: Double = 0
    /// `max_client_conn`: most client connections pgring accepts at once; more get FATAL 53300. Default 10000.
    public var maxClientConnections: Int = 10_000
    /// `client_idle_timeout` (seconds): a client that sends nothing for this long outside a transaction is
    /// disconnected (FATAL 57P05). 0 (default) never.
    public var clientIdleTimeout: Double = 0
    /// `admin_users`: `[[users]]` names that may use every admin console command (database `pgring`). Default [].
    public var adminUsers: [String] = []
    /// `stats_users`: `[[users]]` names that may use the read-only admin console commands. Default [].
    public var statsUsers: [String] = []
    public init() {}
}

/// `[stats]` section: the read-only HTTP stats port.
public struct StatsConfiguration: Sendable, Equatable {
    /// `enabled`: serve the stats port. Default true.
    public var enabled: Bool = true
    /// `listen_host`, default "127.0.0.1".
    public var listenHost: String = "127.0.0.1"
    /// `listen_port`, default 9930.
    public var listenPort: Int = 9930
    public init() {}
}

/// `[rebalance]` section: how online rebalancing logs in, where its job state lives, its bounds.
public struct RebalanceSettings: Sendable, Equatable {
    /// `user`: the role pgring uses for publications, subscriptions and the row copy and cleanup; PostgreSQL 15
    /// needs a superuser to create a subscription. Default: `[server] user`.
    public var user: String?
    /// `password` of `user`. Default: `[server] password` (when `user` is not set either).
    public var password: String?
    /// `state_file`: where the job's state is kept (relative paths are relative to the configuration file).
    /// Default "pgring-rebalance.json".
    public var stateFile: String = "pgring-rebalance.json"
    /// `cutover_timeout`: the longest writes of moving keys are held; past it the cutover is undone. Default 5 s.
    public var cutoverTimeout: Double = 5
    /// `cutover_attempts`: how many cutovers are tried before the job fails (it stays resumable). Default 3.
    public var cutoverAttempts: Int = 3
    /// `max_catchup_lag_bytes`: the replication lag under which the cutover starts. Default 1 MiB.
    public var maxCatchupLagBytes: Int = 1_048_576
    /// `delete_batch_size`: rows deleted from a source per statement after the cutover. Default 1000.
    public var deleteBatchSize: Int = 1000
    public init() {}
}

/// How pgring authenticates clients.
public enum ClientAuthMethod: String, Sendable, Equatable, CaseIterable {
    /// SCRAM-SHA-256 (RFC 7677; PostgreSQL protocol 55.3.1 "SASL Authentication"): the default.
    case scramSHA256 = "scram-sha-256"
    /// MD5 password hash challenge (AuthenticationMD5Password). Weaker; for old clients.
    case md5 = "md5"
    /// No password asked (AuthenticationOk right away). For local testing only.
    case trust = "trust"
}

/// `[tls]` section: TLS towards clients. TLS is offered only when both files are set.
public struct ClientTLSConfiguration: Sendable, Equatable {
    /// `cert_file`: PEM certificate chain.
    public var certificateFile: String? = nil
    /// `key_file`: PEM private key.
    public var keyFile: String? = nil
    /// True when pgring answers 'S' to SSLRequest.
    public var isEnabled: Bool { certificateFile != nil && keyFile != nil }
    public init() {}
}

/// TLS mode towards PostgreSQL servers, as libpq's sslmode.
public enum ServerTLSMode: String, Sendable, Equatable, CaseIterable {
    /// Never send SSLRequest.
    case disable
    /// Send SSLRequest; use TLS when the server agrees, plain TCP when it answers 'N'. The default.
    case prefer
    /// Send SSLRequest; refuse the server when it answers 'N'. The certificate is not verified.
    case require
    /// Require TLS and verify the certificate chain against `ca_file` and the host name.
    case verifyFull = "verify-full"
}

/// `[server]` section: pgring's own credentials and connection settings towards PostgreSQL.
public struct ServerConnectionConfiguration: Sendable, Equatable {
    /// `user`: the role pgring logs in as. Default "postgres".
    public var user: String = "postgres"
    /// `password`: its password (used for SCRAM, md5 or cleartext, whichever the server asks). Optional.
    public var password: String? = nil
    /// `tls`: disable | prefer (default) | require | verify-full.
    public var tlsMode: ServerTLSMode = .prefer
    /// `ca_file`: CA bundle for verify-full.
    public var caFile: String? = nil
    /// `connect_timeout` (seconds), default 5.
    public var connectTimeout: Double = 5
    /// `login_retry_delay` (seconds): after a failed connect or login to a server, wait this long before
    /// trying again; meanwhile clients of an empty pool get the last error at once (PgBouncer's
    /// `server_login_retry`). Default 5.
    public var loginRetryDelay: Double = 5
    public init() {}
}

/// When a client gives its server connection back to the pool (PgBouncer's `pool_mode`).
public enum PoolMode: String, Sendable, Equatable, CaseIterable {
    /// A client keeps one server connection from login to disconnect.
    case session
    /// A server connection is lent for one transaction: it goes back at ReadyForQuery 'I' once nothing is
    /// owed (every Query and Sync answered, no extended-protocol message after the last Sync).
    case transaction
    /// Like `transaction`, but a transaction block spanning several statements is refused.
    case statement
}

/// `[pool]` section.
public struct PoolConfiguration: Sendable, Equatable {
    /// `mode`, default "session".
    public var mode: PoolMode = .session
    /// `size`: most server connections per (server, user, database). Default 20.
    public var size: Int = 20
    /// `max_idle`: most idle server connections kept per pool. Default 10.
    public var maxIdle: Int = 10
    /// `idle_timeout` (seconds): an idle server connection older than this is closed. Default 600.
    public var idleTimeout: Double = 600
    /// `server_lifetime` (seconds): a server connection older than this is closed when released. Default 3600.
    public var serverLifetime: Double = 3600
    /// `query_wait_timeout` (seconds): how long a client may wait for a server connection. Default 120.
    public var queryWaitTimeout: Double = 120
    /// `reset_query`: run on a server connection before it is reused by another client. Default "DISCARD ALL"; "" disables.
    /// Session mode only: in transaction and statement modes pgring carries each client's settings itself.
    public var resetQuery: String = "DISCARD ALL"
    /// `min_idle`: idle server connections each pool keeps open and ready (PgBouncer's `min_pool_size`
    /// counts all connections; this counts spare ones). Default 0.
    public var minIdle: Int = 0
    /// `reserve_size`: extra server connections a pool may open once a client waited `reserve_timeout`
    /// (PgBouncer's `reserve_pool_size`); they close when given back. Default 0.
    public var reserveSize: Int = 0
    /// `reserve_timeout` (seconds): how long a client waits before the reserve may be used. Default 5.
    public var reserveTimeout: Double = 5
    /// `idle_transaction_timeout` (seconds): a client that keeps a transaction open (holding a server
    /// connection) without sending anything for this long is disconnected (FATAL 25P03) and its transaction
    /// rolled back. 0 (default) never.
    public var idleTransactionTimeout: Double = 0
    /// `server_check_delay` (seconds): a server connection idle longer than this runs `server_check_query`
    /// before a client gets it; 0 turns the check off. Default 30 (as PgBouncer).
    public var serverCheckDelay: Double = 30
    /// `server_check_query`: the liveness query. Default "SELECT 1"; "" turns the check off.
    public var serverCheckQuery: String = "SELECT 1"
    /// `max_prepared_statements`: in transaction and statement modes, most protocol-level prepared statements
    /// kept on each server connection (least recently used are closed). 0 turns the prepared-statement
    /// support off (named statements are then passed through and break when the client changes server).
    /// Default 200.
    public var maxPreparedStatements: Int = 200
    public init() {}
}

/// `[ring]` section.
public struct RingConfiguration: Sendable, Equatable {
    /// `vnodes`: points per unit of weight. Default: the ring library's default.
    public var vnodes: Int? = nil
    /// `version`: the ring version number, bumped by each rebalance. Default 1.
    public var version: Int = 1
    public init() {}
}

/// A `host:port` address of a PostgreSQL server.
public struct ServerAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
    /// `host:port`, with an IPv6 host in brackets (`[::1]:5432`) so the text parses back (change from the
    /// first draft, which printed IPv6 hosts without brackets).
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// One `[[shards]]` entry.
public struct ShardConfiguration: Sendable, Equatable {
    /// `name`: unique, used for placement (renaming a shard moves data).
    public var name: String
    /// `weight`: > 0, default 1.
    public var weight: Int
    /// `primary`: "host:port".
    public var primary: ServerAddress
    /// `replicas`: ["host:port", ...], default [].
    public var replicas: [ServerAddress]
    public init(name: String, weight: Int = 1, primary: ServerAddress, replicas: [ServerAddress] = []) {
        self.name = name
        self.weight = weight
        self.primary = primary
        self.replicas = replicas
    }
}

/// One `[[databases]]` entry: a database name clients may ask for.
public struct DatabaseConfiguration: Sendable, Equatable {
    /// `name`: what clients send as `database` in the startup packet.
    public var name: String
    /// `server_database`: the database on the servers; defaults to `name`.
    public var serverDatabase: String
    /// `pool_mode`: this database's pool mode; defaults to `pool.mode`.
    public var poolMode: PoolMode?
    /// `max_client_conn`: most client connections to this database at once; none when absent.
    public var maxClientConnections: Int?
    public init(name: String, serverDatabase: String? = nil, poolMode: PoolMode? = nil, maxClientConnections: Int? = nil) {
        self.name = name
        self.serverDatabase = serverDatabase ?? name
        self.poolMode = poolMode
        self.maxClientConnections = maxClientConnections
    }
}

/// One `[[users]]` entry. Exactly one of `password`, `scram_verifier`, `md5_hash` may be set
/// (none only when `auth_method = "trust"`).
public struct UserConfiguration: Sendable, Equatable {
    /// `name`.
    public var name: String
    /// `password`: plain text password.
    public var password: String?
    /// `scram_verifier`: "SCRAM-SHA-256$<iter>:<salt b64>$<StoredKey b64>:<ServerKey b64>" as in pg_authid.
    public var scramVerifier: String?
    /// `md5_hash`: "md5" + hex(md5(password + username)) as in pg_authid.
    public var md5Hash: String?
    /// `max_client_conn`: most client connections of this user at once; none when absent.
    public var maxClientConnections: Int?
    public init(name: String, password: String? = nil, scramVerifier: String? = nil, md5Hash: String? = nil, maxClientConnections: Int? = nil) {
        self.name = name
        self.password = password
        self.scramVerifier = scramVerifier
        self.md5Hash = md5Hash
        self.maxClientConnections = maxClientConnections
    }
}

/// `[routing]` section: how statements find their shard and their server role (docs/routing.md).
public struct RoutingSettings: Sendable, Equatable {
    /// `default_shard`: the shard for statements that touch no sharded table; must name a `[[shards]]` entry.
    /// nil (the default) means the first `[[shards]]` entry.
    public var defaultShard: String? = nil
    /// `no_key_policy`: a statement on a sharded table without a key: "reject" (default), "default_shard" or
    /// "all_shards" (reads only).
    public var noKeyPolicy: NoKeyPolicy = .reject
    /// `global_writes`: a write to a global table: "reject" (default) or "all_shards".
    public var globalWrites: GlobalWritePolicy = .reject
    /// `volatile_functions`: more function names (besides nextval, setval, pg_advisory_lock...) whose call makes
    /// a statement a write. Default [].
    public var volatileFunctions: [String] = []
    /// `hint_key_type`: how a `pgring.shard_key` hint is hashed when the statement names no sharded table:
    /// "int" (default), "text" or "uuid".
    public var hintKeyType: ShardingKeyType = .int
    /// `replica_reads`: send reads outside transactions to replicas. Default true.
    public var replicaReads: Bool = true
    /// `replica_balance`: "round_robin" (default) or "least_outstanding".
    public var replicaBalance: ReplicaChooser.Balance = .roundRobin
    /// `replica_fallback`: when no replica of a shard is usable: "primary" (default: reads go to the primary)
    /// or "error" (reads fail with 57P03).
    public var replicaFallback: ReplicaFallback = .primary
    /// `max_replica_lag_bytes`: a replica further behind its primary than this is taken out of rotation.
    /// 0 = no byte limit. Default 16 MiB.
    public var maxReplicaLagBytes: Int = 16 * 1024 * 1024
    /// `max_replica_lag_seconds`: a replica whose last replayed transaction is older than this while it is
    /// behind is taken out of rotation. 0 = no time limit. Default 10.
    public var maxReplicaLagSeconds: Double = 10
    /// `health_check_interval` (seconds): how often every server is checked. Default 1.
    public var healthCheckInterval: Double = 1
    /// `health_check_timeout` (seconds): connect + query bound of one check. Default 2.
    public var healthCheckTimeout: Double = 2
    /// `read_your_writes`: after a client's write on a shard, its reads there go only to replicas that replayed
    /// the write (else to the primary). Default true.
    public var readYourWrites: Bool = true
    /// `read_your_writes_wait` (seconds): how long a read may wait for a replica to replay the client's last
    /// write (as last seen by the health checks) before it goes to the primary. Default 0 (go to the primary at once).
    public var readYourWritesWait: Double = 0
    public init() {}
}

/// `routing.replica_fallback` values.
public enum ReplicaFallback: String, Sendable, Equatable, CaseIterable {
    /// Reads go to the primary while no replica is usable.
    case primary
    /// Reads fail (57P03) while no replica is usable.
    case error
}

/// One `[[tables]]` entry: a sharded table (with `key`) or a global table (`global = true`).
/// Tables not listed are unsharded and live on the default shard.
public struct TableConfiguration: Sendable, Equatable {
    /// `name`: the table name without schema, as PostgreSQL folds an unquoted identifier (the loader folds ASCII
    /// `A`-`Z` to lower case). Unique.
    public var name: String
    /// `key`: the sharding key column, folded like `name`; required for a sharded table, nil for a global table.
    public var keyColumn: String?
    /// `key_type`: "int" (default; smallint, integer, bigint), "text" or "uuid".
    public var keyType: ShardingKeyType
    /// `global`: the same copy lives on every shard.
    public var isGlobal: Bool
    public init(name: String, keyColumn: String? = nil, keyType: ShardingKeyType = .int, isGlobal: Bool = false) {
        self.name = name
        self.keyColumn = keyColumn
        self.keyType = keyType
        self.isGlobal = isGlobal
    }
}
