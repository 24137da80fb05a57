extension PostgresHash {
    /// `hashint8extended(value, seed)` as PostgreSQL returns it.
    ///
    /// Use it for `smallint`, `integer` and `bigint` keys alike: PostgreSQL folds the high half of an
    /// `int8` into the low half (`lo ^= value >= 0 ? hi : ~hi`), so every value that fits in 32 bits hashes
    /// exactly like `hashint4extended` / `hashint2extended` of the same value.
    @inlinable
    public static func int8Extended(_ value: Int64, seed: Int64 = 0) -> Int64 {
        let bits = UInt64(bitPattern: value)
        let lowHalf = UInt32(truncatingIfNeeded: bits)
        let highHalf = UInt32(truncatingIfNeeded: bits >> 32)
        let folded = lowHalf ^ (value >= 0 ? highHalf : ~highHalf)
        return Int64(bitPattern: uint32Extended(folded, seed: UInt64(bitPattern: seed)))
    }

    /// `hashtextextended(text, seed)` for a text value under a deterministic collation, in a UTF-8 database:
    /// `hash_any_extended` over the UTF-8 bytes of `text` (no terminator, no normalisation).
    ///
    /// PostgreSQL text cannot contain U+0000; such strings are still hashed byte for byte here.
    @inlinable
    public static func textExtended(_ text: String, seed: Int64 = 0) -> Int64 {
        var text = text
        return text.withUTF8 { utf8 in
            Int64(bitPattern: bytesExtended(UnsafeRawBufferPointer(utf8), seed: UInt64(bitPattern: seed)))
        }
    }

    /// `uuid_hash_extended(uuid, seed)`: `hash_any_extended` over the 16 bytes of the UUID in their text order.
    @inlinable
    public static func uuidExtended(_ uuid: PostgresUUID, seed: Int64 = 0) -> Int64 {
        withUnsafeBytes(of: uuid.bytes) { bytes in
            Int64(bitPattern: bytesExtended(bytes, seed: UInt64(bitPattern: seed)))
        }
    }
}
