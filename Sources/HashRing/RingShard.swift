/// One shard as the ring sees it: a unique name and a positive integer weight.
///
/// The name alone decides where the shard's points sit on the ring, so renaming a shard moves its data.
public struct RingShard: Sendable, Hashable, CustomStringConvertible {
    /// The shard name, unique within a ring (compared as Swift strings; ordered by UTF-8 bytes).
    public let name: String
    /// The weight (> 0): the shard places `virtualNodes × weight` points.
    public let weight: Int

    public init(name: String, weight: Int = 1) {
        self.name = name
        self.weight = weight
    }

    public var description: String { "\(name) (weight \(weight))" }

    /// The canonical ring order of shard names: byte-wise over UTF-8 (PostgreSQL `COLLATE "C"`).
    @inlinable
    public static func namePrecedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
