import HashRing

/// A table as a rebalance job sees it: sharded by a key column, or global (copied whole to a new shard).
public struct TableSpec: Codable, Sendable, Equatable {
    /// The table name (unqualified, as in `[[tables]]`).
    public var name: String
    /// The sharding key column; nil for a global table.
    public var keyColumn: String?
    /// The key's type ("int", "text", "uuid").
    public var keyType: String
    /// True for a global table.
    public var isGlobal: Bool

    /// Creates a table description.
    public init(name: String, keyColumn: String?, keyType: String, isGlobal: Bool) {
        self.name = name
        self.keyColumn = keyColumn
        self.keyType = keyType
        self.isGlobal = isGlobal
    }
}

/// The SQL a rebalance runs (docs/rebalancing.md shows each statement). Pure: text in, text out.
public enum RebalanceSQL {
    /// `name` as a quoted identifier.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `value` as a quoted string literal (standard_conforming_strings = on).
    public static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The hash of a sharded table's key column, as the ring computes it (docs/ring.md section 1).
    public static func hashExpression(_ table: TableSpec) -> String? {
        guard let column = table.keyColumn, let type = ShardingKeyType(rawValue: table.keyType) else { return nil }
        return type.sqlHashExpression(column: identifier(column))
    }

    /// The rows of `table` whose key hashes into `ranges`: `(h <@ '{[lo,hi],...}'::int8multirange)`; `false` for
    /// no range. The same rows as `h BETWEEN lo AND hi OR ...` (docs/ring.md section 5), but the hash is computed
    /// once per row and the ranges are searched in O(log n): a plan moves thousands of ranges, and an OR of them
    /// made the initial copy and the deletes compute thousands of hashes per row. `Int64.max` is written as an
    /// open upper bound (an inclusive `int8range` bound is stored as hi + 1, which would overflow).
    public static func predicate(_ table: TableSpec, ranges: [HashRange]) -> String? {
        guard let hash = hashExpression(table) else { return nil }
        guard !ranges.isEmpty else { return "false" }
        let list = ranges.map { "[\($0.lo),\($0.hi == .max ? "" : String($0.hi))]" }.joined(separator: ",")
        return "(\(hash) <@ '{\(list)}'::int8multirange)"
    }

    /// The name of the publication, subscription and replication slot of pair `index` of job `job`.
    public static func replicationName(job: String, pair index: Int) -> String {
        "pgring_rb_\(job)_\(index)"
    }

    /// The fence table: a row written on the source after writes are held, awaited on the target (its arrival
    /// proves everything committed before it was applied there).
    public static let createFence = [
        "CREATE SCHEMA IF NOT EXISTS pgring",
        "CREATE TABLE IF NOT EXISTS pgring.rebalance_fence (job text NOT NULL, pair int NOT NULL, seq bigint NOT NULL, PRIMARY KEY (job, pair))",
    ]

    /// Writes fence number `seq` of a pair on its source.
    public static func writeFence(job: String, pair: Int, seq: Int) -> String {
        "INSERT INTO pgring.rebalance_fence (job, pair, seq) VALUES (\(literal(job)), \(pair), \(seq)) "
            + "ON CONFLICT (job, pair) DO UPDATE SET seq = EXCLUDED.seq"
    }

    /// Reads the fence number of a pair on its target.
    public static func readFence(job: String, pair: Int) -> String {
        "SELECT seq FROM pgring.rebalance_fence WHERE job = \(literal(job)) AND pair = \(pair)"
    }

    /// The publication of pair `index` on its source: the moving rows of every sharded table (row filter),
    /// the global tables when `globals` is true, and the pair's fence row.
    public static func createPublication(job: String, pair index: Int, tables: [TableSpec], ranges: [HashRange], globals: Bool) -> String {
        var members: [String] = []
        for table in tables {
            if table.isGlobal {
                if globals { members.append(identifier(table.name)) }
            } else if let filter = predicate(table, ranges: ranges) {
                members.append("\(identifier(table.name)) WHERE \(filter)")
            }
        }
        members.append("pgring.rebalance_fence WHERE (job = \(literal(job)) AND pair = \(index))")
        return "CREATE PUBLICATION \(identifier(replicationName(job: job, pair: index))) FOR TABLE " + members.joined(separator: ", ")
    }

