import HashRing

/// The routing snapshot a client session reads for each statement: the ring and the rules, under one version.
///
/// An immutable value. The runtime holds the current one and swaps it whole (a later rebalance swaps in a
/// new ring this way while traffic flows); a session routes each unit with the table it read at the start of
/// that unit, so a unit never mixes two versions.
public struct RoutingTable: Sendable {
    /// The ring version (`[ring] version`), bumped by every rebalance.
    public var version: Int
    /// The ring that maps keys to shards.
    public var ring: ConsistentHashRing
    /// The routing rules.
    public var router: Router
    /// Shards that have at least one replica (reads elsewhere always go to the primary).
    public var shardsWithReplicas: Set<String>

    /// Creates a table.
    public init(version: Int, ring: ConsistentHashRing, router: Router, shardsWithReplicas: Set<String>) {
        self.version = version
        self.ring = ring
        self.router = router
        self.shardsWithReplicas = shardsWithReplicas
    }

    /// True when routing is trivial: one shard, no replica, no listed table. Sessions then skip the SQL
    /// analysis entirely and send everything to that shard's primary.
    public var isTrivial: Bool {
        ring.shards.count == 1 && shardsWithReplicas.isEmpty
            && router.configuration.shardedTables.isEmpty && router.configuration.globalTables.isEmpty
    }
}
