import HashRing

/// Decides where one statement runs: a pure function of the statement, its Bind parameters and the context.
///
/// Precedence, highest first:
/// 1. `SET`/`RESET pgring.*` is answered locally; transaction control follows the transaction state
///    (BEGIN is deferred until a statement picks the shard; see `RouteDecision.deferred`).
/// 2. The session pin `SET pgring.shard = name`.
/// 3. A `/* pgring:shard=name */` comment.
/// 4. A `/* pgring:shard_key=value */` comment, then the session's `SET pgring.shard_key`. If the statement
///    also carries keys that map to another shard, it is rejected (0A000) rather than silently mis-routed.
/// 5. The keys in the statement (WHERE / IN / INSERT VALUES, Bind parameters), carried across
///    `a.key = b.key` join links between sharded tables with the same key type.
/// 6. No key: `NoKeyPolicy`. A statement with no sharded table goes to the default shard; reads of global
///    tables too; writes of global tables follow `GlobalWritePolicy`.
///
/// Role: writes go to the primary; reads go to a replica, unless a transaction is open (primary) or a
/// `pgring:target` comment / `SET pgring.target` says otherwise (`primary` forces reads to the primary).
///
/// Refusals use SQLSTATE 0A000 (feature_not_supported) for every "pgring cannot route this" case,
/// including a missing key: the statement is valid SQL that pgring's sharding does not support as written
/// (42P10, invalid_column_reference, would wrongly suggest the SQL itself is wrong).
public struct Router: Sendable {
    /// The routing rules.
    public var configuration: RoutingConfiguration

    /// Creates a router for `configuration`.
    public init(configuration: RoutingConfiguration) {
        self.configuration = configuration
    }

    /// Routes one analyzed statement.
    /// - Parameters:
    ///   - statement: the analysis of the Query string or of the Parse message's SQL.
    ///   - parameters: the Bind parameters (extended protocol), nil for a simple Query.
    ///   - context: the ring and the session's transaction and hint state.
    public func route(_ statement: AnalyzedStatement, parameters: [BindParameter]?, context: RoutingContext) -> RouteDecision {
        if let command = statement.sessionCommand {
            return routeSessionCommand(command, ring: context.ring)
        }
        if statement.sessionCommandsInBatch > 0 {
            return .reject(RoutingError(
                sqlState: RoutingError.Code.featureNotSupported,
                message: "SET pgring.* must be sent as a query of its own, not with other statements"
            ))
        }
        if statement.statementCount <= 1, let decision = routeTransactionControl(statement.kind, context: context) {
            return decision
        }
        switch statement.kind {
        case .prepare, .execute:
            return .reject(RoutingError(
                sqlState: RoutingError.Code.featureNotSupported,
                message: "SQL-level PREPARE and EXECUTE are not supported by pgring",
                hint: "Use the extended query protocol (Parse/Bind/Execute), which pgring routes per Bind."
            ))
        case .select, .insert, .update, .delete, .merge, .with, .values, .table, .show, .set, .reset, .begin,
             .commit, .rollback, .savepoint, .deallocate, .copy, .listen, .unlisten, .notify, .discard, .explain,
             .utility, .empty:
            break
        }
        let isRead = statement.isRead(volatileFunctions: configuration.volatileFunctions)
        let role = self.role(isRead: isRead, statement: statement, context: context)
        let choice: ShardChoice
        switch chooseShard(statement, isRead: isRead, parameters: parameters, context: context) {
        case .success(let chosen): choice = chosen
        case .failure(let error): return .reject(error)
        }
        return applyTransaction(choice, role: role, context: context)
    }

    /// The role for a statement: writes to the primary; reads to a replica unless in a transaction or overridden.
    func role(isRead: Bool, statement: AnalyzedStatement, context: RoutingContext) -> ShardRole {
        guard isRead else { return .primary }
        switch context.transaction {
        case .openUnpinned, .pinned: return .primary
        case .idle: break
        }
        switch statement.hints.target ?? context.session.target {
        case .primary: return .primary
        case .replica, .auto: return .replica
        }
    }

    /// Combines the shard choice with the transaction state into the decision.
    func applyTransaction(_ choice: ShardChoice, role: ShardRole, context: RoutingContext) -> RouteDecision {
        switch context.transaction {
        case .idle:
            switch choice {
            case .one(let shard, let reason): return .shard(shard, role: role, reason: reason)
            case .all(let reason): return .allShards(role: role, reason: reason)
            }
        case .openUnpinned:
            switch choice {
            case .one(let shard, let reason): return .shard(shard, role: .primary, reason: reason)
            case .all: return .reject(Self.allShardsInTransaction())
            }
        case .pinned(let pinned):
            switch choice {
            case .one(let shard, let reason):
                if shard == pinned { return .shard(shard, role: .primary, reason: reason) }
                switch reason {
                case .noTable, .globalTable:
                    return .shard(pinned, role: .primary, reason: .transaction)
                case .key, .hint, .sessionKey, .pin, .transaction, .noKeyPolicy, .multipleShards, .globalWrite:
                    return .reject(RoutingError(
                        sqlState: RoutingError.Code.featureNotSupported,
                        message: "transaction is pinned to shard \(pinned), but this statement needs shard \(shard)",
                        hint: "Run statements for different shards in separate transactions."
                    ))
                }
            case .all:
                return .reject(Self.allShardsInTransaction())
            }
        }
    }

    /// The error for an all-shards statement inside a transaction.
    static func allShardsInTransaction() -> RoutingError {
        RoutingError(
            sqlState: RoutingError.Code.featureNotSupported,
            message: "a statement that runs on all shards cannot run inside a transaction",
            hint: "Run it outside the transaction, or restrict it to one shard with its sharding key."
        )
    }
}

/// The shard(s) a statement needs, before the transaction state is applied.
enum ShardChoice: Sendable, Hashable {
    /// One shard.
    case one(String, RouteReason)
    /// Every shard.
    case all(RouteReason)
}
