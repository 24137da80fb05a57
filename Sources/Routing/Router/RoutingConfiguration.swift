import HashRing

/// The routing rules, built by the caller from the TOML configuration. An immutable value: a reload builds a
/// new one.
public struct RoutingConfiguration: Sendable, Hashable {
    /// Sharded tables by lower-cased table name (schema ignored): the key column and its type. A table is
    /// matched by its name as PostgreSQL folds it: `Orders` and `orders` match `orders`, the quoted
    /// `"Orders"` does not (it is another table in PostgreSQL).
    public var shardedTables: [String: ShardedTable]
    /// Tables copied to every shard (lower-cased names): reads go to the default shard, writes follow
    /// `globalWrites`.
    public var globalTables: Set<String>
    /// The shard for statements that touch no sharded table (and for unknown tables, which are assumed to
    /// live there).
    public var defaultShard: String
    /// What to do with a statement that touches a sharded table but carries no key.
    public var noKeyPolicy: NoKeyPolicy
    /// What to do with a statement that writes a global table.
    public var globalWrites: GlobalWritePolicy
    /// Functions whose call makes a statement a write (lower case, without schema).
    public var volatileFunctions: Set<String>
    /// The type used to hash a `shard_key` hint when the statement names no sharded table.
    public var hintKeyType: ShardingKeyType

    /// Functions that change state, so a statement calling them must run on a primary.
    public static let defaultVolatileFunctions: Set<String> = [
        "nextval", "setval", "lastval", "currval", "txid_current", "pg_current_xact_id",
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_shared",
        "pg_advisory_unlock_all", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared",
        "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock",
        "pg_try_advisory_xact_lock_shared", "pg_notify", "set_config", "pg_switch_wal", "pg_create_restore_point",
        "lo_create", "lo_import", "lo_unlink", "lo_creat", "lo_open", "lo_put", "lo_from_bytea", "dblink_exec",
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
    ]

    /// Creates a configuration. `volatileFunctions` is added to `defaultVolatileFunctions` (lower-cased).
    public init(
        shardedTables: [String: ShardedTable] = [:],
        globalTables: Set<String> = [],
        defaultShard: String,
        noKeyPolicy: NoKeyPolicy = .reject,
        globalWrites: GlobalWritePolicy = .reject,
        volatileFunctions: Set<String> = [],
        hintKeyType: ShardingKeyType = .int
    ) {
        self.shardedTables = Dictionary(shardedTables.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        self.globalTables = Set(globalTables.map { $0.lowercased() })
        self.defaultShard = defaultShard
        self.noKeyPolicy = noKeyPolicy
        self.globalWrites = globalWrites
        self.volatileFunctions = Self.defaultVolatileFunctions.union(volatileFunctions.map { $0.lowercased() })
        self.hintKeyType = hintKeyType
    }
}

/// How one sharded table is keyed.
public struct ShardedTable: Sendable, Hashable {
    /// The key column, lower-cased (as an unquoted name folds).
    public var keyColumn: String
    /// The key's type, which decides how a value is hashed.
    public var keyType: ShardingKeyType

    /// Creates a table definition; the column name is lower-cased.
    public init(keyColumn: String, keyType: ShardingKeyType) {
        self.keyColumn = keyColumn.lowercased()
        self.keyType = keyType
    }
}

/// What to do with a statement on a sharded table that carries no key (and no hint).
public enum NoKeyPolicy: String, Sendable, Hashable, CaseIterable {
    /// Reject it (SQLSTATE 0A000) with a message naming the table and key column.
    case reject
    /// Send it to the default shard.
    case defaultShard = "default_shard"
    /// Send reads to every shard (the caller merges the results); writes are still rejected.
    case allShards = "all_shards"
}

/// What to do with a statement that writes a global (replicated) table.
public enum GlobalWritePolicy: String, Sendable, Hashable, CaseIterable {
    /// Reject it (SQLSTATE 0A000): global tables are maintained outside pgring.
    case reject
    /// Send it to the primary of every shard.
    case allShards = "all_shards"
}
