import HashRing

/// Rebuilds pgring's consistent-hash ring from `SHOW RING` (`shard`, `weight`, `vnodes`, `keyspace_share`,
/// `version`, `fingerprint`, one row per shard), so pgringctl shows and locates keys exactly as the running
/// pgring places them. The rebuilt ring's fingerprint must equal the one pgring reports.
public enum AdminRing {
    /// Builds the ring.
    /// - Throws: ``AdminRingError`` for an empty answer (pgring has no ring), missing or non-numeric columns,
    ///   rows that disagree on vnodes/version/fingerprint, an invalid ring, or a fingerprint mismatch.
    public static func ring(from result: QueryResult) throws(AdminRingError) -> ConsistentHashRing {
        guard !result.rows.isEmpty else {
            throw AdminRingError("pgring reports no ring (SHOW RING is empty): it runs without [[shards]]; pass --config FILE to read a configuration instead")
        }
        func column(_ name: String) throws(AdminRingError) -> Int {
            guard let index = result.columnIndex(name) else {
                throw AdminRingError("SHOW RING has no column \(name) (columns: \(result.columns.joined(separator: ", ")))")
            }
            return index
        }
        let shardColumn = try column("shard")
        let weightColumn = try column("weight")
        let vnodesColumn = try column("vnodes")
        let versionColumn = try column("version")
        let fingerprintColumn = result.columnIndex("fingerprint")

        var weights: [(name: String, weight: Int)] = []
        var vnodes: Set<Int> = []
        var versions: Set<Int> = []
        var fingerprints: Set<String> = []
        for row in result.rows {
            guard let name = row[shardColumn], !name.isEmpty else { throw AdminRingError("SHOW RING has a row without a shard name") }
            guard let weight = row[weightColumn].flatMap({ Int($0) }) else {
                throw AdminRingError("SHOW RING: shard \(name) has no integer weight")
            }
            guard let vnodeCount = row[vnodesColumn].flatMap({ Int($0) }) else {
                throw AdminRingError("SHOW RING: shard \(name) has no integer vnodes")
            }
            guard let version = row[versionColumn].flatMap({ Int($0) }) else {
                throw AdminRingError("SHOW RING: shard \(name) has no integer version")
            }
            weights.append((name, weight))
            vnodes.insert(vnodeCount)
            versions.insert(version)
            if let fingerprintColumn, let fingerprint = row[fingerprintColumn] { fingerprints.insert(fingerprint) }
        }
        guard vnodes.count == 1, let virtualNodes = vnodes.first else {
            throw AdminRingError("SHOW RING rows disagree on vnodes: \(vnodes.sorted())")
        }
        guard versions.count == 1, let version = versions.first else {
            throw AdminRingError("SHOW RING rows disagree on the ring version: \(versions.sorted())")
        }
        guard fingerprints.count <= 1 else {
            throw AdminRingError("SHOW RING rows disagree on the fingerprint: \(fingerprints.sorted())")
        }
        let ring: ConsistentHashRing
        do {
            ring = try ConsistentHashRing(weights: weights, virtualNodes: virtualNodes, version: version)
        } catch {
            throw AdminRingError("SHOW RING describes an invalid ring: \(error)")
        }
        if let reported = fingerprints.first, reported != ring.fingerprint.description {
            throw AdminRingError(
                "the ring rebuilt from SHOW RING has fingerprint \(ring.fingerprint) but pgring reports \(reported): pgringctl and pgring place keys differently (different versions?)")
        }
        return ring
    }
}

/// SHOW RING could not be turned into a ring.
public struct AdminRingError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
