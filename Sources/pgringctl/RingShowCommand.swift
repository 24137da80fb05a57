import ArgumentParser
import HashRing

/// `pgringctl ring show [--config FILE | --admin URL] [--json]`: each shard's share of the keyspace, weight and
/// points, from a configuration file or the running pgring's SHOW RING.
struct RingShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show each shard's share of the keyspace, its weight and point count, the ring version and fingerprint."
    )

    @OptionGroup var source: RingSourceOptions

    func run() throws {
        let ring = try source.loadRing()
        let report = RingShowReport(ring: ring)
        if source.json {
            print(try Output.json(report))
            return
        }
        print(Output.fields([
            ("ring version", "\(report.version)"),
            ("fingerprint", report.fingerprint),
            ("vnodes", "\(report.vnodes)"),
            ("points", "\(report.points)"),
        ]))
        print()
        print(Output.table(
            header: ["SHARD", "WEIGHT", "POINTS", "RANGES", "SHARE", "TARGET"],
            alignments: [.left, .right, .right, .right, .right, .right],
            rows: report.shards.map { shard in
                [shard.name, "\(shard.weight)", "\(shard.points)", "\(shard.ranges)",
                 Output.percent(shard.share), Output.percent(shard.target)]
            }
        ))
    }
}

/// The JSON (and table) content of `ring show`.
struct RingShowReport: Encodable {
    /// One shard's line.
    struct Shard: Encodable {
        /// Shard name.
        let name: String
        /// Configured weight.
        let weight: Int
        /// Points it placed (vnodes × weight).
        let points: Int
        /// Merged hash ranges it owns.
        let ranges: Int
        /// Fraction of the keyspace it owns (0...1).
        let share: Double
        /// Fraction its weight asks for (weight / total weight).
        let target: Double
    }

    let version: Int
    let fingerprint: String
    let vnodes: Int
    let points: Int
    let shards: [Shard]

    init(ring: ConsistentHashRing) {
        version = ring.version
        fingerprint = ring.fingerprint.description
        vnodes = ring.virtualNodes
        points = ring.pointCount
        shards = ring.shares().map { share in
            Shard(name: share.shard.name, weight: share.shard.weight, points: share.pointCount,
                  ranges: share.rangeCount, share: share.fraction, target: share.targetFraction)
        }
    }
}
