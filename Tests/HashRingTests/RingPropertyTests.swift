import HashRing
import Testing

/// Ring properties: determinism, order independence, reversibility, and agreement with a naive reference
/// implementation of the spec.
@Suite struct RingPropertyTests {
    static let shards = [RingShard(name: "db-a", weight: 1), RingShard(name: "db-b", weight: 3),
                         RingShard(name: "db-c", weight: 2), RingShard(name: "Ünïcode", weight: 1),
                         RingShard(name: "db-e", weight: 1)]

    /// Hashes to probe: random values plus every point position, its neighbours and the extremes.
    static func probes(for ring: ConsistentHashRing, random count: Int) -> [Int64] {
        var generator = SplitMix64(seed: 7)
        var probes: [Int64] = [.min, .min + 1, .max, .max - 1, 0, -1]
        probes += (0..<count).map { _ in Int64(bitPattern: generator.next()) }
        for owned in ring.ranges {
            probes += [owned.range.lo, owned.range.hi]
            if owned.range.lo > .min { probes.append(owned.range.lo - 1) }
            if owned.range.hi < .max { probes.append(owned.range.hi + 1) }
        }
        return probes
    }

    @Test func lookupAgreesWithANaiveReadingOfTheSpec() throws {
        let ring = try ConsistentHashRing(shards: Self.shards, virtualNodes: 37)
        // Reference: every point "<name>#<i>", sorted by (position, name bytes); owner = first position >= h.
        var points = [(position: Int64, name: String)]()
        for shard in Self.shards {
            for index in 0..<(37 * shard.weight) {
                points.append((PostgresHash.textExtended("\(shard.name)#\(index)"), shard.name))
            }
        }
        points.sort { $0.position != $1.position ? $0.position < $1.position : RingShard.namePrecedes($0.name, $1.name) }
        #expect(ring.pointCount == points.count)
        for hash in Self.probes(for: ring, random: 5000) {
            let expected = (points.first { $0.position >= hash } ?? points[0]).name
            #expect(ring.shard(forHash: hash).name == expected, "hash \(hash)")
        }
    }

    @Test func rangesCoverTheWholeSpaceInOrderAndAgreeWithLookup() throws {
        let ring = try ConsistentHashRing(shards: Self.shards, virtualNodes: 64)
        #expect(ring.ranges.first?.range.lo == .min)
        #expect(ring.ranges.last?.range.hi == .max)
        for (previous, next) in zip(ring.ranges, ring.ranges.dropFirst()) {
            #expect(previous.range.hi &+ 1 == next.range.lo)
            #expect(previous.shard != next.shard, "adjacent ranges of one shard are merged")
        }
        for owned in ring.ranges {
            for hash in [owned.range.lo, owned.range.hi, owned.range.lo / 2 + owned.range.hi / 2] {
                #expect(ring.shard(forHash: hash).name == owned.shard)
            }
        }
    }

    @Test func buildingTwiceGivesTheSameRing() throws {
        let first = try ConsistentHashRing(shards: Self.shards)
        let second = try ConsistentHashRing(shards: Self.shards)
        #expect(first == second)
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.ranges == second.ranges)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func inputOrderDoesNotMatter(seed: UInt64) throws {
        let reference = try ConsistentHashRing(shards: Self.shards, virtualNodes: 256)
        var generator = SplitMix64(seed: seed)
        let shuffled = Self.shards.shuffled(using: &generator)
        let ring = try ConsistentHashRing(shards: shuffled, virtualNodes: 256)
        #expect(ring.shards == reference.shards)
        #expect(ring.fingerprint == reference.fingerprint)
        #expect(ring.ranges == reference.ranges)
    }

    @Test func addThenRemoveRestoresThePlacement() throws {
        let original = try ConsistentHashRing(shards: Self.shards, virtualNodes: 512)
        let restored = try original.adding(shard: "db-new", weight: 2).removing(shard: "db-new")
        #expect(restored.ranges == original.ranges)
        #expect(restored.fingerprint == original.fingerprint)
        #expect(restored.version == original.version + 2)
        #expect(ConsistentHashRing.diff(original, restored).moves.isEmpty)
        for hash in Self.probes(for: original, random: 2000) {
            #expect(restored.shard(forHash: hash) == original.shard(forHash: hash))
        }
    }

    @Test func fingerprintTracksTheDefinitionNotTheVersion() throws {
        let ring = try ConsistentHashRing(shards: Self.shards, version: 1)
        #expect(try ConsistentHashRing(shards: Self.shards, version: 2).fingerprint == ring.fingerprint)
        #expect(try ConsistentHashRing(shards: Self.shards, virtualNodes: 100).fingerprint != ring.fingerprint)
        #expect(try ring.reweighting(shard: "db-a", to: 2).fingerprint != ring.fingerprint)
        #expect(ring.fingerprint.description.count == 16)
        #expect(RingFingerprint(rawValue: 0xAB).description == "00000000000000ab")
    }

    @Test func wrapRangeBelongsToTheLowestPoint() throws {
        let ring = try ConsistentHashRing(shards: [RingShard(name: "only")], virtualNodes: 1)
        // One point: it owns everything, as one range if it sits at Int64.max, otherwise two.
        #expect(ring.ranges.count == 1)
        #expect(ring.ranges[0].range == .all)
        #expect(abs(ring.shares()[0].fraction - 1) < 1e-12)
        #expect(HashRange.all.fraction == 1)
    }
}

extension RingPropertyTests {
    @Test func ownedRangeContainsTheHashAndNamesItsOwner() throws {
        let ring = try ConsistentHashRing(shards: Self.shards, virtualNodes: 40)
        for hash in Self.probes(for: ring, random: 3000) {
            let owned = ring.ownedRange(containing: hash)
            #expect(owned.range.contains(hash))
            #expect(owned.shard == ring.shard(forHash: hash).name)
        }
    }
}
