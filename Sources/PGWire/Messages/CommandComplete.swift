import NIOCore

/// CommandComplete 'C' (backend): a command finished (PostgreSQL protocol, "Message Formats",
/// CommandComplete). Payload: String command tag, e.g. "SELECT 1", "INSERT 0 1", "BEGIN".
public struct CommandComplete: Sendable, Equatable {
    /// The command tag.
    public var tag: String

    /// Creates a CommandComplete value.
    public init(tag: String) {
        self.tag = tag
    }

    /// Decodes a 'C' backend message; throws if the id is not 'C' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> CommandComplete {
        try message.requireID(BackendMessageID.commandComplete.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'C' backend payload.
    public static func decode(payload: ByteBuffer) throws -> CommandComplete {
        var reader = PayloadReader(payload, messageName: "CommandComplete")
        let tag = try reader.readCString(.lossy)
        try reader.finish()
        return CommandComplete(tag: tag)
    }

    /// Writes the whole frame: 'C', length, tag.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.commandComplete.rawValue) { $0.writeCString(self.tag) }
    }
}
