import NIOCore

/// Several complete typed messages, byte-identical and contiguous, as they arrived in one read.
///
/// The relay fast path: a proxy forwards `bytes` whole (one write, no per-message pipeline event)
/// and walks the frames only to look at the few it needs (ReadyForQuery, ParameterStatus, Terminate...).
/// Every frame in a batch was length-checked by the decoder that made it (``FrameHeader``).
public struct FrameBatch: Sendable, Equatable {
    /// The frames: for each, 1-byte id, Int32 length, payload.
    public var bytes: ByteBuffer

    /// Wraps bytes that hold only complete, already validated frames.
    public init(validatedBytes: ByteBuffer) {
        self.bytes = validatedBytes
    }

    /// Calls `body` for each frame in order, with the frame's start offset inside `bytes`.
    /// Stops early when `body` returns false.
    public func forEachFrame(_ body: (RawMessage, _ offset: Int) throws -> Bool) rethrows {
        var index = bytes.readerIndex
        let end = bytes.writerIndex
        while end - index >= WireLimits.messageHeaderSize,
              let id = bytes.getInteger(at: index, as: UInt8.self),
              let lengthField = bytes.getInteger(at: index + 1, as: Int32.self),
              Int(lengthField) >= WireLimits.minMessageLength,
              let payload = bytes.getSlice(at: index + WireLimits.messageHeaderSize, length: Int(lengthField) - WireLimits.minMessageLength) {
            let offset = index - bytes.readerIndex
            guard try body(RawMessage(id: id, payload: payload), offset) else { return }
            index += 1 + Int(lengthField)
        }
    }

    /// Calls `body` with each frame's id and start offset inside `bytes`, without cutting out its payload:
    /// the cheap walk for code that only counts most frames (``message(at:)`` gives one frame whole).
    /// Stops early when `body` returns false.
    public func forEachFrameID(_ body: (_ id: UInt8, _ offset: Int) throws -> Bool) rethrows {
        let start = bytes.readerIndex
        let end = bytes.writerIndex
        var index = start
        while end - index >= WireLimits.messageHeaderSize,
              let id = bytes.getInteger(at: index, as: UInt8.self),
              let lengthField = bytes.getInteger(at: index + 1, as: Int32.self),
              Int(lengthField) >= WireLimits.minMessageLength,
              Int(lengthField) <= end - index - 1 {
            guard try body(id, index - start) else { return }
            index += 1 + Int(lengthField)
        }
    }

    /// The frame that starts `offset` bytes into `bytes` (an offset ``forEachFrameID(_:)`` reported), or nil
    /// when no whole frame starts there.
    public func message(at offset: Int) -> RawMessage? {
        guard offset >= 0, offset <= bytes.readableBytes - WireLimits.messageHeaderSize else { return nil }
        let index = bytes.readerIndex + offset
        guard let id = bytes.getInteger(at: index, as: UInt8.self),
              let lengthField = bytes.getInteger(at: index + 1, as: Int32.self),
              Int(lengthField) >= WireLimits.minMessageLength,
              let payload = bytes.getSlice(at: index + WireLimits.messageHeaderSize, length: Int(lengthField) - WireLimits.minMessageLength)
        else { return nil }
        return RawMessage(id: id, payload: payload)
    }
}

extension FrameHeader {
    /// Reads every complete typed message at the front of `buffer` as one slice (nil when not even one
    /// is complete). Each length is checked exactly as ``readTypedMessage(from:maxMessageSize:)`` does;
    /// a bad length throws even when earlier frames were fine.
    static func readCompleteFrames(from buffer: inout ByteBuffer, maxMessageSize: Int) throws -> FrameBatch? {
        let start = buffer.readerIndex
        let end = buffer.writerIndex
        var index = start
        while end - index >= WireLimits.messageHeaderSize,
              let lengthField = buffer.getInteger(at: index + 1, as: Int32.self) {
            let length = Int(lengthField)
            guard length >= WireLimits.minMessageLength else { throw WireProtocolError.invalidLength(length) }
            guard length <= maxMessageSize else { throw WireProtocolError.messageTooLarge(length, limit: maxMessageSize) }
            // length <= maxMessageSize <= Int32.max, so this cannot overflow a 64-bit Int.
            let frameEnd = index + 1 + length
            guard frameEnd <= end else { break }
            index = frameEnd
        }
        guard index > start, let bytes = buffer.readSlice(length: index - start) else { return nil }
        return FrameBatch(validatedBytes: bytes)
    }
}

