/// What to do with one statement: the router's only output.
public enum RouteDecision: Sendable, Hashable {
    /// Run it on one shard, on a server of `role`.
    case shard(String, role: ShardRole, reason: RouteReason)
    /// Run it on every shard (reads with the all-shards policy, global writes with `globalWrites = all_shards`);
    /// the caller runs it on each and merges the results.
    case allShards(role: ShardRole, reason: RouteReason)
    /// No shard is needed yet: hold the statement and replay it, in order, on the shard the next routed
    /// statement picks (BEGIN, SAVEPOINT and SET LOCAL before the transaction's first routed statement).
    case deferred(DeferredStatement)
    /// pgring handles the statement itself and answers the client; nothing is sent to a server.
    case local(LocalCommand)
    /// Refuse the statement with an ErrorResponse.
    case reject(RoutingError)
}

/// The server role a statement needs.
public enum ShardRole: String, Sendable, Hashable {
    /// The shard's primary (writes, transactions, explicit override).
    case primary
    /// One of the shard's replicas (reads outside transactions).
    case replica
}

/// Why a statement went where it went (for logs, metrics labels and tests: a bounded set).
public enum RouteReason: String, Sendable, Hashable {
    /// A sharding key in the statement (WHERE, IN, INSERT VALUES) or its Bind parameters.
    case key
    /// A `/* pgring:shard_key=... */` or `/* pgring:shard=... */` comment.
    case hint
    /// The session's `SET pgring.shard_key`.
    case sessionKey = "session_key"
    /// The session's `SET pgring.shard` pin.
    case pin
    /// The open transaction is pinned to this shard.
    case transaction
    /// The statement touches no sharded or global table (or only tables pgring does not know).
    case noTable = "no_table"
    /// Reads of global tables only.
    case globalTable = "global_table"
    /// A sharded table without a key, under `NoKeyPolicy.defaultShard` or `.allShards`.
    case noKeyPolicy = "no_key_policy"
    /// Keys on several shards, for a read under `NoKeyPolicy.allShards`.
    case multipleShards = "multiple_shards"
    /// A write to a global table under `GlobalWritePolicy.allShards`.
    case globalWrite = "global_write"
}

/// A statement held back until the transaction's shard is known.
public enum DeferredStatement: Sendable, Hashable {
    /// `BEGIN` / `START TRANSACTION` outside a transaction; the caller moves to `TransactionState.openUnpinned`.
    case transactionStart(isReadOnly: Bool)
    /// `SAVEPOINT`, `RELEASE`, `ROLLBACK TO`, `SET LOCAL` or plain `SET` inside an unpinned transaction.
    case transactionStatement
}

/// A statement pgring answers itself.
public enum LocalCommand: Sendable, Hashable {
    /// `SET`/`RESET pgring.*`: update the session hints (`SessionHints.applying`) and answer `SET`/`RESET`.
    case session(SessionCommand)
    /// COMMIT or ROLLBACK of a transaction that never reached a shard: drop the held statements and answer
    /// with the command tag (`COMMIT` or `ROLLBACK`).
    case endUnpinnedTransaction(isCommit: Bool)
}
