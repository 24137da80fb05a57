import NIOCore

/// SASLResponse 'p' (frontend): a SASL message after the initial one (SCRAM client-final-message)
/// (PostgreSQL protocol, "Message Formats", SASLResponse). Payload: the raw data bytes.
public struct SASLResponse: Sendable, Equatable {
    /// The mechanism-specific data.
    public var data: [UInt8]

    /// Creates a SASLResponse value.
    public init(data: [UInt8]) {
        self.data = data
    }

    /// Decodes a 'p' message as SASLResponse; throws if the id is not 'p'.
    public static func decode(from message: RawMessage) throws -> SASLResponse {
        try message.requireID(FrontendMessageID.password.rawValue)
        return Self.decode(payload: message.payload)
    }

    /// Decodes a 'p' payload as SASLResponse: every byte is data.
    public static func decode(payload: ByteBuffer) -> SASLResponse {
        SASLResponse(data: Array(payload.readableBytesView))
    }

    /// Writes the whole frame: 'p', length, data.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.password.rawValue) { $0.writeBytes(self.data) }
    }
}

extension SASLResponse: CustomStringConvertible {
    /// Never shows the data.
    public var description: String { "SASLResponse(<\(self.data.count) bytes redacted>)" }
}
