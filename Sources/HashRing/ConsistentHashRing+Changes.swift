extension ConsistentHashRing {
    /// The ring with one more shard; version + 1, same vnodes.
    public func adding(shard name: String, weight: Int = 1) throws(HashRingError) -> ConsistentHashRing {
        guard shardIndex(named: name) == nil else { throw .duplicateShardName(name) }
        return try ConsistentHashRing(
            shards: shards + [RingShard(name: name, weight: weight)],
            virtualNodes: virtualNodes,
            version: version + 1
        )
    }

    /// The ring without the named shard; version + 1, same vnodes.
    public func removing(shard name: String) throws(HashRingError) -> ConsistentHashRing {
        guard let index = shardIndex(named: name) else { throw .unknownShard(name) }
        var remaining = shards
        remaining.remove(at: index)
        return try ConsistentHashRing(shards: remaining, virtualNodes: virtualNodes, version: version + 1)
    }

    /// The ring with the named shard's weight changed; version + 1, same vnodes.
    public func reweighting(shard name: String, to weight: Int) throws(HashRingError) -> ConsistentHashRing {
        guard let index = shardIndex(named: name) else { throw .unknownShard(name) }
        var changed = shards
        changed[index] = RingShard(name: name, weight: weight)
        return try ConsistentHashRing(shards: changed, virtualNodes: virtualNodes, version: version + 1)
    }
}
