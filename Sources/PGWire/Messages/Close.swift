import NIOCore

/// Close 'C' (frontend): closes a prepared statement or portal
/// (PostgreSQL protocol, "Message Formats", Close). Payload: Byte1 'S'/'P', String name.
public struct Close: Sendable, Equatable {
    /// Whether `name` is a prepared statement or a portal.
    public var kind: StatementOrPortal
    /// The statement or portal name; empty for the unnamed one.
    public var name: String

    /// Creates a Close message value.
    public init(kind: StatementOrPortal, name: String) {
        self.kind = kind
        self.name = name
    }

    /// Decodes a 'C' frontend message; throws if the id is not 'C' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> Close {
        try message.requireID(FrontendMessageID.close.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'C' frontend payload.
    public static func decode(payload: ByteBuffer) throws -> Close {
        var reader = PayloadReader(payload, messageName: "Close")
        let kindByte = try reader.readUInt8()
        guard let kind = StatementOrPortal(rawValue: kindByte) else {
            throw reader.error("invalid target type \(describeMessageID(kindByte))")
        }
        let name = try reader.readCString(.lossy)
        try reader.finish()
        return Close(kind: kind, name: name)
    }

    /// Writes the whole frame: 'C', length, kind, name.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.close.rawValue) { buffer in
            buffer.writeInteger(self.kind.rawValue)
            buffer.writeCString(self.name)
        }
    }
}
