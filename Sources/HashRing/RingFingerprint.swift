/// A 64-bit fingerprint of a ring definition, shown as 16 lowercase hex digits.
///
/// It is `hash_bytes_extended` (seed 0) over the UTF-8 canonical text:
/// ```
/// pgring-ring-v1\n
/// vnodes=<virtualNodes>\n
/// <name>=<weight>\n        one line per shard, sorted by name (UTF-8 bytes)
/// ```
/// so PostgreSQL computes it as `lpad(to_hex(hashtextextended(<text>, 0)), 16, '0')`.
/// The ring version is not part of it: equal fingerprints mean equal placement.
public struct RingFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The 64-bit value (the `int8` PostgreSQL returns, reinterpreted as unsigned).
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The fingerprint of shards already sorted by name.
    init(shards: [RingShard], virtualNodes: Int) {
        var text = Self.canonicalText(shards: shards, virtualNodes: virtualNodes)
        rawValue = text.withUTF8 { PostgresHash.bytesExtended(UnsafeRawBufferPointer($0)) }
    }

    /// The canonical text the fingerprint hashes. `shards` may be in any order.
    public static func canonicalText(shards: [RingShard], virtualNodes: Int) -> String {
        var text = "pgring-ring-v1\nvnodes=\(virtualNodes)\n"
        for shard in shards.sorted(by: { RingShard.namePrecedes($0.name, $1.name) }) {
            text += "\(shard.name)=\(shard.weight)\n"
        }
        return text
    }

    /// 16 lowercase hex digits, zero-padded.
    public var description: String {
        let digits = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
