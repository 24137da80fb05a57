import NIOCore

/// Execute 'E' (frontend): runs a portal (PostgreSQL protocol, "Message Formats", Execute).
/// Payload: String portal name, Int32 maximum rows (0 = no limit).
public struct Execute: Sendable, Equatable {
    /// Portal name; empty for the unnamed portal.
    public var portalName: String
    /// Row limit; 0 means no limit. After the limit the server sends PortalSuspended.
    public var maxRows: Int32

    /// Creates an Execute message value.
    public init(portalName: String, maxRows: Int32) {
        self.portalName = portalName
        self.maxRows = maxRows
    }

    /// Decodes an 'E' frontend message; throws if the id is not 'E' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> Execute {
        try message.requireID(FrontendMessageID.execute.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes an 'E' frontend payload.
    public static func decode(payload: ByteBuffer) throws -> Execute {
        var reader = PayloadReader(payload, messageName: "Execute")
        let portal = try reader.readCString(.lossy)
        let maxRows = try reader.readInt32()
        try reader.finish()
        return Execute(portalName: portal, maxRows: maxRows)
    }

    /// Writes the whole frame: 'E', length, portal, row limit.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.execute.rawValue) { buffer in
            buffer.writeCString(self.portalName)
            buffer.writeInteger(self.maxRows)
        }
    }
}
