import HashRing

/// What a rebalance moves: the old and new rings, and for each (source, target) pair the hash ranges that
/// change owner. Pure; built the same way by pgring and by `pgringctl` (docs/rebalancing.md).
public struct RebalancePlan: Sendable {
    /// The ranges moving from one shard to another.
    public struct Pair: Sendable, Equatable {
        /// The old owner.
        public var from: String
        /// The new owner.
        public var to: String
        /// The moving ranges, ascending and disjoint.
        public var ranges: [HashRange]
        /// The share of the keyspace that moves.
        public var fraction: Double
    }

    /// The shards before.
    public let oldShards: [ShardSpec]
    /// The shards after.
    public let newShards: [ShardSpec]
    /// The ring before (its version is the running one).
    public let oldRing: ConsistentHashRing
    /// The ring after (version + 1).
    public let newRing: ConsistentHashRing
    /// The moving ranges per (from, to), sorted by `from` then `to` (UTF-8 byte order).
    public let pairs: [Pair]

    /// Plans `operation` on `shards` (the running ring: `vnodes`, `version`).
    public init(shards: [ShardSpec], vnodes: Int?, version: Int, operation: RebalanceOperation) throws(RebalanceError) {
        let newShards: [ShardSpec]
        switch operation.apply(to: shards) {
        case .success(let result): newShards = result
        case .failure(let error): throw error
        }
        try self.init(oldShards: shards, newShards: newShards, vnodes: vnodes, oldVersion: version, newVersion: version + 1)
    }

    /// The plan between two shard lists (a job read back from its state file).
    public init(oldShards: [ShardSpec], newShards: [ShardSpec], vnodes: Int?, oldVersion: Int, newVersion: Int) throws(RebalanceError) {
        self.oldShards = oldShards
        self.newShards = newShards
        do {
            oldRing = try ConsistentHashRing(weights: oldShards.map { ($0.name, $0.weight) }, virtualNodes: vnodes, version: oldVersion)
            newRing = try ConsistentHashRing(weights: newShards.map { ($0.name, $0.weight) }, virtualNodes: vnodes, version: newVersion)
        } catch {
            throw .ring("\(error)")
        }
        var grouped: [String: [String: [HashRange]]] = [:]
        for move in RingDiff(from: oldRing, to: newRing).moves {
            grouped[move.from, default: [:]][move.to, default: []].append(move.range)
        }
        var pairs: [Pair] = []
        for from in grouped.keys.sorted(by: RingShard.namePrecedes) {
            let targets = grouped[from, default: [:]]
            for to in targets.keys.sorted(by: RingShard.namePrecedes) {
                let ranges = targets[to, default: []]
                pairs.append(Pair(from: from, to: to, ranges: ranges, fraction: ranges.reduce(0) { $0 + $1.fraction }))
            }
        }
        self.pairs = pairs
    }

    /// The shards data moves from.
    public var sources: [String] { Array(Set(pairs.map(\.from))).sorted(by: RingShard.namePrecedes) }
    /// The shards data moves to.
    public var targets: [String] { Array(Set(pairs.map(\.to))).sorted(by: RingShard.namePrecedes) }
    /// Every moving range, ascending (for the cutover's write hold).
    public var movingRanges: [HashRange] { pairs.flatMap(\.ranges).sorted { $0.lo < $1.lo } }
    /// The share of the keyspace that moves.
    public var movedFraction: Double { pairs.reduce(0) { $0 + $1.fraction } }

    /// A shard of either list by name.
    public func shard(named name: String) -> ShardSpec? {
        newShards.first { $0.name == name } ?? oldShards.first { $0.name == name }
    }
}
