/// How much of the ring one shard owns.
public struct ShardShare: Sendable, Hashable {
    /// The shard.
    public let shard: RingShard
    /// The number of points it placed (`virtualNodes × weight`).
    public let pointCount: Int
    /// The number of (merged, non-wrapping) hash ranges it owns.
    public let rangeCount: Int
    /// The fraction of the 2^64 hash values it owns, in [0, 1].
    public let fraction: Double
    /// The fraction its weight asks for: `weight / total weight`.
    public let targetFraction: Double
}

extension ConsistentHashRing {
    /// Each shard's share of the keyspace, in `shards` order.
    public func shares() -> [ShardShare] {
        var fractions = [Double](repeating: 0, count: shards.count)
        var rangeCounts = [Int](repeating: 0, count: shards.count)
        for owned in ranges {
            fractions[owned.shardIndex] += owned.range.fraction
            rangeCounts[owned.shardIndex] += 1
        }
        let totalWeight = Double(shards.reduce(0) { $0 + $1.weight })
        return shards.indices.map { index in
            ShardShare(
                shard: shards[index],
                pointCount: shards[index].weight * virtualNodes,
                rangeCount: rangeCounts[index],
                fraction: fractions[index],
                targetFraction: Double(shards[index].weight) / totalWeight
            )
        }
    }

    /// The hash ranges owned by the shard at `shardIndex`, ascending.
    public func ranges(ofShardAt shardIndex: Int) -> [HashRange] {
        ranges.filter { $0.shardIndex == shardIndex }.map(\.range)
    }

    /// The hash ranges owned by the named shard, ascending.
    public func ranges(ofShard name: String) throws(HashRingError) -> [HashRange] {
        guard let index = shardIndex(named: name) else { throw .unknownShard(name) }
        return ranges(ofShardAt: index)
    }
}
