import HashRing

extension Router {
    /// Chooses the shard(s) for a statement that is not a session command or transaction control,
    /// following the precedence documented on `Router`.
    func chooseShard(
        _ statement: AnalyzedStatement,
        isRead: Bool,
        parameters: [BindParameter]?,
        context: RoutingContext
    ) -> Result<ShardChoice, RoutingError> {
        let ring = context.ring
        if let pinned = context.session.pinnedShard {
            if let error = unknownShardError(pinned, ring: ring) { return .failure(error) }
            return .success(.one(pinned, .pin))
        }
        if let hinted = statement.hints.shard {
            if let error = unknownShardError(hinted, ring: ring) { return .failure(error) }
            return .success(.one(hinted, .hint))
        }
        let keys: StatementKeys
        switch statementKeys(statement, parameters: parameters, ring: ring) {
        case .success(let found): keys = found
        case .failure(let error): return .failure(error)
        }
        let hintedKey = statement.hints.shardKey.map { ($0, RouteReason.hint) }
            ?? context.session.shardKey.map { ($0, RouteReason.sessionKey) }
        if let (value, reason) = hintedKey {
            let keyType = keys.firstKeyType ?? configuration.hintKeyType
            guard let key = keyType.parse(value) else {
                return .failure(RoutingError(
                    sqlState: RoutingError.Code.invalidTextRepresentation,
                    message: "invalid shard_key \"\(value)\": not a valid \(keyType.rawValue) value"
                ))
            }
            let shard = ring.shard(for: key).name
            if let other = keys.shards.first(where: { $0 != shard }) {
                return .failure(RoutingError(
                    sqlState: RoutingError.Code.featureNotSupported,
                    message: "the shard_key hint maps to shard \(shard), but the statement's own key maps to shard \(other)",
                    hint: "Remove the hint, or make it match the key in the statement."
                ))
            }
            return .success(.one(shard, reason))
        }
        return chooseFromKeys(keys, statement: statement, isRead: isRead)
    }

    /// Applies the table rules once hints are out of the way: global writes, keys, the no-key policy.
    func chooseFromKeys(_ keys: StatementKeys, statement: AnalyzedStatement, isRead: Bool) -> Result<ShardChoice, RoutingError> {
        let writtenGlobals = statement.tables.filter {
            $0.usage == .modified && configuration.globalTables.contains($0.name)
        }
        if let global = writtenGlobals.first {
            switch configuration.globalWrites {
            case .reject:
                return .failure(RoutingError(
                    sqlState: RoutingError.Code.featureNotSupported,
                    message: "writes to global table \"\(global.name)\" are not allowed through pgring",
                    hint: "Apply changes to global tables on every shard directly, or set global_writes = \"all_shards\"."
                ))
            case .allShards:
                guard keys.tables.isEmpty else {
                    return .failure(RoutingError(
                        sqlState: RoutingError.Code.featureNotSupported,
                        message: "a statement cannot write global table \"\(global.name)\" and use sharded tables"
                    ))
                }
                return .success(.all(.globalWrite))
            }
        }
        if keys.tables.isEmpty {
            let touchesGlobal = statement.tables.contains { configuration.globalTables.contains($0.name) }
            return .success(.one(configuration.defaultShard, touchesGlobal ? .globalTable : .noTable))
        }
        if let missing = keys.tables.first(where: { $0.shards == nil }) {
            return noKeyChoice(missing, isRead: isRead)
        }
        let shards = keys.shards
        if shards.count == 1, let only = shards.first {
            return .success(.one(only, .key))
        }
        if isRead, configuration.noKeyPolicy == .allShards {
            return .success(.all(.multipleShards))
        }
        let described = keys.tables.filter { ($0.shards?.count ?? 0) > 1 }.first ?? keys.tables[0]
        return .failure(RoutingError(
            sqlState: RoutingError.Code.featureNotSupported,
            message: "statement on table \"\(described.name)\" needs shards \(shards.joined(separator: ", ")); "
                + "pgring runs a statement on one shard",
            hint: "Split the statement so that each one uses keys of a single shard."
        ))
    }

    /// Applies `NoKeyPolicy` to a sharded table without a key.
    func noKeyChoice(_ table: StatementKeys.Table, isRead: Bool) -> Result<ShardChoice, RoutingError> {
        let missingKey = RoutingError(
            sqlState: RoutingError.Code.featureNotSupported,
            message: "statement on sharded table \"\(table.name)\" has no value for its sharding key \"\(table.keyColumn)\"",
            hint: "Add WHERE \(table.keyColumn) = ..., a /* pgring:shard_key=... */ comment, or SET pgring.shard_key."
        )
        switch configuration.noKeyPolicy {
        case .reject:
            return .failure(missingKey)
        case .defaultShard:
            return .success(.one(configuration.defaultShard, .noKeyPolicy))
        case .allShards:
            guard isRead else { return .failure(missingKey) }
            return .success(.all(.noKeyPolicy))
        }
    }
}
