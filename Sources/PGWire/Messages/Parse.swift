import NIOCore

/// Parse 'P' (frontend): creates a prepared statement (PostgreSQL protocol, "Message Formats", Parse).
/// Payload: String statement name ("" = unnamed), String query, Int16 count, count x Int32 parameter type OIDs
/// (0 = unspecified).
public struct Parse: Sendable, Equatable {
    /// Prepared statement name; empty for the unnamed statement.
    public var statementName: String
    /// The query text (decoded lossily, see `Query`).
    public var query: String
    /// Parameter type OIDs the client pre-specified; 0 leaves the type to the server.
    public var parameterTypeOIDs: [UInt32]

    /// Creates a Parse message value.
    public init(statementName: String, query: String, parameterTypeOIDs: [UInt32]) {
        self.statementName = statementName
        self.query = query
        self.parameterTypeOIDs = parameterTypeOIDs
    }

    /// Decodes a 'P' message; throws if the id is not 'P' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> Parse {
        try message.requireID(FrontendMessageID.parse.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'P' payload. The count is checked against the remaining bytes before anything is allocated.
    public static func decode(payload: ByteBuffer) throws -> Parse {
        var reader = PayloadReader(payload, messageName: "Parse")
        let name = try reader.readCString(.lossy)
        let query = try reader.readCString(.lossy)
        let count = Int(try reader.readUInt16())
        try reader.requireRoom(forCount: count, minimumElementSize: 4, what: "parameter type")
        var oids: [UInt32] = []
        oids.reserveCapacity(count)
        for _ in 0..<count {
            oids.append(try reader.readUInt32())
        }
        try reader.finish()
        return Parse(statementName: name, query: query, parameterTypeOIDs: oids)
    }

    /// Writes the whole frame: 'P', length, name, query, OID count, OIDs (e.g. to re-prepare a statement on
    /// another server connection). More than 65,535 OIDs is our own bug.
    public func encode(into buffer: inout ByteBuffer) {
        precondition(self.parameterTypeOIDs.count <= Int(UInt16.max), "too many parameter types")
        buffer.writeFrame(id: FrontendMessageID.parse.rawValue) { buffer in
            buffer.writeCString(self.statementName)
            buffer.writeCString(self.query)
            buffer.writeInteger(UInt16(self.parameterTypeOIDs.count))
            for oid in self.parameterTypeOIDs { buffer.writeInteger(oid) }
        }
    }
}
