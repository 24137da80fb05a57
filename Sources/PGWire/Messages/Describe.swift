import NIOCore

/// Describe 'D' (frontend): asks for a statement's or portal's description
/// (PostgreSQL protocol, "Message Formats", Describe). Payload: Byte1 'S'/'P', String name.
public struct Describe: Sendable, Equatable {
    /// Whether `name` is a prepared statement or a portal.
    public var kind: StatementOrPortal
    /// The statement or portal name; empty for the unnamed one.
    public var name: String

    /// Creates a Describe message value.
    public init(kind: StatementOrPortal, name: String) {
        self.kind = kind
        self.name = name
    }

    /// Decodes a 'D' frontend message; throws if the id is not 'D' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> Describe {
        try message.requireID(FrontendMessageID.describe.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'D' frontend payload.
    public static func decode(payload: ByteBuffer) throws -> Describe {
        var reader = PayloadReader(payload, messageName: "Describe")
        let kindByte = try reader.readUInt8()
        guard let kind = StatementOrPortal(rawValue: kindByte) else {
            throw reader.error("invalid target type \(describeMessageID(kindByte))")
        }
        let name = try reader.readCString(.lossy)
        try reader.finish()
        return Describe(kind: kind, name: name)
    }

    /// Writes the whole frame: 'D', length, kind, name.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.describe.rawValue) { buffer in
            buffer.writeInteger(self.kind.rawValue)
            buffer.writeCString(self.name)
        }
    }
}
