import HashRing

/// Why a Bind parameter could not be turned into a sharding key. Each case becomes a `RoutingError` with
/// SQLSTATE 22P02 (invalid_text_representation) or 22P03 (invalid_binary_representation).
public enum ParameterDecodingError: Error, Sendable, Hashable {
    /// The parameter is NULL: a NULL key matches no row and has no shard.
    case null
    /// The format code is neither 0 (text) nor 1 (binary).
    case unknownFormat(Int16)
    /// A text value that is not valid for the key type (e.g. `abc` for an integer key).
    case invalidText(String, ShardingKeyType)
    /// A binary value whose size does not fit its type (e.g. 3 bytes for int4, 15 for uuid).
    case invalidBinarySize(byteCount: Int, typeOID: UInt32)
    /// A binary value of a type pgring cannot use for this key type (or with no declared type, where the
    /// size alone is ambiguous).
    case unsupportedBinaryType(typeOID: UInt32?, ShardingKeyType)
    /// Binary text that is not valid UTF-8.
    case invalidUTF8

    /// A message for the client; it never includes the value itself (bind values are not logged or echoed).
    public var message: String {
        switch self {
        case .null:
            return "the sharding key parameter is NULL"
        case .unknownFormat(let format):
            return "the sharding key parameter has unknown format code \(format)"
        case .invalidText(_, let type):
            return "the sharding key parameter is not a valid \(type.rawValue) value"
        case .invalidBinarySize(let count, let oid):
            return "the sharding key parameter has \(count) bytes, which is not a valid binary value of type OID \(oid)"
        case .unsupportedBinaryType(let oid, let type):
            let declared = oid.map { "type OID \($0)" } ?? "no declared type"
            return "a binary sharding key parameter with \(declared) cannot be used for a \(type.rawValue) key"
        case .invalidUTF8:
            return "the binary text sharding key parameter is not valid UTF-8"
        }
    }

    /// The SQLSTATE: 22P03 for binary problems, 22P02 otherwise (22004 null_value_not_allowed for NULL).
    public var sqlState: String {
        switch self {
        case .null: return "22004"
        case .unknownFormat, .invalidBinarySize, .unsupportedBinaryType, .invalidUTF8: return "22P03"
        case .invalidText: return "22P02"
        }
    }
}
