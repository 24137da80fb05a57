import NIOCore

/// Frames the client -> server byte stream: startup-phase packets first, then typed messages.
///
/// Use it as `ByteToMessageHandler(FrontendFrameDecoder(maxMessageSize: ...))`. It rewinds on partial frames
/// (nothing is consumed until a frame is complete), checks every length before buffering a body, and
/// forwards typed payloads untouched.
///
/// Phases (PostgreSQL protocol, "Message Flow: Start-up"):
/// - startup phase: length-prefixed packets without a type byte.
///   - `.startup(.startup(...))` switches to the typed-message phase.
///   - `.startup(.sslRequest)` / `.startup(.gssEncRequest)` stay in the startup phase (the client sends its
///     StartupMessage next, inside TLS), but if any byte is already buffered behind the request the decoder
///     throws `bytesAfterEncryptionRequest` *instead of* emitting the request (CVE-2021-23214). Bytes that
///     arrive in later reads cannot be seen here: the handler must put TLS in front of this decoder before
///     it reads again.
///   - `.startup(.cancel(...))` is final: any further byte throws `bytesAfterCancelRequest`.
/// - typed phase: `.message(RawMessage)` for every message, known id or not.
///
/// At EOF (`decodeLast` with `seenEOF`), complete frames are still delivered and an incomplete trailing
/// frame is dropped without error: the peer is gone and nothing can be answered. When the handler is
/// removed without EOF, the partial bytes are left for `ByteToMessageHandler` to pass on.
public struct FrontendFrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    /// The frame type this decoder produces.
    public typealias InboundOut = FrontendFrame

    /// Where decoding starts.
    public enum Phase: Sendable, Equatable {
        /// A fresh client connection: length-only startup packets.
        case startup
        /// Typed messages straight away (the startup packet was handled elsewhere, or in tests).
        case messages
    }

    /// The decoder's internal state.
    private enum State: Sendable, Equatable {
        /// Expecting a startup-phase packet.
        case startup
        /// Expecting typed messages.
        case messages
        /// A CancelRequest was decoded; the connection must carry nothing else.
        case afterCancelRequest
    }

    /// Largest accepted length field of a typed message (it counts itself).
    public let maxMessageSize: Int
    /// The current phase; changes only inside `decode(buffer:)`.
    private var state: State

    /// Creates a decoder. `maxMessageSize` must be within 4...Int32.max.
    public init(maxMessageSize: Int = WireLimits.defaultMaxMessageSize, startingIn phase: Phase = .startup) {
        FrameHeader.checkConfiguredLimit(maxMessageSize)
        self.maxMessageSize = maxMessageSize
        switch phase {
        case .startup: self.state = .startup
        case .messages: self.state = .messages
        }
    }

    /// Decodes at most one frame; nil means "need more bytes".
    public mutating func decode(buffer: inout ByteBuffer) throws -> FrontendFrame? {
        switch self.state {
        case .startup:
            guard let body = try FrameHeader.readStartupPacketBody(from: &buffer) else { return nil }
            let packet = try StartupPacket.decode(body: body)
            switch packet {
            case .startup:
                self.state = .messages
            case .sslRequest, .gssEncRequest:
                guard buffer.readableBytes == 0 else { throw WireProtocolError.bytesAfterEncryptionRequest }
            case .cancel:
                self.state = .afterCancelRequest
                guard buffer.readableBytes == 0 else { throw WireProtocolError.bytesAfterCancelRequest }
            }
            return .startup(packet)
        case .messages:
            guard let message = try FrameHeader.readTypedMessage(from: &buffer, maxMessageSize: self.maxMessageSize) else {
                return nil
            }
            return .message(message)
        case .afterCancelRequest:
            guard buffer.readableBytes == 0 else { throw WireProtocolError.bytesAfterCancelRequest }
            return nil
        }
    }

    /// Delivers remaining complete frames; at EOF drops an incomplete trailing frame (see type docs).
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FrontendFrame? {
        if let frame = try self.decode(buffer: &buffer) { return frame }
        if seenEOF { buffer.moveReaderIndex(to: buffer.writerIndex) }
        return nil
    }
}
