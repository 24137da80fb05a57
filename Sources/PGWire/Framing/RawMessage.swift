import NIOCore

/// One typed message exactly as it crossed the wire: a 1-byte id, then an Int32 length that counts itself,
/// then `payload` (PostgreSQL protocol, "Message Formats").
///
/// pgring forwards messages as `RawMessage` without re-encoding them (pgbouncer's `sbuf.c` idea);
/// `write(into:)` re-emits the same bytes. Only the few messages that drive a decision are decoded into
/// typed structs (see `Messages/`). `payload` is usually a slice sharing storage with the read buffer.
public struct RawMessage: Sendable, Equatable {
    /// The message type byte, e.g. 0x51 ('Q'). See `FrontendMessageID` / `BackendMessageID`.
    public var id: UInt8
    /// The message body: everything after the length word.
    public var payload: ByteBuffer

    /// Wraps an id and a payload.
    public init(id: UInt8, payload: ByteBuffer) {
        self.id = id
        self.payload = payload
    }

    /// Wraps a frontend (client -> server) message id and a payload.
    public init(id: FrontendMessageID, payload: ByteBuffer) {
        self.init(id: id.rawValue, payload: payload)
    }

    /// Wraps a backend (server -> client) message id and a payload.
    public init(id: BackendMessageID, payload: ByteBuffer) {
        self.init(id: id.rawValue, payload: payload)
    }

    /// Size of the frame on the wire: id byte + length word + payload.
    public var totalLength: Int { WireLimits.messageHeaderSize + self.payload.readableBytes }

    /// The value of the length field: length word + payload.
    public var lengthField: Int { WireLimits.minMessageLength + self.payload.readableBytes }

    /// The id read as a frontend message type, or nil if the id is not one of protocol 3.x.
    public var frontendID: FrontendMessageID? { FrontendMessageID(rawValue: self.id) }

    /// The id read as a backend message type, or nil if the id is not one of protocol 3.x.
    public var backendID: BackendMessageID? { BackendMessageID(rawValue: self.id) }

    /// Writes the frame byte-identical to how it was received: id, length, payload.
    public func write(into buffer: inout ByteBuffer) {
        precondition(self.lengthField <= Int(Int32.max), "RawMessage payload larger than Int32.max")
        buffer.writeInteger(self.id)
        buffer.writeInteger(Int32(self.lengthField))
        var payload = self.payload
        buffer.writeBuffer(&payload)
    }
}

extension RawMessage: CustomStringConvertible {
    /// Id and length only: payloads may hold passwords, SQL or bind values and must never reach a log.
    public var description: String {
        "RawMessage(\(describeMessageID(self.id)), \(self.payload.readableBytes) payload bytes)"
    }
}
