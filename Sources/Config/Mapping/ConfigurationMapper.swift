/// Turns a parsed TOML document into a `PGRingConfiguration`, reporting every wrong type, unknown key,
/// missing required key and malformed address on the way. Range and consistency checks are
/// `ConfigurationValidator`'s job; the mapper only keeps the file positions it needs for their key paths.
///
/// A value with a problem is left at its default; an array entry without its required keys
/// (a shard without `name` or a valid `primary`, a database or user without `name`) is left out.
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
    /// Number of `[[shards]]` entries in the file, valid or not.
    var shardEntriesInFile = 0
    /// Number of `[[databases]]` entries in the file, valid or not.
    var databaseEntriesInFile = 0
    /// Number of `[[users]]` entries in the file, valid or not.
    var userEntriesInFile = 0

    init() {}

    /// Origins of a configuration built in code: entry i is at index i.
    init(identityFor configuration: PGRingConfiguration) {
        shards = Array(configuration.shards.indices)
        databases = Array(configuration.databases.indices)
        users = Array(configuration.users.indices)
        shardEntriesInFile = configuration.shards.count
        databaseEntriesInFile = configuration.databases.count
        userEntriesInFile = configuration.users.count
    }
}
