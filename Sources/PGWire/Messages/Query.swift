import NIOCore

/// Query 'Q' (frontend): one simple-protocol query string, possibly several statements.
/// Payload: String (NUL-terminated). PostgreSQL protocol, "Message Formats", Query.
///
/// `sql` is decoded lossily (invalid UTF-8 becomes U+FFFD) because clients may use another
/// `client_encoding`; the forwarded frame keeps the original bytes.
public struct Query: Sendable, Equatable {
    /// The query text.
    public var sql: String

    /// Creates a query.
    public init(sql: String) {
        self.sql = sql
    }

    /// Decodes a 'Q' message; throws if the id is not 'Q' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> Query {
        try message.requireID(FrontendMessageID.query.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'Q' payload (the bytes after the length word).
    public static func decode(payload: ByteBuffer) throws -> Query {
        var reader = PayloadReader(payload, messageName: "Query")
        let sql = try reader.readCString(.lossy)
        try reader.finish()
        return Query(sql: sql)
    }

    /// Writes the whole frame: 'Q', length, query text, NUL.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.query.rawValue) { $0.writeCString(self.sql) }
    }
}
