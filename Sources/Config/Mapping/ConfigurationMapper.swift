import HashRing
import Routing

/// Turns a parsed TOML document into a `PGRingConfiguration`, reporting every wrong type, unknown key,
/// missing required key and malformed address on the way. Range and consistency checks are
/// `ConfigurationValidator`'s job; the mapper only keeps the file positions it needs for their key paths.
///
/// A value with a problem is left at its default; an array entry without its required keys
/// (a shard without `name` or a valid `primary`, a database, user or table without `name`) is left out.
struct ConfigurationMapper {
    /// Where problems go.
    let problems: ProblemCollector

    /// The configuration, and for each array entry its index in the file.
    func map(_ document: TOMLTable) -> (PGRingConfiguration, ConfigurationEntryOrigins) {
        let root = ConfigurationTableReader(table: document, path: "", problems: problems)
        var configuration = PGRingConfiguration()
        if let section = root.section("pgring") {
            configuration.pgring = mapProxy(section)
        }
        if let section = root.section("tls") {
            configuration.tls = mapClientTLS(section)
        }
        if let section = root.section("server") {
            configuration.server = mapServer(section)
        }
        if let section = root.section("pool") {
            configuration.pool = mapPool(section)
        }
        if let section = root.section("ring") {
            configuration.ring = mapRing(section)
        }
        if let section = root.section("stats") {
            configuration.stats = mapStats(section)
        }
        if let section = root.section("routing") {
            configuration.routing = mapRouting(section)
        }
        if let section = root.section("rebalance") {
            configuration.rebalance = mapRebalance(section)
        }
        var origins = ConfigurationEntryOrigins()

        let shards = root.sectionArray("shards")
        origins.shardEntriesInFile = shards.entriesInFile
        for (index, reader) in shards.readers {
            if let shard = mapShard(reader) {
                configuration.shards.append(shard)
                origins.shards.append(index)
            }
        }

        let databases = root.sectionArray("databases")
        origins.databaseEntriesInFile = databases.entriesInFile
        for (index, reader) in databases.readers {
            if let database = mapDatabase(reader) {
                configuration.databases.append(database)
                origins.databases.append(index)
            }
        }

        let users = root.sectionArray("users")
        origins.userEntriesInFile = users.entriesInFile
        for (index, reader) in users.readers {
            if let user = mapUser(reader) {
                configuration.users.append(user)
                origins.users.append(index)
            }
        }

        let tables = root.sectionArray("tables")
        origins.tableEntriesInFile = tables.entriesInFile
        for (index, reader) in tables.readers {
            if let table = mapTable(reader) {
                configuration.tables.append(table)
                origins.tables.append(index)
            }
        }
        root.reportUnknownKeys()
        return (configuration, origins)
    }

    /// `[pgring]`.
    func mapProxy(_ reader: ConfigurationTableReader) -> ProxyConfiguration {
        var proxy = ProxyConfiguration()
        if let value = reader.string("listen_host") { proxy.listenHost = value }
        if let value = reader.integer("listen_port") { proxy.listenPort = value }
        if let value = reader.string("unix_socket_dir") { proxy.unixSocketDirectory = value }
        if let value = reader.integer("max_message_size") { proxy.maxMessageSize = value }
        if let value = reader.seconds("shutdown_timeout") { proxy.shutdownTimeout = value }
        if let value = reader.string("log_level") { proxy.logLevel = value }
        if let value = reader.enumeration("auth_method", ClientAuthMethod.self) { proxy.authMethod = value }
        if let value = reader.seconds("auth_failure_delay") { proxy.authFailureDelay = value }
        if let value = reader.integer("max_client_conn") { proxy.maxClientConnections = value }
        if let value = reader.seconds("client_idle_timeout") { proxy.clientIdleTimeout = value }
        if let value = reader.strings("admin_users") { proxy.adminUsers = value }
        if let value = reader.strings("stats_users") { proxy.statsUsers = value }
        reader.reportUnknownKeys()
        return proxy
    }

    /// `[stats]`.
    func mapStats(_ reader: ConfigurationTableReader) -> StatsConfiguration {
        var stats = StatsConfiguration()
        if let value = reader.boolean("enabled") { stats.enabled = value }
        if let value = reader.string("listen_host") { stats.listenHost = value }
        if let value = reader.integer("listen_port") { stats.listenPort = value }
        reader.reportUnknownKeys()
        return stats
    }

    /// `[rebalance]`.
    func mapRebalance(_ reader: ConfigurationTableReader) -> RebalanceSettings {
        var rebalance = RebalanceSettings()
        if let value = reader.string("user") { rebalance.user = value }
        if let value = reader.string("password") { rebalance.password = value }
        if let value = reader.string("state_file") { rebalance.stateFile = value }
        if let value = reader.seconds("cutover_timeout") { rebalance.cutoverTimeout = value }
        if let value = reader.integer("cutover_attempts") { rebalance.cutoverAttempts = value }
        if let value = reader.integer("max_catchup_lag_bytes") { rebalance.maxCatchupLagBytes = value }
        if let value = reader.integer("delete_batch_size") { rebalance.deleteBatchSize = value }
        reader.reportUnknownKeys()
        return rebalance
    }

