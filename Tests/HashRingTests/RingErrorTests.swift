import HashRing
import Testing

/// Invalid definitions and operations are rejected with the error that names the problem.
@Suite struct RingErrorTests {
    @Test func invalidDefinitionsAreRejected() {
        #expect(throws: HashRingError.noShards) { try ConsistentHashRing(shards: []) }
        #expect(throws: HashRingError.emptyShardName) { try ConsistentHashRing(shards: [RingShard(name: "")]) }
        #expect(throws: HashRingError.invalidShardName("a\nb")) {
            try ConsistentHashRing(shards: [RingShard(name: "a\nb")])
        }
        #expect(throws: HashRingError.duplicateShardName("a")) {
            try ConsistentHashRing(weights: [("a", 1), ("b", 1), ("a", 2)])
        }
        #expect(throws: HashRingError.duplicateShardName("\u{E9}")) {
            // Canonically equivalent names (precomposed vs combining accent) would confuse every operator.
            try ConsistentHashRing(weights: [("\u{E9}", 1), ("e\u{301}", 1)])
        }
        #expect(throws: HashRingError.nonPositiveWeight(shard: "b", weight: 0)) {
            try ConsistentHashRing(weights: [("a", 1), ("b", 0)])
        }
        #expect(throws: HashRingError.nonPositiveWeight(shard: "b", weight: -3)) {
            try ConsistentHashRing(weights: [("a", 1), ("b", -3)])
        }
        #expect(throws: HashRingError.nonPositiveVirtualNodes(0)) {
            try ConsistentHashRing(shards: [RingShard(name: "a")], virtualNodes: 0)
        }
        #expect(throws: HashRingError.tooManyPoints(requested: nil, limit: ConsistentHashRing.maximumPointCount)) {
            try ConsistentHashRing(weights: [("a", .max), ("b", 1)])
        }
        #expect(throws: HashRingError.tooManyPoints(requested: 4096 * 4096, limit: ConsistentHashRing.maximumPointCount)) {
            try ConsistentHashRing(weights: [("a", 4096)])
        }
    }

    @Test func invalidChangesAreRejected() throws {
        let ring = try ConsistentHashRing(weights: [("a", 1), ("b", 1)], virtualNodes: 8)
        #expect(throws: HashRingError.duplicateShardName("a")) { try ring.adding(shard: "a") }
        #expect(throws: HashRingError.nonPositiveWeight(shard: "c", weight: 0)) { try ring.adding(shard: "c", weight: 0) }
        #expect(throws: HashRingError.unknownShard("z")) { try ring.removing(shard: "z") }
        #expect(throws: HashRingError.unknownShard("z")) { try ring.reweighting(shard: "z", to: 2) }
        #expect(throws: HashRingError.nonPositiveWeight(shard: "a", weight: -1)) { try ring.reweighting(shard: "a", to: -1) }
        #expect(throws: HashRingError.noShards) { try ring.removing(shard: "a").removing(shard: "b") }
        #expect(throws: HashRingError.unknownShard("q")) { try ring.ranges(ofShard: "q") }
    }

    @Test func errorsDescribeTheProblem() {
        #expect(HashRingError.unknownShard("x").description.contains("\"x\""))
        #expect(HashRingError.nonPositiveWeight(shard: "s", weight: 0).description.contains("> 0"))
    }
}
