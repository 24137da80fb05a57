import NIOCore

/// Decodes startup-phase packets one after another, with no phase logic (no TLS or cancel rules).
///
/// A building block of `FrontendFrameDecoder`, public so it can be verified on its own and used where a
/// stream is known to carry only startup packets. Use `FrontendFrameDecoder` for client connections.
public struct StartupPacketDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    /// The packet type this decoder produces.
    public typealias InboundOut = StartupPacket

    /// Creates a decoder.
    public init() {}

    /// Decodes at most one packet; nil means "need more bytes".
    public mutating func decode(buffer: inout ByteBuffer) throws -> StartupPacket? {
        guard let body = try FrameHeader.readStartupPacketBody(from: &buffer) else { return nil }
        return try StartupPacket.decode(body: body)
    }

    /// Delivers remaining complete packets; at EOF drops an incomplete trailing packet.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> StartupPacket? {
        if let packet = try self.decode(buffer: &buffer) { return packet }
        if seenEOF { buffer.moveReaderIndex(to: buffer.writerIndex) }
        return nil
    }
}

/// Decodes typed messages (id + length + payload) of either direction, with no startup phase.
public struct RawMessageDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    /// The frame type this decoder produces.
    public typealias InboundOut = RawMessage

    /// Largest accepted length field (it counts itself).
    public let maxMessageSize: Int

    /// Creates a decoder. `maxMessageSize` must be within 4...Int32.max.
    public init(maxMessageSize: Int = WireLimits.defaultMaxMessageSize) {
        FrameHeader.checkConfiguredLimit(maxMessageSize)
        self.maxMessageSize = maxMessageSize
    }

    /// Decodes at most one message; nil means "need more bytes".
    public mutating func decode(buffer: inout ByteBuffer) throws -> RawMessage? {
        try FrameHeader.readTypedMessage(from: &buffer, maxMessageSize: self.maxMessageSize)
    }

    /// Delivers remaining complete messages; at EOF drops an incomplete trailing message.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RawMessage? {
        if let message = try self.decode(buffer: &buffer) { return message }
        if seenEOF { buffer.moveReaderIndex(to: buffer.writerIndex) }
        return nil
    }
}
