import NIOCore

/// BackendKeyData 'K' (backend): the identity a client needs to send a CancelRequest
/// (PostgreSQL protocol, "Message Formats", BackendKeyData). Payload: Int32 process ID, then the secret key:
/// 4 bytes in protocol 3.0, up to 256 bytes in 3.2.
public struct BackendKeyData: Sendable, Equatable {
    /// The backend process ID (pgring may hand out its own).
    public var processID: Int32
    /// The secret key, `WireLimits.minCancelKeyLength...maxCancelKeyLength` bytes.
    public var secretKey: [UInt8]

    /// Creates a BackendKeyData value.
    public init(processID: Int32, secretKey: [UInt8]) {
        self.processID = processID
        self.secretKey = secretKey
    }

    /// Decodes a 'K' message; throws if the id is not 'K' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> BackendKeyData {
        try message.requireID(BackendMessageID.backendKeyData.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'K' payload; the key must be 4 to 256 bytes.
    public static func decode(payload: ByteBuffer) throws -> BackendKeyData {
        var reader = PayloadReader(payload, messageName: "BackendKeyData")
        let processID = try reader.readInt32()
        let keyLength = reader.remaining
        guard keyLength >= WireLimits.minCancelKeyLength, keyLength <= WireLimits.maxCancelKeyLength else {
            throw reader.error("secret key of \(keyLength) bytes (must be \(WireLimits.minCancelKeyLength) to \(WireLimits.maxCancelKeyLength))")
        }
        return BackendKeyData(processID: processID, secretKey: reader.readRemainingBytes())
    }

    /// Writes the whole frame: 'K', length, process ID, key.
    public func encode(into buffer: inout ByteBuffer) {
        precondition(self.secretKey.count <= WireLimits.maxCancelKeyLength, "cancel key longer than 256 bytes")
        buffer.writeFrame(id: BackendMessageID.backendKeyData.rawValue) { buffer in
            buffer.writeInteger(self.processID)
            buffer.writeBytes(self.secretKey)
        }
    }
}

extension BackendKeyData: CustomStringConvertible {
    /// Shows the process ID, never the key.
    public var description: String { "BackendKeyData(processID: \(self.processID), key: <\(self.secretKey.count) bytes>)" }
}
