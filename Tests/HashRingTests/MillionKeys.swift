import HashRing

/// 1,000,000 pseudo-random `bigint` keys (SplitMix64, seed 2026) and their PostgreSQL hashes, computed once
/// and shared by the balance and movement tests.
enum MillionKeys {
    static let count = 1_000_000

    /// `hashint8extended(key, 0)` of each key, in key order.
    static let hashes: [Int64] = {
        var generator = SplitMix64(seed: 2026)
        return (0..<count).map { _ in PostgresHash.int8Extended(Int64(bitPattern: generator.next())) }
    }()

    /// The number of keys each shard of `ring` owns, by shard index, from per-key lookups.
    static func loads(on ring: ConsistentHashRing) -> [Int] {
        var loads = [Int](repeating: 0, count: ring.shards.count)
        for hash in hashes {
            loads[ring.shardIndex(forHash: hash)] += 1
        }
        return loads
    }

    /// The owner (shard index) of every key.
    static func owners(on ring: ConsistentHashRing) -> [Int] {
        hashes.map { ring.shardIndex(forHash: $0) }
    }
}

/// Builds rings of `count` equal shards named shard-01, shard-02, ...
func equalShards(_ count: Int, weight: Int = 1) -> [RingShard] {
    (1...count).map { RingShard(name: "shard-\($0 < 10 ? "0" : "")\($0)", weight: weight) }
}