    /// A libpq connection string (values quoted as libpq wants: single quotes, `\` escapes).
    public static func connectionString(host: String, port: Int, database: String, user: String, password: String?) -> String {
        func quoted(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        var parts = ["host=\(quoted(host))", "port=\(port)", "dbname=\(quoted(database))", "user=\(quoted(user))"]
        if let password { parts.append("password=\(quoted(password))") }
        return parts.joined(separator: " ")
    }

    /// The subscription of pair `index` on its target: initial copy, then streaming; commits flushed locally so
    /// the fence is durable when it is seen.
    public static func createSubscription(job: String, pair index: Int, connection: String) -> String {
        let name = identifier(replicationName(job: job, pair: index))
        return "CREATE SUBSCRIPTION \(name) CONNECTION \(literal(connection)) PUBLICATION \(name) "
            + "WITH (copy_data = true, synchronous_commit = 'local')"
    }

    /// Drops the subscription of a pair on its target (this also drops its slot on the source).
    public static func dropSubscription(job: String, pair index: Int) -> String {
        "DROP SUBSCRIPTION IF EXISTS \(identifier(replicationName(job: job, pair: index)))"
    }

    /// Drops the publication of a pair on its source.
    public static func dropPublication(job: String, pair index: Int) -> String {
        "DROP PUBLICATION IF EXISTS \(identifier(replicationName(job: job, pair: index)))"
    }

    /// Drops the pair's replication slot on its source when the subscription could not (target unreachable).
    public static func dropSlot(job: String, pair index: Int) -> String {
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = \(literal(replicationName(job: job, pair: index))) AND NOT active"
    }

    /// Deletes at most `limit` rows of `table` in `ranges` (one small transaction per batch) and returns how many.
    public static func deleteBatch(_ table: TableSpec, ranges: [HashRange], limit: Int) -> String? {
        guard let filter = predicate(table, ranges: ranges) else { return nil }
        let name = identifier(table.name)
        return "WITH deleted AS (DELETE FROM \(name) WHERE ctid = ANY (ARRAY(SELECT ctid FROM \(name) WHERE \(filter) LIMIT \(limit))) RETURNING 1) "
            + "SELECT count(*) FROM deleted"
    }

    /// Deletes the rows of `table` in `ranges` that lie in heap blocks `first ..< end` (a TID range scan: each
    /// batch reads only its blocks, so deleting a whole table's moved rows reads it once) and returns how many.
    public static func deleteBlocks(_ table: TableSpec, ranges: [HashRange], first: Int, end: Int) -> String? {
        guard let filter = predicate(table, ranges: ranges) else { return nil }
        let name = identifier(table.name)
        return "WITH deleted AS (DELETE FROM \(name) WHERE ctid >= '(\(first),0)'::tid AND ctid < '(\(end),0)'::tid AND \(filter) RETURNING 1) "
            + "SELECT count(*) FROM deleted"
    }

    /// The heap blocks of a table and its rows per block (planner statistics; at least 1).
    public static func blocks(_ table: TableSpec) -> String {
        "SELECT pg_relation_size(c.oid) / current_setting('block_size')::int, "
            + "greatest(1, CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages ELSE 100 END)::int "
            + "FROM pg_class c WHERE c.oid = to_regclass(\(literal(identifier(table.name))))"
    }

    /// Counts the rows of `table` in `ranges`.
    public static func countRows(_ table: TableSpec, ranges: [HashRange]) -> String? {
        guard let filter = predicate(table, ranges: ranges) else { return nil }
        return "SELECT count(*) FROM \(identifier(table.name)) WHERE \(filter)"
    }

    /// Planner statistics of a table: estimated rows (-1 when never analysed) and bytes; no row when it is missing.
    public static func tableSize(_ table: TableSpec) -> String {
        "SELECT c.reltuples::bigint, pg_table_size(c.oid) FROM pg_class c WHERE c.oid = to_regclass(\(literal(identifier(table.name))))"
    }

    /// The columns of a table: name, type, NOT NULL ("t"/"f"), in order.
    public static func columns(_ table: TableSpec) -> String {
        "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            + "WHERE attrelid = to_regclass(\(literal(identifier(table.name)))) AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
    }

    /// The owner of a table (`--copy-schema` gives the copy the same owner, so the application keeps its rights).
    public static func owner(_ table: TableSpec) -> String {
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(\(literal(identifier(table.name))))"
    }

    /// Gives `table` to `role` when that role exists.
    public static func setOwner(_ table: TableSpec, to role: String) -> String {
        "DO $pgring$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(literal(role))) THEN "
            + "EXECUTE \(literal("ALTER TABLE \(identifier(table.name)) OWNER TO \(identifier(role))")); END IF; END $pgring$"
    }

    /// The privileges granted on a table: grantee (`PUBLIC` for everyone) and privilege, one row each.
    public static func grants(_ table: TableSpec) -> String {
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type "
            + "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = to_regclass(\(literal(identifier(table.name)))) AND a.grantee <> c.relowner"
    }

    /// Grants `privilege` on `table` to `grantee` when that role exists (or is PUBLIC).
    public static func grant(_ table: TableSpec, privilege: String, to grantee: String) -> String? {
        let allowed: Set<String> = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
        guard allowed.contains(privilege) else { return nil }
        let target = grantee == "PUBLIC" ? "PUBLIC" : identifier(grantee)
        let statement = "GRANT \(privilege) ON \(identifier(table.name)) TO \(target)"
        return "DO $pgring$ BEGIN IF \(grantee == "PUBLIC" ? "true" : "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(literal(grantee)))") THEN "
            + "EXECUTE \(literal(statement)); END IF; END $pgring$"
    }

