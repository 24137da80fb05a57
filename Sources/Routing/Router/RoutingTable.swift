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
    /// During a rebalance cutover: the writes that must wait (nil otherwise).
    public var freeze: WriteFreeze?

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

/// A rebalance cutover's hold: new work on the primaries of `sources` that touches a key hashing into one of
/// `ranges` waits until the cutover ends (the ring swapped, or the cutover undone). Reads and other keys flow.
public struct WriteFreeze: Sendable, Equatable {
    /// Identifies this cutover attempt (a session remembers under which freeze it leased a server).
    public var id: Int
    /// The moving ranges, ascending by `lo`, disjoint.
    public var ranges: [HashRange]
    /// The shards data moves from.
    public var sources: Set<String>

    /// Creates a freeze; `ranges` are sorted here.
    public init(id: Int, ranges: [HashRange], sources: Set<String>) {
        self.id = id
        self.ranges = ranges.sorted { $0.lo < $1.lo }
        self.sources = sources
    }

    /// True when `hash` is in a moving range (binary search).
    public func contains(_ hash: Int64) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].hi < hash { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(hash)
    }
}
