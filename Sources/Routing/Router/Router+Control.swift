import HashRing

extension Router {
    /// Routes `SET`/`RESET pgring.*`: answered locally, after checking the setting and value.
    func routeSessionCommand(_ command: SessionCommand, ring: ConsistentHashRing) -> RouteDecision {
        switch command.setting {
        case .invalid(let name, let value):
            if let value, name == "pgring.target" {
                return .reject(RoutingError(
                    sqlState: RoutingError.Code.invalidParameterValue,
                    message: "invalid value for parameter \"pgring.target\": \"\(value)\"",
                    hint: "Use primary, replica or auto."
                ))
            }
            return .reject(RoutingError(
                sqlState: RoutingError.Code.undefinedObject,
                message: "unrecognized configuration parameter \"\(name)\" or invalid syntax",
                hint: "pgring knows pgring.shard_key, pgring.shard and pgring.target."
            ))
        case .shard(let name?):
            if let error = unknownShardError(name, ring: ring) { return .reject(error) }
            return .local(.session(command))
        case .shard(nil), .shardKey, .target:
            return .local(.session(command))
        }
    }

    /// Routes BEGIN, COMMIT, ROLLBACK, SAVEPOINT and SET/RESET inside a transaction; nil for other statements
    /// (and for SET/RESET outside a transaction, which are routed like any statement without a table).
    func routeTransactionControl(_ kind: CommandKind, context: RoutingContext) -> RouteDecision? {
        switch kind {
        case .begin(let isReadOnly):
            switch context.transaction {
            case .idle: return .deferred(.transactionStart(isReadOnly: isReadOnly))
            case .openUnpinned: return .deferred(.transactionStatement)
            case .pinned(let shard): return .shard(shard, role: .primary, reason: .transaction)
            }
        case .commit, .rollback:
            let isCommit = kind == .commit
            switch context.transaction {
            case .idle: return nil
            case .openUnpinned: return .local(.endUnpinnedTransaction(isCommit: isCommit))
            case .pinned(let shard): return .shard(shard, role: .primary, reason: .transaction)
            }
        case .savepoint, .set, .reset:
            switch context.transaction {
            case .idle: return nil
            case .openUnpinned: return .deferred(.transactionStatement)
            case .pinned(let shard): return .shard(shard, role: .primary, reason: .transaction)
            }
        case .select, .insert, .update, .delete, .merge, .with, .values, .table, .show, .prepare, .execute,
             .deallocate, .copy, .listen, .unlisten, .notify, .discard, .explain, .utility, .empty:
            return nil
        }
    }

    /// The error for a shard name the ring does not have, or nil when it has it.
    func unknownShardError(_ name: String, ring: ConsistentHashRing) -> RoutingError? {
        guard ring.shard(named: name) == nil else { return nil }
        let known = ring.shards.map(\.name).joined(separator: ", ")
        return RoutingError(
            sqlState: RoutingError.Code.invalidParameterValue,
            message: "unknown shard \"\(name)\"",
            hint: "Known shards: \(known)."
        )
    }
}
