extension ConsistentHashRing {
    /// The index (into the sorted points) of the point that owns `hash`: the first point with
    /// `position >= hash`, or point 0 when `hash` is above every point (the wrap).
    @inlinable
    public func pointIndex(forHash hash: Int64) -> Int {
        let bucket = Int(Self.bucketOf(hash))
        return positions.withUnsafeBufferPointer { positions in
            bucketStarts.withUnsafeBufferPointer { starts in
                // Every point before starts[bucket] is below this bucket, so below `hash`; every point from
                // starts[bucket + 1] on is in a later bucket, so above `hash`. The answer is in lo...hi.
                var lo = Int(starts[bucket])
                var hi = Int(starts[bucket + 1])
                while lo < hi {
                    let middle = lo + (hi - lo) / 2
                    if positions[middle] < hash {
                        lo = middle + 1
                    } else {
                        hi = middle
                    }
                }
                return lo == positions.count ? 0 : lo
            }
        }
    }

    /// The index in `shards` of the shard that owns `hash`.
    @inlinable
    public func shardIndex(forHash hash: Int64) -> Int {
        Int(owners[pointIndex(forHash: hash)])
    }

    /// The shard that owns `hash`.
    @inlinable
    public func shard(forHash hash: Int64) -> RingShard {
        shards[shardIndex(forHash: hash)]
    }

    /// The shard that owns a key (its PostgreSQL hash, then the ring lookup).
    @inlinable
    public func shard(for key: ShardingKey) -> RingShard {
        shard(forHash: key.hash)
    }

    /// The position of the point that owns `hash` (where the lookup landed, before the owner).
    public func ownerPointPosition(forHash hash: Int64) -> Int64 {
        positions[pointIndex(forHash: hash)]
    }
}

extension ConsistentHashRing {
    /// The merged range (from `ranges`) that contains `hash`, with its owner.
    public func ownedRange(containing hash: Int64) -> OwnedHashRange {
        // `ranges` is ascending and covers every hash: find the first range whose hi >= hash.
        var lo = 0
        var hi = ranges.count - 1
        while lo < hi {
            let middle = lo + (hi - lo) / 2
            if ranges[middle].range.hi < hash {
                lo = middle + 1
            } else {
                hi = middle
            }
        }
        return ranges[lo]
    }
}