    /// `[routing]`.
    func mapRouting(_ reader: ConfigurationTableReader) -> RoutingSettings {
        var routing = RoutingSettings()
        if let value = reader.string("default_shard") { routing.defaultShard = value }
        if let value = reader.enumeration("no_key_policy", NoKeyPolicy.self) { routing.noKeyPolicy = value }
        if let value = reader.enumeration("global_writes", GlobalWritePolicy.self) { routing.globalWrites = value }
        if let value = reader.strings("volatile_functions") { routing.volatileFunctions = value }
        if let value = reader.enumeration("hint_key_type", ShardingKeyType.self) { routing.hintKeyType = value }
        if let value = reader.boolean("replica_reads") { routing.replicaReads = value }
        if let value = reader.enumeration("replica_balance", ReplicaChooser.Balance.self) { routing.replicaBalance = value }
        if let value = reader.enumeration("replica_fallback", ReplicaFallback.self) { routing.replicaFallback = value }
        if let value = reader.integer("max_replica_lag_bytes") { routing.maxReplicaLagBytes = value }
        if let value = reader.seconds("max_replica_lag_seconds") { routing.maxReplicaLagSeconds = value }
        if let value = reader.seconds("health_check_interval") { routing.healthCheckInterval = value }
        if let value = reader.seconds("health_check_timeout") { routing.healthCheckTimeout = value }
        if let value = reader.boolean("read_your_writes") { routing.readYourWrites = value }
        if let value = reader.seconds("read_your_writes_wait") { routing.readYourWritesWait = value }
        reader.reportUnknownKeys()
        return routing
    }

    /// `[tls]`.
    func mapClientTLS(_ reader: ConfigurationTableReader) -> ClientTLSConfiguration {
        var tls = ClientTLSConfiguration()
        if let value = reader.string("cert_file") { tls.certificateFile = value }
        if let value = reader.string("key_file") { tls.keyFile = value }
        reader.reportUnknownKeys()
        return tls
    }

    /// `[server]`.
    func mapServer(_ reader: ConfigurationTableReader) -> ServerConnectionConfiguration {
        var server = ServerConnectionConfiguration()
        if let value = reader.string("user") { server.user = value }
        if let value = reader.string("password") { server.password = value }
        if let value = reader.enumeration("tls", ServerTLSMode.self) { server.tlsMode = value }
        if let value = reader.string("ca_file") { server.caFile = value }
        if let value = reader.seconds("connect_timeout") { server.connectTimeout = value }
        if let value = reader.seconds("login_retry_delay") { server.loginRetryDelay = value }
        reader.reportUnknownKeys()
        return server
    }

    /// `[pool]`.
    func mapPool(_ reader: ConfigurationTableReader) -> PoolConfiguration {
        var pool = PoolConfiguration()
        if let value = reader.enumeration("mode", PoolMode.self) { pool.mode = value }
        if let value = reader.integer("size") { pool.size = value }
        if let value = reader.integer("max_idle") { pool.maxIdle = value }
        if let value = reader.seconds("idle_timeout") { pool.idleTimeout = value }
        if let value = reader.seconds("server_lifetime") { pool.serverLifetime = value }
        if let value = reader.seconds("query_wait_timeout") { pool.queryWaitTimeout = value }
        if let value = reader.string("reset_query") { pool.resetQuery = value }
        if let value = reader.integer("max_prepared_statements") { pool.maxPreparedStatements = value }
        if let value = reader.integer("min_idle") { pool.minIdle = value }
        if let value = reader.integer("reserve_size") { pool.reserveSize = value }
        if let value = reader.seconds("reserve_timeout") { pool.reserveTimeout = value }
        if let value = reader.seconds("idle_transaction_timeout") { pool.idleTransactionTimeout = value }
        if let value = reader.seconds("server_check_delay") { pool.serverCheckDelay = value }
        if let value = reader.string("server_check_query") { pool.serverCheckQuery = value }
        reader.reportUnknownKeys()
        return pool
    }

    /// `[ring]`.
    func mapRing(_ reader: ConfigurationTableReader) -> RingConfiguration {
        var ring = RingConfiguration()
        if let value = reader.integer("vnodes") { ring.vnodes = value }
        if let value = reader.integer("version") { ring.version = value }
        reader.reportUnknownKeys()
        return ring
    }

