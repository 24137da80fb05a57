import NIOCore

/// The transaction status carried by ReadyForQuery.
public enum TransactionStatus: UInt8, Sendable, Equatable {
    /// Not in a transaction block: a pooled server connection may be released.
    case idle = 0x49 // 'I'
    /// In a transaction block.
    case inTransaction = 0x54 // 'T'
    /// In a failed transaction block (queries rejected until the block ends).
    case failedTransaction = 0x45 // 'E'
}

/// ReadyForQuery 'Z' (backend): the server is ready for a new query cycle
/// (PostgreSQL protocol, "Message Formats", ReadyForQuery). Payload: Byte1 status.
public struct ReadyForQuery: Sendable, Equatable {
    /// The transaction status.
    public var transactionStatus: TransactionStatus

    /// Creates a ReadyForQuery value.
    public init(transactionStatus: TransactionStatus) {
        self.transactionStatus = transactionStatus
    }

    /// Decodes a 'Z' message; throws if the id is not 'Z' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> ReadyForQuery {
        try message.requireID(BackendMessageID.readyForQuery.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'Z' payload.
    public static func decode(payload: ByteBuffer) throws -> ReadyForQuery {
        var reader = PayloadReader(payload, messageName: "ReadyForQuery")
        let byte = try reader.readUInt8()
        guard let status = TransactionStatus(rawValue: byte) else {
            throw reader.error("invalid transaction status \(describeMessageID(byte))")
        }
        try reader.finish()
        return ReadyForQuery(transactionStatus: status)
    }

    /// Writes the whole frame: 'Z', length 5, status.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.readyForQuery.rawValue) { $0.writeInteger(self.transactionStatus.rawValue) }
    }
}