/// What ``FrontendBatchDecoder`` emits: startup-phase packets one by one, then batches of typed messages.
public enum FrontendInput: Sendable, Equatable {
    /// A length-only startup packet (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest).
    case startup(StartupPacket)
    /// All complete typed messages of one read.
    case frames(FrameBatch)
}

/// The frontend decoder of the proxy: ``FrontendFrameDecoder``'s startup phase (with all its checks,
/// including bytes after SSLRequest), then typed messages in batches instead of one event per message.
public struct FrontendBatchDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = FrontendInput

    private var startupDecoder: FrontendFrameDecoder
    private var inMessagePhase = false
    public let maxMessageSize: Int

    public init(maxMessageSize: Int = WireLimits.defaultMaxMessageSize) {
        self.startupDecoder = FrontendFrameDecoder(maxMessageSize: maxMessageSize)
        self.maxMessageSize = maxMessageSize
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> FrontendInput? {
        if inMessagePhase {
            return try FrameHeader.readCompleteFrames(from: &buffer, maxMessageSize: maxMessageSize).map(FrontendInput.frames)
        }
        switch try startupDecoder.decode(buffer: &buffer) {
        case .none:
            return nil
        case .startup(let packet):
            if case .startup = packet { inMessagePhase = true }
            return .startup(packet)
        case .message(let message):
            // Not reached: the startup decoder switches phase only after a StartupMessage, which sets
            // inMessagePhase first. Kept correct anyway: wrap the single frame.
            var bytes = ByteBuffer()
            message.write(into: &bytes)
            inMessagePhase = true
            return .frames(FrameBatch(validatedBytes: bytes))
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FrontendInput? {
        if let input = try decode(buffer: &buffer) { return input }
        if seenEOF { buffer.moveReaderIndex(to: buffer.writerIndex) }
        return nil
    }
}

/// What ``BackendBatchDecoder`` emits: the one-byte answer to SSLRequest, then batches of typed messages.
public enum BackendInput: Sendable, Equatable {
    /// 'S', 'G' or 'N'.
    case encryptionResponse(UInt8)
    /// All complete typed messages of one read.
    case frames(FrameBatch)
}

/// The backend decoder of the proxy: ``BackendFrameDecoder``'s SSL answer handling (including bytes
/// after 'S'), then typed messages in batches.
public struct BackendBatchDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = BackendInput

    private var answerDecoder: BackendFrameDecoder?
    public let maxMessageSize: Int

    public init(maxMessageSize: Int = WireLimits.defaultMaxMessageSize, expectEncryptionResponse: Bool) {
        self.maxMessageSize = maxMessageSize
        self.answerDecoder = expectEncryptionResponse
            ? BackendFrameDecoder(maxMessageSize: maxMessageSize, expectEncryptionResponse: true) : nil
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> BackendInput? {
        if var decoder = answerDecoder {
            guard let frame = try decoder.decode(buffer: &buffer) else {
                answerDecoder = decoder
                return nil
            }
            answerDecoder = nil
            switch frame {
            case .encryptionResponse(let byte):
                return .encryptionResponse(byte)
            case .message(let message):
                // A server that does not know SSLRequest answers with an ErrorResponse.
                var bytes = ByteBuffer()
                message.write(into: &bytes)
                return .frames(FrameBatch(validatedBytes: bytes))
            }
        }
        return try FrameHeader.readCompleteFrames(from: &buffer, maxMessageSize: maxMessageSize).map(BackendInput.frames)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> BackendInput? {
        if let input = try decode(buffer: &buffer) { return input }
        if seenEOF { buffer.moveReaderIndex(to: buffer.writerIndex) }
        return nil
    }
}
