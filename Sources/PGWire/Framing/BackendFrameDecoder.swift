import NIOCore

/// Frames the server -> client byte stream (pgring's connections to PostgreSQL).
///
/// Use it as `ByteToMessageHandler(BackendFrameDecoder(maxMessageSize: ..., expectEncryptionResponse: ...))`.
/// With `expectEncryptionResponse` (pgring just sent SSLRequest or GSSENCRequest) the first frame is the
/// server's single answer byte:
/// - 'S' / 'G': emitted as `.encryptionResponse`; if more bytes are already buffered behind it the decoder
///   throws `bytesAfterEncryptionResponse` instead (CVE-2021-23222: they arrived before the handshake).
///   The handler must put TLS in front of this decoder before reading again.
/// - 'N': emitted as `.encryptionResponse`; plain-text typed messages follow.
/// - 'E': a server too old to know SSLRequest answers with an ErrorResponse; it is not consumed as a
///   response byte but decoded as the typed message `.message(RawMessage(id: 'E', ...))`.
/// - anything else: `unexpectedEncryptionResponse`.
///
/// After that (or from the start without `expectEncryptionResponse`) every frame is `.message`.
/// EOF behaviour is as for `FrontendFrameDecoder`: an incomplete trailing frame is dropped.
public struct BackendFrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    /// The frame type this decoder produces.
    public typealias InboundOut = BackendFrame

    /// The decoder's internal state.
    private enum State: Sendable, Equatable {
        /// Waiting for the single answer byte to SSLRequest / GSSENCRequest.
        case encryptionResponse
        /// Typed messages.
        case messages
    }

    /// 'S': TLS accepted.
    public static let sslAccepted: UInt8 = 0x53
    /// 'G': GSSAPI encryption accepted.
    public static let gssAccepted: UInt8 = 0x47
    /// 'N': encryption refused.
    public static let encryptionRefused: UInt8 = 0x4E

    /// Largest accepted length field of a typed message (it counts itself).
    public let maxMessageSize: Int
    /// The current phase; changes only inside `decode(buffer:)`.
    private var state: State

    /// Creates a decoder. `maxMessageSize` must be within 4...Int32.max.
    public init(maxMessageSize: Int = WireLimits.defaultMaxMessageSize, expectEncryptionResponse: Bool) {
        FrameHeader.checkConfiguredLimit(maxMessageSize)
        self.maxMessageSize = maxMessageSize
        self.state = expectEncryptionResponse ? .encryptionResponse : .messages
    }

    /// Decodes at most one frame; nil means "need more bytes".
    public mutating func decode(buffer: inout ByteBuffer) throws -> BackendFrame? {
        switch self.state {
        case .encryptionResponse:
            guard let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
            switch byte {
            case Self.sslAccepted, Self.gssAccepted:
                buffer.moveReaderIndex(forwardBy: 1)
                self.state = .messages
                guard buffer.readableBytes == 0 else { throw WireProtocolError.bytesAfterEncryptionResponse }
                return .encryptionResponse(byte)
            case Self.encryptionRefused:
                buffer.moveReaderIndex(forwardBy: 1)
                self.state = .messages
                return .encryptionResponse(byte)
            case BackendMessageID.errorResponse.rawValue:
                self.state = .messages
                return try self.decode(buffer: &buffer)
            default:
                throw WireProtocolError.unexpectedEncryptionResponse(byte)
            }
        case .messages:
            guard let message = try FrameHeader.readTypedMessage(from: &buffer, maxMessageSize: self.maxMessageSize) else {
                return nil
            }
            return .message(message)
        }
    }

    /// Delivers remaining complete frames; at EOF drops an incomplete trailing frame.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> BackendFrame? {
        if let frame = try self.decode(buffer: &buffer) { return frame }
        if seenEOF { buffer.moveReaderIndex(to: buffer.writerIndex) }
        return nil
    }
}
