import HashRing

extension BindParameter {
    /// Decodes the value as a sharding key of type `keyType`.
    ///
    /// - Text format (0): the UTF-8 text parsed with `keyType.parse` (invalid UTF-8 is repaired first, so a
    ///   text key sees U+FFFD where PostgreSQL would have rejected the value).
    /// - Binary format (1), by declared type:
    ///   - `int2`/`int4`/`int8`: big-endian two's complement of exactly 2/4/8 bytes, for an int key;
    ///   - `text`/`varchar`/`bpchar`/`name`/`unknown`: UTF-8 bytes, for a text key (or an int/uuid key
    ///     parsed from that text);
    ///   - `uuid`: exactly 16 bytes, for a uuid key;
    ///   - no declared type (nil or 0): an int key accepts 2, 4 or 8 bytes, a uuid key 16 bytes, a text key
    ///     the UTF-8 bytes.
    /// Never traps: every size is checked before reading.
    public func shardingKey(as keyType: ShardingKeyType) -> Result<ShardingKey, ParameterDecodingError> {
        guard let bytes else { return .failure(.null) }
        switch format {
        case 0:
            let text = String(decoding: bytes, as: UTF8.self)
            guard let key = keyType.parse(text) else { return .failure(.invalidText(text, keyType)) }
            return .success(key)
        case 1:
            return binaryKey(bytes, as: keyType)
        default:
            return .failure(.unknownFormat(format))
        }
    }

    /// Decodes a binary-format value.
    private func binaryKey(_ bytes: [UInt8], as keyType: ShardingKeyType) -> Result<ShardingKey, ParameterDecodingError> {
        let oid = (typeOID == 0) ? nil : typeOID
        switch oid {
        case TypeOID.int2?, TypeOID.int4?, TypeOID.int8?:
            let expected = oid == TypeOID.int2 ? 2 : (oid == TypeOID.int4 ? 4 : 8)
            guard bytes.count == expected, let oid else {
                return .failure(.invalidBinarySize(byteCount: bytes.count, typeOID: oid ?? 0))
            }
            guard keyType == .int else { return .failure(.unsupportedBinaryType(typeOID: oid, keyType)) }
            return .success(.integer(Self.bigEndianInteger(bytes)))
        case TypeOID.text?, TypeOID.varchar?, TypeOID.bpchar?, TypeOID.name?, TypeOID.unknown?:
            guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.invalidUTF8) }
            guard let key = keyType.parse(text) else { return .failure(.invalidText(text, keyType)) }
            return .success(key)
        case TypeOID.uuid?:
            guard keyType == .uuid else { return .failure(.unsupportedBinaryType(typeOID: oid, keyType)) }
            guard let uuid = PostgresUUID(bytes: bytes) else {
                return .failure(.invalidBinarySize(byteCount: bytes.count, typeOID: TypeOID.uuid))
            }
            return .success(.uuid(uuid))
        case nil:
            switch keyType {
            case .int:
                guard bytes.count == 2 || bytes.count == 4 || bytes.count == 8 else {
                    return .failure(.invalidBinarySize(byteCount: bytes.count, typeOID: 0))
                }
                return .success(.integer(Self.bigEndianInteger(bytes)))
            case .text:
                guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.invalidUTF8) }
                return .success(.text(text))
            case .uuid:
                guard let uuid = PostgresUUID(bytes: bytes) else {
                    return .failure(.invalidBinarySize(byteCount: bytes.count, typeOID: 0))
                }
                return .success(.uuid(uuid))
            }
        case .some:
            return .failure(.unsupportedBinaryType(typeOID: oid, keyType))
        }
    }

    /// A big-endian two's-complement integer of 1 to 8 bytes, sign-extended to 64 bits.
    static func bigEndianInteger(_ bytes: [UInt8]) -> Int64 {
        precondition((1...8).contains(bytes.count), "callers check the size")
        var value: UInt64 = (bytes[0] & 0x80) != 0 ? UInt64.max : 0
        for byte in bytes {
            value = (value << 8) | UInt64(byte)
        }
        return Int64(bitPattern: value)
    }
}
