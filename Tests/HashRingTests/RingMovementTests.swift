import HashRing
import Testing

/// Minimal movement, measured per key on 1,000,000 keys and checked against the ring diff.
@Suite struct RingMovementTests {
    @Test func addingASeventeenthShardMovesOnlyItsShareAndOnlyToIt() throws {
        let before = try ConsistentHashRing(shards: equalShards(16))
        let after = try before.adding(shard: "shard-17")
        #expect(after.version == before.version + 1)
        let ownersBefore = MillionKeys.owners(on: before)
        let ownersAfter = MillionKeys.owners(on: after)
        var moved = 0
        var movedElsewhere = 0
        for (old, new) in zip(ownersBefore, ownersAfter) where before.shards[old].name != after.shards[new].name {
            moved += 1
            if after.shards[new].name != "shard-17" { movedElsewhere += 1 }
        }
        let ideal = Double(MillionKeys.count) / 17
        #expect(Double(moved) <= 1.05 * ideal, "moved \(Double(moved) / ideal) × ideal")
        #expect(moved > 0)
        #expect(movedElsewhere == 0)
        let diff = ConsistentHashRing.diff(before, after)
        #expect(diff.moves.allSatisfy { $0.to == "shard-17" })
        #expect(abs(diff.movedFraction - Double(moved) / Double(MillionKeys.count)) < 0.003)
    }

    @Test func removingAShardMovesOnlyItsKeys() throws {
        let before = try ConsistentHashRing(shards: equalShards(16))
        let after = try before.removing(shard: "shard-05")
        let ownersBefore = MillionKeys.owners(on: before)
        let ownersAfter = MillionKeys.owners(on: after)
        var movedFromOthers = 0
        var movedFromRemoved = 0
        var keysOfRemoved = 0
        for (old, new) in zip(ownersBefore, ownersAfter) {
            let oldName = before.shards[old].name
            if oldName == "shard-05" { keysOfRemoved += 1 }
            guard oldName != after.shards[new].name else { continue }
            if oldName == "shard-05" { movedFromRemoved += 1 } else { movedFromOthers += 1 }
        }
        #expect(movedFromOthers == 0)
        #expect(movedFromRemoved == keysOfRemoved)
        let diff = ConsistentHashRing.diff(before, after)
        #expect(diff.moves.allSatisfy { $0.from == "shard-05" })
        #expect(Set(diff.summary.map(\.to)).count > 10, "the removed shard's keys spread over the others")
    }
}
