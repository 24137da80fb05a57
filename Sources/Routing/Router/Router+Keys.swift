import HashRing

/// One sharded table reference of a statement and the key values that restrict it.
public struct TableKeyValues: Sendable, Hashable {
    /// The index of the reference in `AnalyzedStatement.tables`.
    public var tableIndex: Int
    /// The reference.
    public var table: TableReference
    /// How the table is sharded.
    public var sharding: ShardedTable
    /// The key values (literals or `$n`), nil when the statement gives none for this reference.
    public var values: [KeyValue]?
}

/// The sharded tables of a statement and the shards their keys map to.
struct StatementKeys: Sendable {
    /// One sharded table reference.
    struct Table: Sendable {
        /// The table name as written.
        var name: String
        /// Its key column.
        var keyColumn: String
        /// Its key type.
        var keyType: ShardingKeyType
        /// The shards of its key values (sorted, unique), nil when the statement has no key for it.
        var shards: [String]?
    }

    /// Every sharded table reference, in statement order.
    let tables: [Table]
    /// The union of all shards found, sorted.
    let shards: [String]

    /// Collects the tables and the union of their shards.
    init(tables: [Table]) {
        self.tables = tables
        self.shards = Array(Set(tables.flatMap { $0.shards ?? [] })).sorted()
    }

    /// The key type of the first sharded table, if any.
    var firstKeyType: ShardingKeyType? { tables.first?.keyType }
}

extension Router {
    /// The sharded table references of `statement` with the key values that restrict them, after carrying
    /// keys across `a.key = b.key` links. `values` is nil for a reference the statement does not restrict.
    public func keyValues(of statement: AnalyzedStatement) -> [TableKeyValues] {
        var indices: [Int] = []
        var values: [Int: [KeyValue]] = [:]
        for (index, table) in statement.tables.enumerated() {
            guard let sharded = configuration.shardedTables[table.name] else { continue }
            indices.append(index)
            if let found = statement.keyValues(forTableAt: index, keyColumn: sharded.keyColumn) {
                values[index] = found
            }
        }
        propagateAcrossLinks(statement, values: &values)
        return indices.compactMap { index in
            let table = statement.tables[index]
            guard let sharded = configuration.shardedTables[table.name] else { return nil }
            return TableKeyValues(tableIndex: index, table: table, sharding: sharded, values: values[index])
        }
    }

    /// The ring hashes of the key values `statement` names (from its SQL, its Bind parameters, or a `shard_key`
    /// hint, comment or session setting); values that cannot be typed are left out. Used while a rebalance
    /// holds the writes of moving keys, so it runs only then.
    public func keyHashes(_ statement: AnalyzedStatement, parameters: [BindParameter]?, session: SessionHints) -> [Int64] {
        var hashes: [Int64] = []
        var firstType: ShardingKeyType?
        for found in keyValues(of: statement) {
            firstType = firstType ?? found.sharding.keyType
            for value in found.values ?? [] {
                if case .success(let key) = shardingKey(value, table: found.table.name, sharded: found.sharding, parameters: parameters) {
                    hashes.append(key.hash)
                }
            }
        }
        if let hinted = statement.hints.shardKey ?? session.shardKey,
           let key = (firstType ?? configuration.hintKeyType).parse(hinted) {
            hashes.append(key.hash)
        }
        return hashes
    }

    /// Finds the sharded tables of `statement`, their key values (with join links), and the shards of those
    /// values; fails when a value cannot be typed, a parameter is missing, or the statement assigns a key column.
    func statementKeys(
        _ statement: AnalyzedStatement,
        parameters: [BindParameter]?,
        ring: ConsistentHashRing
    ) -> Result<StatementKeys, RoutingError> {
        var tables: [StatementKeys.Table] = []
        for found in keyValues(of: statement) {
            let sharded = found.sharding
            if statement.assigns(column: sharded.keyColumn, ofTableAt: found.tableIndex) {
                return .failure(RoutingError(
                    sqlState: RoutingError.Code.featureNotSupported,
                    message: "changing sharding key \"\(sharded.keyColumn)\" of table \"\(found.table.name)\" is not supported",
                    hint: "The row may belong on another shard: DELETE it and INSERT it with the new key."
                ))
            }
            var shards: [String]?
            if let keyValues = found.values {
                var names = Set<String>()
                for value in keyValues {
                    switch shardingKey(value, table: found.table.name, sharded: sharded, parameters: parameters) {
                    case .success(let key): names.insert(ring.shard(for: key).name)
                    case .failure(let error): return .failure(error)
                    }
                }
                shards = names.sorted()
            }
            tables.append(StatementKeys.Table(
                name: found.table.name, keyColumn: sharded.keyColumn, keyType: sharded.keyType, shards: shards
            ))
        }
        return .success(StatementKeys(tables: tables))
    }

    /// Gives a sharded table without key values the values of a table it is joined to on both sharding keys
    /// (`a.user_id = b.user_id`, same key type), repeatedly until nothing changes.
    func propagateAcrossLinks(_ statement: AnalyzedStatement, values: inout [Int: [KeyValue]]) {
        let links = statement.tableLinks().filter { link in
            guard let left = configuration.shardedTables[statement.tables[link.left].name],
                  let right = configuration.shardedTables[statement.tables[link.right].name]
            else { return false }
            return left.keyColumn == link.leftColumn && right.keyColumn == link.rightColumn
                && left.keyType == right.keyType
        }
        var changed = true
        var rounds = 0
        while changed, rounds <= links.count {
            changed = false
            rounds += 1
            for link in links {
                if values[link.left] == nil, let found = values[link.right] {
                    values[link.left] = found
                    changed = true
                } else if values[link.right] == nil, let found = values[link.left] {
                    values[link.right] = found
                    changed = true
                }
            }
        }
    }

    /// Types one key value for a table.
    func shardingKey(
        _ value: KeyValue,
        table: String,
        sharded: ShardedTable,
        parameters: [BindParameter]?
    ) -> Result<ShardingKey, RoutingError> {
        switch value {
        case .literal(let text):
            guard let key = sharded.keyType.parse(text) else {
                return .failure(RoutingError(
                    sqlState: RoutingError.Code.invalidTextRepresentation,
                    message: "invalid \(sharded.keyType.rawValue) value \"\(text)\" for sharding key "
                        + "\"\(sharded.keyColumn)\" of table \"\(table)\""
                ))
            }
            return .success(key)
        case .parameter(let number):
            guard let parameters, number >= 1, number <= parameters.count else {
                return .failure(RoutingError(
                    sqlState: RoutingError.Code.protocolViolation,
                    message: "sharding key \"\(sharded.keyColumn)\" of table \"\(table)\" uses parameter $\(number), "
                        + "which was not bound"
                ))
            }
            switch parameters[number - 1].shardingKey(as: sharded.keyType) {
            case .success(let key):
                return .success(key)
            case .failure(let error):
                return .failure(RoutingError(
                    sqlState: error.sqlState,
                    message: error.message + " (parameter $\(number), sharding key \"\(sharded.keyColumn)\" "
                        + "of table \"\(table)\")"
                ))
            }
        }
    }
}
