import NIOCore

/// SASLInitialResponse 'p' (frontend): the chosen SASL mechanism and its initial response
/// (PostgreSQL protocol, "Message Formats", SASLInitialResponse). Payload: String mechanism,
/// Int32 length of the data (-1 = no initial response), data bytes.
public struct SASLInitialResponse: Sendable, Equatable {
    /// The mechanism, e.g. "SCRAM-SHA-256" (strict UTF-8).
    public var mechanism: String
    /// The initial response (SCRAM client-first-message), or nil when absent (length -1).
    public var data: [UInt8]?

    /// Creates a SASLInitialResponse value.
    public init(mechanism: String, data: [UInt8]?) {
        self.mechanism = mechanism
        self.data = data
    }

    /// Decodes a 'p' message as SASLInitialResponse; throws if the id is not 'p' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> SASLInitialResponse {
        try message.requireID(FrontendMessageID.password.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'p' payload as SASLInitialResponse.
    public static func decode(payload: ByteBuffer) throws -> SASLInitialResponse {
        var reader = PayloadReader(payload, messageName: "SASLInitialResponse")
        let mechanism = try reader.readCString(.strict)
        let length = try reader.readInt32()
        let data: [UInt8]?
        if length == -1 {
            data = nil
        } else if length < 0 {
            throw reader.error("invalid data length \(length)")
        } else {
            data = try reader.readBytes(count: Int(length))
        }
        try reader.finish()
        return SASLInitialResponse(mechanism: mechanism, data: data)
    }

    /// Writes the whole frame: 'p', length, mechanism, data length (-1 if nil), data.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.password.rawValue) { buffer in
            buffer.writeCString(self.mechanism)
            if let data = self.data {
                buffer.writeInteger(Int32(truncatingIfNeeded: data.count))
                buffer.writeBytes(data)
            } else {
                buffer.writeInteger(Int32(-1))
            }
        }
    }
}

extension SASLInitialResponse: CustomStringConvertible {
    /// Mechanism only; never the data.
    public var description: String { "SASLInitialResponse(mechanism: \(self.mechanism), data: <redacted>)" }
}
