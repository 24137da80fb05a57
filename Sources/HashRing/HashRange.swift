/// An inclusive range `lo...hi` of PostgreSQL hash values (signed `int8`), with `lo <= hi`.
///
/// The ring's hash space is the whole signed 64-bit range, ordered as signed integers. A range never
/// wraps: ownership that wraps past `Int64.max` back to `Int64.min` is represented as two ranges, so each
/// range maps to one SQL predicate `hash BETWEEN lo AND hi`.
public struct HashRange: Sendable, Hashable, CustomStringConvertible {
    /// The smallest hash in the range.
    public let lo: Int64
    /// The largest hash in the range (inclusive).
    public let hi: Int64

    /// A range `lo...hi`; `lo <= hi` is the caller's invariant.
    public init(lo: Int64, hi: Int64) {
        precondition(lo <= hi, "HashRange needs lo <= hi")
        self.lo = lo
        self.hi = hi
    }

    /// The whole hash space, `Int64.min...Int64.max`.
    public static let all = HashRange(lo: .min, hi: .max)

    /// How many hash values the range holds, minus one (so the whole space fits in a `UInt64`).
    public var widthMinusOne: UInt64 { UInt64(bitPattern: hi &- lo) }

    /// The fraction of the 2^64 hash values inside the range, in (0, 1].
    public var fraction: Double { (Double(widthMinusOne) + 1) / 18_446_744_073_709_551_616.0 }

    /// True when `hash` lies in the range.
    public func contains(_ hash: Int64) -> Bool { lo <= hash && hash <= hi }

    /// `lo..hi` as PostgreSQL would print the two bounds.
    public var description: String { "[\(lo), \(hi)]" }

    /// The SQL predicate selecting this range for a hash expression, e.g.
    /// `hashint8extended(user_id, 0) BETWEEN -9223372036854775808 AND -42`.
    public func sqlPredicate(hashExpression: String) -> String {
        "\(hashExpression) BETWEEN \(lo) AND \(hi)"
    }
}

/// A hash range and the shard that owns it.
public struct OwnedHashRange: Sendable, Hashable {
    /// The hash values.
    public let range: HashRange
    /// The owning shard's name.
    public let shard: String
    /// The owning shard's index in `ConsistentHashRing.shards`.
    public let shardIndex: Int
}
