import NIOCore

/// CancelRequest (PostgreSQL protocol, "Message Formats", CancelRequest): Int32 length, Int32 80877102,
/// Int32 process ID, then the secret key — 4 bytes in protocol 3.0, up to 256 bytes in protocol 3.2.
///
/// It is sent on a fresh connection which carries nothing else. Compare keys in constant time.
public struct CancelRequest: Sendable, Equatable {
    /// The request code 80877102 (1234 << 16 | 5678).
    public static let requestCode: UInt32 = 80_877_102

    /// The process ID from BackendKeyData.
    public var processID: Int32
    /// The secret key from BackendKeyData, `WireLimits.minCancelKeyLength...maxCancelKeyLength` bytes.
    public var secretKey: [UInt8]

    /// Creates a cancel request.
    public init(processID: Int32, secretKey: [UInt8]) {
        self.processID = processID
        self.secretKey = secretKey
    }

    /// Decodes the body after the request code: process ID and key.
    static func decode(body: ByteBuffer) throws -> CancelRequest {
        var reader = PayloadReader(body, messageName: "CancelRequest")
        let processID = try reader.readInt32()
        let keyLength = reader.remaining
        guard keyLength >= WireLimits.minCancelKeyLength, keyLength <= WireLimits.maxCancelKeyLength else {
            throw reader.error("secret key of \(keyLength) bytes (must be \(WireLimits.minCancelKeyLength) to \(WireLimits.maxCancelKeyLength))")
        }
        let key = reader.readRemainingBytes()
        return CancelRequest(processID: processID, secretKey: key)
    }

    /// Writes the whole packet: length, code, process ID, key.
    public func encode(into buffer: inout ByteBuffer) {
        precondition(self.secretKey.count <= WireLimits.maxCancelKeyLength, "cancel key longer than 256 bytes")
        buffer.writeLengthCountingItself { buffer in
            buffer.writeInteger(Self.requestCode)
            buffer.writeInteger(self.processID)
            buffer.writeBytes(self.secretKey)
        }
    }
}

extension CancelRequest: CustomStringConvertible {
    /// Shows the process ID, never the key.
    public var description: String { "CancelRequest(processID: \(self.processID), key: <\(self.secretKey.count) bytes>)" }
}
