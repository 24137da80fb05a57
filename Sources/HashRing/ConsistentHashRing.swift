/// A consistent-hash ring of weighted shards over PostgreSQL's 64-bit hash space.
///
/// Placement (specified exactly in docs/ring.md):
/// - Shard `name` with weight `w` places `virtualNodes × w` points; point `i` sits at
///   `hashtextextended('<name>#<i>', 0)`, i.e. `PostgresHash.textExtended("\(name)#\(i)")`.
/// - The ring is the signed `int8` range in ascending order: "clockwise" means towards larger signed
///   values, and after `Int64.max` it wraps to `Int64.min`.
/// - A key hashing to `h` belongs to the first point with `position >= h`; if there is none, to the point
///   with the smallest position. Points at the same position are ordered by shard name (UTF-8 bytes), so the
///   lowest name wins the tie.
///
/// The value is immutable and `Sendable`; build a new ring for every change. The order of the input shards
/// never matters.
public struct ConsistentHashRing: Sendable {
    /// The default number of points per unit of weight. With 4096, 16 equal shards stay within about 5 % of
    /// the mean load, and a lookup is a bucket index plus a short binary search.
    public static let defaultVirtualNodes = 4096

    /// The most points one ring may hold (`virtualNodes × total weight`), to bound memory (~12 bytes a point).
    public static let maximumPointCount = 1 << 23

    /// The shards, sorted by name (UTF-8 byte order). Indices into this array are shard indices.
    public let shards: [RingShard]
    /// Points per unit of weight.
    public let virtualNodes: Int
    /// The operator-assigned ring version (`[ring] version`); not part of the placement or fingerprint.
    public let version: Int
    /// A 64-bit hash of the canonical definition (names, weights, vnodes); equal fingerprints mean equal placement.
    public let fingerprint: RingFingerprint

    /// Point positions, ascending; ties ordered by shard index.
    @usableFromInline let positions: [Int64]
    /// `owners[p]`: the shard index of point `p`.
    @usableFromInline let owners: [UInt32]
    /// `bucketStarts[b]`: the first point whose position, offset to unsigned, has its top
    /// `bucketBits` bits >= `b`. `bucketStarts[bucketCount] == positions.count`.
    @usableFromInline let bucketStarts: [UInt32]
    /// The contiguous hash ranges with their owners, ascending, covering `Int64.min...Int64.max` once,
    /// adjacent ranges of the same shard merged.
    public let ranges: [OwnedHashRange]

    /// The number of high bits of the (unsigned-offset) hash used to index `bucketStarts`.
    @usableFromInline static let bucketBits: UInt64 = 16

    /// Builds a ring.
    /// - Parameters:
    ///   - shards: the shards, in any order.
    ///   - virtualNodes: points per unit of weight; nil means `defaultVirtualNodes`.
    ///   - version: the ring version to carry (`[ring] version`).
    /// - Throws: `HashRingError` for no shards, an empty/invalid/duplicate name, a weight <= 0,
    ///   vnodes <= 0 or too many points.
    public init(shards: [RingShard], virtualNodes: Int? = nil, version: Int = 1) throws(HashRingError) {
        let virtualNodes = virtualNodes ?? Self.defaultVirtualNodes
        let sorted = try Self.validated(shards: shards, virtualNodes: virtualNodes)
        let placement = Self.place(shards: sorted, virtualNodes: virtualNodes)
        self.shards = sorted
        self.virtualNodes = virtualNodes
        self.version = version
        self.fingerprint = RingFingerprint(shards: sorted, virtualNodes: virtualNodes)
        self.positions = placement.positions
        self.owners = placement.owners
        self.bucketStarts = Self.bucketStarts(positions: placement.positions)
        self.ranges = Self.ownedRanges(shards: sorted, positions: placement.positions, owners: placement.owners)
    }

    /// Convenience: builds a ring from `(name, weight)` pairs, as pgring and pgringctl read them from the config.
    public init(
        weights: [(name: String, weight: Int)],
        virtualNodes: Int? = nil,
        version: Int = 1
    ) throws(HashRingError) {
        try self.init(
            shards: weights.map { RingShard(name: $0.name, weight: $0.weight) },
            virtualNodes: virtualNodes,
            version: version
        )
    }

    /// The total number of points on the ring.
    public var pointCount: Int { positions.count }

    /// The shard with this name, if any.
    public func shard(named name: String) -> RingShard? {
        shardIndex(named: name).map { shards[$0] }
    }

    /// The index in `shards` of the shard with this name, if any.
    public func shardIndex(named name: String) -> Int? {
        shards.firstIndex { $0.name == name }
    }
}

extension ConsistentHashRing: Equatable {
    /// Two rings are equal when their definitions are (shards, vnodes, version): placement follows from them.
    public static func == (lhs: ConsistentHashRing, rhs: ConsistentHashRing) -> Bool {
        lhs.shards == rhs.shards && lhs.virtualNodes == rhs.virtualNodes && lhs.version == rhs.version
    }
}