    /// The primary key constraint of a table (`PRIMARY KEY (...)`), if any.
    public static func primaryKey(_ table: TableSpec) -> String {
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(\(literal(identifier(table.name)))) AND contype = 'p'"
    }

    /// The replica identity of a table: `relreplident` and the identity's columns (comma-separated).
    public static func replicaIdentity(_ table: TableSpec) -> String {
        "SELECT c.relreplident, (SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a "
            + "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = c.oid "
            + "AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident))) "
            + "FROM pg_class c WHERE c.oid = to_regclass(\(literal(identifier(table.name))))"
    }

    /// `CREATE TABLE` for a table from its source's columns and primary key (`--copy-schema`).
    public static func createTable(_ table: TableSpec, columns: [(name: String, type: String, notNull: Bool)], primaryKey: String?) -> String {
        var parts = columns.map { "\(identifier($0.name)) \($0.type)\($0.notNull ? " NOT NULL" : "")" }
        if let primaryKey { parts.append(primaryKey) }
        return "CREATE TABLE IF NOT EXISTS \(identifier(table.name)) (" + parts.joined(separator: ", ") + ")"
    }

    /// Whether each of the pair's tables finished its initial copy: the count of tables whose copy is not done
    /// (`s`, sync done, is enough: from there the subscription's apply worker carries the table's changes in
    /// commit order, so the cutover's fence covers them; `r` can lag by a keepalive interval), and of all tables.
    public static func tablesNotReady(job: String, pair index: Int) -> String {
        "SELECT count(*) FILTER (WHERE r.srsubstate NOT IN ('s', 'r')), count(*) FROM pg_subscription s "
            + "JOIN pg_subscription_rel r ON r.srsubid = s.oid WHERE s.subname = \(literal(replicationName(job: job, pair: index)))"
    }

    /// The replication lag of a pair in bytes, seen from the source (current WAL minus what the target confirmed).
    public static func slotLag(job: String, pair index: Int) -> String {
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots "
            + "WHERE slot_name = \(literal(replicationName(job: job, pair: index)))"
    }
}
