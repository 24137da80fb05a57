import HashRing
import Testing

/// Ring diffs agree with per-key lookups in both rings.
@Suite struct RingDiffTests {
    static let base = [RingShard(name: "s1"), RingShard(name: "s2"), RingShard(name: "s3", weight: 2),
                       RingShard(name: "s4")]

    static func changes() throws -> [(String, ConsistentHashRing, ConsistentHashRing)] {
        let ring = try ConsistentHashRing(shards: base, virtualNodes: 200)
        return [
            ("add", ring, try ring.adding(shard: "s5", weight: 3)),
            ("remove", ring, try ring.removing(shard: "s3")),
            ("reweight up", ring, try ring.reweighting(shard: "s1", to: 4)),
            ("reweight down", ring, try ring.reweighting(shard: "s3", to: 1)),
            ("rename", ring, try ring.removing(shard: "s2").adding(shard: "s2-new")),
            ("vnodes", ring, try ConsistentHashRing(shards: base, virtualNodes: 150)),
        ]
    }

    @Test func movesAgreeWithLookupInsideEveryRange() throws {
        var generator = SplitMix64(seed: 99)
        for (label, old, new) in try Self.changes() {
            let diff = ConsistentHashRing.diff(old, new)
            #expect(!diff.moves.isEmpty, "\(label)")
            for move in diff.moves {
                #expect(move.from != move.to)
                let width = move.range.widthMinusOne
                var samples = [move.range.lo, move.range.hi]
                for _ in 0..<3 {
                    let offset = width == .max ? generator.next() : generator.next() % (width + 1)
                    samples.append(Int64(bitPattern: UInt64(bitPattern: move.range.lo) &+ offset))
                }
                for hash in samples {
                    #expect(old.shard(forHash: hash).name == move.from, "\(label) \(hash)")
                    #expect(new.shard(forHash: hash).name == move.to, "\(label) \(hash)")
                }
            }
        }
    }

    @Test func keysOutsideTheMovesKeepTheirOwner() throws {
        var generator = SplitMix64(seed: 5)
        for (label, old, new) in try Self.changes() {
            let diff = ConsistentHashRing.diff(old, new)
            let los = diff.moves.map(\.range.lo)
            var movedKeys = 0
            for _ in 0..<20_000 {
                let hash = Int64(bitPattern: generator.next())
                // The move with the largest lo <= hash, if it contains hash.
                var low = 0
                var high = los.count
                while low < high {
                    let middle = (low + high) / 2
                    if los[middle] <= hash { low = middle + 1 } else { high = middle }
                }
                let inMove = low > 0 && diff.moves[low - 1].range.contains(hash)
                let changed = old.shard(forHash: hash).name != new.shard(forHash: hash).name
                #expect(inMove == changed, "\(label) \(hash)")
                if changed { movedKeys += 1 }
            }
            #expect(abs(Double(movedKeys) / 20_000 - diff.movedFraction) < 0.02, "\(label)")
        }
    }

    @Test func movesAreSortedDisjointAndMerged() throws {
        for (label, old, new) in try Self.changes() {
            let diff = ConsistentHashRing.diff(old, new)
            for (previous, next) in zip(diff.moves, diff.moves.dropFirst()) {
                #expect(previous.range.hi < next.range.lo, "\(label)")
                if previous.range.hi &+ 1 == next.range.lo {
                    #expect(previous.from != next.from || previous.to != next.to, "\(label): unmerged neighbours")
                }
            }
            let summary = diff.summary
            #expect(summary.reduce(0) { $0 + $1.rangeCount } == diff.moves.count)
            #expect(abs(summary.reduce(0) { $0 + $1.fraction } - diff.movedFraction) < 1e-12)
            #expect(Set(summary.map { "\($0.from)->\($0.to)" }).count == summary.count)
        }
    }

    @Test func reweightingUpMovesOnlyTowardsTheHeavierShard() throws {
        let ring = try ConsistentHashRing(shards: Self.base, virtualNodes: 200)
        let diff = ConsistentHashRing.diff(ring, try ring.reweighting(shard: "s1", to: 4))
        #expect(diff.moves.allSatisfy { $0.to == "s1" })
        let down = ConsistentHashRing.diff(ring, try ring.reweighting(shard: "s3", to: 1))
        #expect(down.moves.allSatisfy { $0.from == "s3" })
    }

    @Test func identicalRingsHaveNoMoves() throws {
        let ring = try ConsistentHashRing(shards: Self.base)
        let diff = ConsistentHashRing.diff(ring, ring)
        #expect(diff.moves.isEmpty)
        #expect(diff.summary.isEmpty)
        #expect(diff.movedFraction == 0)
    }

    @Test func completeReplacementMovesEverything() throws {
        let old = try ConsistentHashRing(shards: [RingShard(name: "x")], virtualNodes: 3)
        let new = try ConsistentHashRing(shards: [RingShard(name: "y")], virtualNodes: 3)
        let diff = ConsistentHashRing.diff(old, new)
        #expect(diff.moves.count == 1)
        #expect(diff.moves[0].range == .all)
        #expect(diff.movedFraction == 1)
    }
}
