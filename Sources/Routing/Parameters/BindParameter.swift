/// One parameter value of a Bind message (PostgreSQL protocol, "Message Formats": Bind), with the type the
/// client declared for it in Parse, if any.
public struct BindParameter: Sendable, Hashable {
    /// The value bytes; nil for SQL NULL (length -1 on the wire).
    public var bytes: [UInt8]?
    /// The format code: 0 text, 1 binary (any other value is rejected when decoding).
    public var format: Int16
    /// The parameter type OID from Parse (0 or nil: unspecified, the server infers it).
    public var typeOID: UInt32?

    /// Creates a parameter.
    public init(bytes: [UInt8]?, format: Int16 = 0, typeOID: UInt32? = nil) {
        self.bytes = bytes
        self.format = format
        self.typeOID = typeOID
    }

    /// A text-format parameter holding `text` as UTF-8.
    public static func text(_ text: String, typeOID: UInt32? = nil) -> BindParameter {
        BindParameter(bytes: Array(text.utf8), format: 0, typeOID: typeOID)
    }

    /// The well-known type OIDs pgring decodes in binary format (`pg_type.oid`, fixed since PostgreSQL 7).
    public enum TypeOID {
        /// `int2` (smallint).
        public static let int2: UInt32 = 21
        /// `int4` (integer).
        public static let int4: UInt32 = 23
        /// `int8` (bigint).
        public static let int8: UInt32 = 20
        /// `text`.
        public static let text: UInt32 = 25
        /// `varchar`.
        public static let varchar: UInt32 = 1043
        /// `bpchar` (char(n)).
        public static let bpchar: UInt32 = 1042
        /// `name`.
        public static let name: UInt32 = 19
        /// `uuid`.
        public static let uuid: UInt32 = 2950
        /// `unknown` (an untyped literal).
        public static let unknown: UInt32 = 705
    }
}
