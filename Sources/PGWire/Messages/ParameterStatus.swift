import NIOCore

/// ParameterStatus 'S' (backend): the current value of a run-time parameter
/// (PostgreSQL protocol, "Message Formats", ParameterStatus). Payload: String name, String value.
public struct ParameterStatus: Sendable, Equatable {
    /// Parameter name, e.g. "server_version", "client_encoding".
    public var name: String
    /// Its value.
    public var value: String

    /// Creates a ParameterStatus value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Decodes an 'S' backend message; throws if the id is not 'S' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> ParameterStatus {
        try message.requireID(BackendMessageID.parameterStatus.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes an 'S' backend payload.
    public static func decode(payload: ByteBuffer) throws -> ParameterStatus {
        var reader = PayloadReader(payload, messageName: "ParameterStatus")
        let name = try reader.readCString(.lossy)
        let value = try reader.readCString(.lossy)
        try reader.finish()
        return ParameterStatus(name: name, value: value)
    }

    /// Writes the whole frame: 'S', length, name, value.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.parameterStatus.rawValue) { buffer in
            buffer.writeCString(self.name)
            buffer.writeCString(self.value)
        }
    }
}
