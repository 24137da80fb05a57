import NIOCore

/// NegotiateProtocolVersion 'v' (backend): the server supports only an older minor version of protocol 3
/// and/or does not recognise some `_pq_.` options (PostgreSQL protocol, "Message Formats",
/// NegotiateProtocolVersion). Payload: Int32 newest supported minor version, Int32 count, count x String option names.
public struct NegotiateProtocolVersion: Sendable, Equatable {
    /// The newest minor version of protocol 3 the server supports.
    public var newestMinorVersion: Int32
    /// The protocol options (`_pq_.` names) the server did not recognise.
    public var unrecognizedOptions: [String]

    /// Creates a NegotiateProtocolVersion value.
    public init(newestMinorVersion: Int32, unrecognizedOptions: [String]) {
        self.newestMinorVersion = newestMinorVersion
        self.unrecognizedOptions = unrecognizedOptions
    }

    /// Decodes a 'v' message; throws if the id is not 'v' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> NegotiateProtocolVersion {
        try message.requireID(BackendMessageID.negotiateProtocolVersion.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'v' payload; the option count is checked against the remaining bytes first.
    public static func decode(payload: ByteBuffer) throws -> NegotiateProtocolVersion {
        var reader = PayloadReader(payload, messageName: "NegotiateProtocolVersion")
        let minor = try reader.readInt32()
        let count = Int(try reader.readInt32())
        // Each option is at least its NUL terminator.
        try reader.requireRoom(forCount: count, minimumElementSize: 1, what: "option")
        var options: [String] = []
        options.reserveCapacity(count)
        for _ in 0..<count {
            options.append(try reader.readCString(.lossy))
        }
        try reader.finish()
        return NegotiateProtocolVersion(newestMinorVersion: minor, unrecognizedOptions: options)
    }

    /// Writes the whole frame: 'v', length, minor version, count, option names.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.negotiateProtocolVersion.rawValue) { buffer in
            buffer.writeInteger(self.newestMinorVersion)
            buffer.writeInteger(Int32(truncatingIfNeeded: self.unrecognizedOptions.count))
            for option in self.unrecognizedOptions { buffer.writeCString(option) }
        }
    }
}
