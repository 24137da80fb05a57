/// A sharding key value, typed the way PostgreSQL would hash it.
public enum ShardingKey: Sendable, Hashable {
    /// A `smallint`, `integer` or `bigint` value, hashed with `hashint8extended(key, 0)`.
    case integer(Int64)
    /// A `text`/`varchar` value, hashed with `hashtextextended(key, 0)` (UTF-8 bytes, deterministic collation).
    case text(String)
    /// A `uuid` value, hashed with `uuid_hash_extended(key, 0)`.
    case uuid(PostgresUUID)

    /// The key's position on the ring: PostgreSQL's 64-bit hash of the value with seed 0, as `int8`.
    @inlinable
    public var hash: Int64 {
        switch self {
        case .integer(let value): return PostgresHash.int8Extended(value)
        case .text(let value): return PostgresHash.textExtended(value)
        case .uuid(let value): return PostgresHash.uuidExtended(value)
        }
    }
}

/// The PostgreSQL types a sharding key can have.
public enum ShardingKeyType: String, Sendable, Hashable, CaseIterable {
    /// `smallint`, `integer`, `bigint`: decimal text, hashed as `int8`.
    case int
    /// `text`, `varchar`: any string.
    case text
    /// `uuid`: any form PostgreSQL's `uuid_in` accepts.
    case uuid

    /// Parses `text` as a key of this type; nil when it is not a valid value of the type.
    /// Integers accept surrounding spaces and a leading `+` or `-`, as PostgreSQL's `int8in` does.
    public func parse(_ text: String) -> ShardingKey? {
        switch self {
        case .int:
            guard let value = Int64(text.trimmingASCIISpaces()) else { return nil }
            return .integer(value)
        case .text:
            return .text(text)
        case .uuid:
            return PostgresUUID(text).map(ShardingKey.uuid)
        }
    }

    /// The SQL expression that hashes a column of this type exactly as the ring does.
    public func sqlHashExpression(column: String) -> String {
        switch self {
        case .int: return "hashint8extended(\(column), 0)"
        case .text: return "hashtextextended(\(column), 0)"
        case .uuid: return "uuid_hash_extended(\(column), 0)"
        }
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace (space, \t, \n, \r, \v, \f).
    func trimmingASCIISpaces() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        let bytes = Array(utf8)
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
              let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