    /// One `[[shards]]` entry; nil when `name` or a valid `primary` is missing.
    func mapShard(_ reader: ConfigurationTableReader) -> ShardConfiguration? {
        let name = reader.string("name")
        let weight = reader.integer("weight")
        let primary = reader.address("primary")
        let replicas = reader.addresses("replicas")
        if reader.value("name") == nil {
            problems.report(reader.keyPath("name"), "is required: every shard needs a unique name")
        }
        if reader.value("primary") == nil {
            problems.report(reader.keyPath("primary"), "is required: the shard's primary server as \"host:port\"")
        }
        reader.reportUnknownKeys()
        guard let name, let primary else { return nil }
        return ShardConfiguration(name: name, weight: weight ?? 1, primary: primary, replicas: replicas ?? [])
    }

    /// One `[[databases]]` entry; nil when `name` is missing.
    func mapDatabase(_ reader: ConfigurationTableReader) -> DatabaseConfiguration? {
        let name = reader.string("name")
        let serverDatabase = reader.string("server_database")
        let poolMode = reader.enumeration("pool_mode", PoolMode.self)
        let maxClientConnections = reader.integer("max_client_conn")
        if reader.value("name") == nil {
            problems.report(reader.keyPath("name"), "is required: the database name clients connect to")
        }
        reader.reportUnknownKeys()
        guard let name else { return nil }
        return DatabaseConfiguration(name: name, serverDatabase: serverDatabase, poolMode: poolMode, maxClientConnections: maxClientConnections)
    }

    /// One `[[users]]` entry; nil when `name` is missing.
    func mapUser(_ reader: ConfigurationTableReader) -> UserConfiguration? {
        let name = reader.string("name")
        let password = reader.string("password")
        let scramVerifier = reader.string("scram_verifier")
        let md5Hash = reader.string("md5_hash")
        let maxClientConnections = reader.integer("max_client_conn")
        if reader.value("name") == nil {
            problems.report(reader.keyPath("name"), "is required: the user name clients log in with")
        }
        reader.reportUnknownKeys()
        guard let name else { return nil }
        return UserConfiguration(
            name: name, password: password, scramVerifier: scramVerifier, md5Hash: md5Hash, maxClientConnections: maxClientConnections)
    }

    /// One `[[tables]]` entry; nil when `name` is missing, or `key` or `global` has the wrong type (already
    /// reported; guessing would only add a second, misleading problem). `name` and `key` are folded to lower
    /// case, as PostgreSQL folds unquoted identifiers. `key_type` on a global table is reported here, because
    /// the model (which always has a key type) cannot tell validation whether the file set it.
    func mapTable(_ reader: ConfigurationTableReader) -> TableConfiguration? {
        let name = reader.string("name")
        let key = reader.string("key")
        let keyType = reader.enumeration("key_type", ShardingKeyType.self)
        let global = reader.boolean("global")
        let isGlobal = global ?? false
        if reader.value("name") == nil {
            problems.report(reader.keyPath("name"), "is required: the table name as written in queries (without schema)")
        }
        if isGlobal, reader.value("key_type") != nil {
            problems.report(reader.keyPath("key_type"), "must be absent for a global table (global = true)")
        }
        reader.reportUnknownKeys()
        guard let name, (key != nil) == (reader.value("key") != nil), (global != nil) == (reader.value("global") != nil) else {
            return nil
        }
        return TableConfiguration(
            name: Self.foldedIdentifier(name), keyColumn: key.map(Self.foldedIdentifier), keyType: keyType ?? .int,
            isGlobal: isGlobal)
    }

    /// `text` with ASCII `A`-`Z` folded to lower case and every other character kept, as PostgreSQL's
    /// `downcase_identifier` folds an unquoted identifier in a UTF-8 database.
    static func foldedIdentifier(_ text: String) -> String {
        String(decoding: text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

/// For each array entry of the mapped configuration, its index in the file, so validation can name
/// `shards[3]` correctly even when an earlier entry was left out. Also how many entries the file had.
struct ConfigurationEntryOrigins {
    /// File index of `configuration.shards[i]`.
    var shards: [Int] = []
    /// File index of `configuration.databases[i]`.
    var databases: [Int] = []
    /// File index of `configuration.users[i]`.
    var users: [Int] = []
    /// File index of `configuration.tables[i]`.
    var tables: [Int] = []
    /// Number of `[[shards]]` entries in the file, valid or not.
    var shardEntriesInFile = 0
    /// Number of `[[databases]]` entries in the file, valid or not.
    var databaseEntriesInFile = 0
    /// Number of `[[users]]` entries in the file, valid or not.
    var userEntriesInFile = 0
    /// Number of `[[tables]]` entries in the file, valid or not.
    var tableEntriesInFile = 0

    init() {}

    /// Origins of a configuration built in code: entry i is at index i.
    init(identityFor configuration: PGRingConfiguration) {
        shards = Array(configuration.shards.indices)
        databases = Array(configuration.databases.indices)
        users = Array(configuration.users.indices)
        tables = Array(configuration.tables.indices)
        shardEntriesInFile = configuration.shards.count
        databaseEntriesInFile = configuration.databases.count
        userEntriesInFile = configuration.users.count
        tableEntriesInFile = configuration.tables.count
    }
}
