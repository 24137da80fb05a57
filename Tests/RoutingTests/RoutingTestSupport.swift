import HashRing
@testable import Routing

/// Shared fixtures: a three-shard ring and a configuration with sharded and global tables.
enum Fixture {
    /// Three equal shards; a small vnode count keeps ring construction fast.
    static let ring: ConsistentHashRing = {
        do {
            return try ConsistentHashRing(weights: [("alpha", 1), ("beta", 1), ("gamma", 1)], virtualNodes: 64)
        } catch {
            preconditionFailure("fixture ring must build: \(error)")
        }
    }()

    /// `orders`/`order_items`/`users` sharded by `user_id` (int), `sessions` by `token` (text),
    /// `devices` by `device_id` (uuid); `countries` and `currencies` global; default shard `alpha`.
    static func configuration(
        noKeyPolicy: NoKeyPolicy = .reject,
        globalWrites: GlobalWritePolicy = .reject,
        volatileFunctions: Set<String> = []
    ) -> RoutingConfiguration {
        RoutingConfiguration(
            shardedTables: [
                "orders": ShardedTable(keyColumn: "user_id", keyType: .int),
                "order_items": ShardedTable(keyColumn: "user_id", keyType: .int),
                "users": ShardedTable(keyColumn: "user_id", keyType: .int),
                "sessions": ShardedTable(keyColumn: "token", keyType: .text),
                "devices": ShardedTable(keyColumn: "device_id", keyType: .uuid),
            ],
            globalTables: ["countries", "currencies"],
            defaultShard: "alpha",
            noKeyPolicy: noKeyPolicy,
            globalWrites: globalWrites,
            volatileFunctions: volatileFunctions
        )
    }

    /// The shard the ring (not the router) assigns to `key`.
    static func shard(_ key: ShardingKey) -> String {
        ring.shard(for: key).name
    }

    /// The shard of an integer key.
    static func shard(_ value: Int64) -> String {
        shard(.integer(value))
    }

    /// An integer key whose shard differs from the shard of `other`, found by asking the ring.
    static func keyOnAnotherShard(than other: Int64) -> Int64 {
        let avoid = shard(other)
        var candidate = other + 1
        while shard(candidate) == avoid {
            candidate += 1
        }
        return candidate
    }

    /// Analyzes and routes `sql` with the given policy, parameters and context state.
    static func route(
        _ sql: String,
        parameters: [BindParameter]? = nil,
        configuration: RoutingConfiguration = Fixture.configuration(),
        transaction: TransactionState = .idle,
        session: SessionHints = SessionHints()
    ) -> RouteDecision {
        let statement = StatementAnalyzer().analyze(sql)
        let context = RoutingContext(ring: ring, transaction: transaction, session: session)
        return Router(configuration: configuration).route(statement, parameters: parameters, context: context)
    }

    /// The error of a rejection, nil for any other decision.
    static func rejection(_ decision: RouteDecision) -> RoutingError? {
        if case .reject(let error) = decision { return error }
        return nil
    }
}
