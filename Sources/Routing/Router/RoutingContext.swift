import HashRing

/// The per-statement input to `Router.route` besides the statement: the ring and the client session's state.
public struct RoutingContext: Sendable {
    /// The ring that maps keys to shards.
    public var ring: ConsistentHashRing
    /// The client's transaction state.
    public var transaction: TransactionState
    /// The session's `SET pgring.*` values.
    public var session: SessionHints

    /// Creates a context.
    public init(ring: ConsistentHashRing, transaction: TransactionState = .idle, session: SessionHints = SessionHints()) {
        self.ring = ring
        self.transaction = transaction
        self.session = session
    }
}

/// Where the client is with respect to transactions, as tracked by the caller from ReadyForQuery and the
/// router's decisions.
public enum TransactionState: Sendable, Hashable {
    /// No transaction is open.
    case idle
    /// BEGIN was seen (and deferred) but no statement has chosen a shard yet.
    case openUnpinned
    /// A transaction is open on this shard; every statement until COMMIT/ROLLBACK must go there.
    case pinned(shard: String)
}

/// The session's pgring settings (`SET pgring.shard_key`, `SET pgring.shard`, `SET pgring.target`).
public struct SessionHints: Sendable, Hashable {
    /// `pgring.shard_key`: the key to use for statements that carry none.
    public var shardKey: String?
    /// `pgring.shard`: the shard every statement goes to (highest precedence).
    public var pinnedShard: String?
    /// `pgring.target`: the role reads use.
    public var target: TargetOverride

    /// Creates session hints (none by default).
    public init(shardKey: String? = nil, pinnedShard: String? = nil, target: TargetOverride = .auto) {
        self.shardKey = shardKey
        self.pinnedShard = pinnedShard
        self.target = target
    }

    /// The hints after applying `command` (ignores `.invalid`, which the router rejects).
    public func applying(_ command: SessionCommand) -> SessionHints {
        var copy = self
        switch command.setting {
        case .shardKey(let value): copy.shardKey = value
        case .shard(let value): copy.pinnedShard = value
        case .target(let value): copy.target = value ?? .auto
        case .invalid: break
        }
        return copy
    }
}
