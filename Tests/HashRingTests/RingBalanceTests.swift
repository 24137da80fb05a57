import HashRing
import Testing

/// Balance with the default vnode count, measured on 1,000,000 keys.
@Suite struct RingBalanceTests {
    @Test func sixteenEqualShardsStayWithinFivePercentOfTheMean() throws {
        let ring = try ConsistentHashRing(shards: equalShards(16))
        #expect(ring.virtualNodes == ConsistentHashRing.defaultVirtualNodes)
        let loads = MillionKeys.loads(on: ring)
        let mean = Double(MillionKeys.count) / 16
        let most = Double(loads.max() ?? 0)
        #expect(loads.reduce(0, +) == MillionKeys.count)
        #expect(most <= 1.05 * mean, "most loaded shard: \(most / mean) × mean; loads \(loads)")
        // The keyspace shares agree with the key counts.
        for (share, load) in zip(ring.shares(), loads) {
            #expect(abs(share.fraction - Double(load) / Double(MillionKeys.count)) < 0.005)
            #expect(share.pointCount == ConsistentHashRing.defaultVirtualNodes)
        }
        let total = ring.shares().reduce(0) { $0 + $1.fraction }
        #expect(abs(total - 1) < 1e-9)
    }

    @Test func weightTwoGetsTwiceTheShareOfEachWeightOneShard() throws {
        var shards = equalShards(7)
        shards.append(RingShard(name: "heavy", weight: 2))
        let ring = try ConsistentHashRing(shards: shards)
        let loads = MillionKeys.loads(on: ring)
        let heavyIndex = try #require(ring.shardIndex(named: "heavy"))
        let heavy = Double(loads[heavyIndex])
        for index in ring.shards.indices where index != heavyIndex {
            let ratio = heavy / Double(loads[index])
            #expect(abs(ratio - 2) <= 0.1, "heavy / \(ring.shards[index].name) = \(ratio)")
        }
        let heavyShare = try #require(ring.shares().first { $0.shard.name == "heavy" })
        #expect(heavyShare.pointCount == 2 * ConsistentHashRing.defaultVirtualNodes)
        #expect(abs(heavyShare.targetFraction - 2.0 / 9.0) < 1e-12)
    }
}
