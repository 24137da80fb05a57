import HashRing
import Testing

/// The ring against PostgreSQL: owners, point positions and fingerprints computed by PostgreSQL alone,
/// in SQL written from docs/ring.md (tools/gen-hash-vectors).
@Suite struct RingVectorTests {
    /// The sample ring of docs/ring.md: alpha and beta weight 1, gamma weight 2.
    static let sampleShards = [RingShard(name: "alpha", weight: 1), RingShard(name: "beta", weight: 1),
                               RingShard(name: "gamma", weight: 2)]

    @Test(arguments: [("ring-sample", 4096), ("ring-tiny", 2)])
    func ownersMatchPostgres(prefix: String, virtualNodes: Int) throws {
        let ring = try ConsistentHashRing(shards: Self.sampleShards, virtualNodes: virtualNodes)
        var checked = 0
        var mismatches = [String]()
        for type in ShardingKeyType.allCases {
            let fileType = switch type {
            case .int: "int8"
            case .text: "text"
            case .uuid: "uuid"
            }
            for row in try VectorFile.rows("\(prefix)-\(fileType)") {
                guard row.count == 3, let key = type.parse(row[0]), let hash = Int64(row[1]) else {
                    throw VectorFileError.badRow(row)
                }
                #expect(key.hash == hash)
                let owner = ring.shard(for: key).name
                if owner != row[2] { mismatches.append("\(row[0]) -> \(owner), PostgreSQL says \(row[2])") }
                checked += 1
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(checked > 2000)
    }

    @Test func tinyRingVectorsExerciseTheWrap() throws {
        let ring = try ConsistentHashRing(shards: Self.sampleShards, virtualNodes: 2)
        let last = try #require(ring.ranges.last)
        let wrapping = try VectorFile.rows("ring-tiny-int8").compactMap { Int64($0[1]) }.filter { last.range.contains($0) }
        #expect(wrapping.count > 10, "the tiny ring's vectors must include keys past the last point")
        #expect(last.range.hi == .max)
        #expect(last.shard == ring.ranges[0].shard, "the wrap range belongs to the owner of the first point")
    }

    @Test func pointPositionsMatchPostgres() throws {
        let rows = try VectorFile.rows("points")
        #expect(rows.count == 60)
        for row in rows {
            guard row.count == 3, let index = Int(row[1]), let position = Int64(row[2]) else {
                throw VectorFileError.badRow(row)
            }
            #expect(ConsistentHashRing.pointPosition(shard: row[0], index: index) == position)
        }
    }

    @Test func fingerprintsMatchPostgres() throws {
        let rows = try VectorFile.rows("fingerprints")
        let rings = [
            try ConsistentHashRing(shards: Self.sampleShards.reversed(), virtualNodes: 4096),
            try ConsistentHashRing(shards: Self.sampleShards, virtualNodes: 2, version: 9),
            try ConsistentHashRing(shards: [RingShard(name: "shard-1", weight: 3)]),
        ]
        #expect(rows.count == rings.count)
        for (row, ring) in zip(rows, rings) {
            #expect(RingFingerprint.canonicalText(shards: ring.shards, virtualNodes: ring.virtualNodes) == row[0])
            #expect(ring.fingerprint.description == row[1])
        }
    }
}
