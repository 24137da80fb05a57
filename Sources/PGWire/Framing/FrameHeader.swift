import NIOCore

/// The two header shapes of the protocol, validated before a body is buffered.
///
/// Both functions peek (they never move the reader index unless a whole frame is present), so a partial
/// frame leaves the buffer untouched and the caller returns "need more data". Lengths are checked against
/// the limits as soon as the 4 length bytes are present, so an oversized frame fails fast instead of
/// being buffered.
enum FrameHeader {
    /// Reads one whole startup-phase packet (Int32 length counting itself, then the body), returning the body
    /// (the bytes after the length word), or nil if the packet is not complete yet.
    static func readStartupPacketBody(from buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let lengthField = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        let length = Int(lengthField)
        guard length >= WireLimits.minStartupPacketLength else { throw WireProtocolError.invalidLength(length) }
        // length >= 8 here, so the subtraction cannot overflow.
        let bodyLength = length - 4
        guard bodyLength <= WireLimits.maxStartupPacketLength else { throw WireProtocolError.startupPacketTooLarge }
        guard buffer.readableBytes >= length else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: bodyLength)
    }

    /// Reads one whole typed message (id byte, Int32 length counting itself, payload), or nil if it is not
    /// complete yet.
    static func readTypedMessage(from buffer: inout ByteBuffer, maxMessageSize: Int) throws -> RawMessage? {
        guard let id = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let lengthField = buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self)
        else { return nil }
        let length = Int(lengthField)
        guard length >= WireLimits.minMessageLength else { throw WireProtocolError.invalidLength(length) }
        guard length <= maxMessageSize else { throw WireProtocolError.messageTooLarge(length, limit: maxMessageSize) }
        let (frameLength, overflow) = length.addingReportingOverflow(1)
        guard !overflow else { throw WireProtocolError.messageTooLarge(length, limit: maxMessageSize) }
        guard buffer.readableBytes >= frameLength else { return nil }
        buffer.moveReaderIndex(forwardBy: WireLimits.messageHeaderSize)
        guard let payload = buffer.readSlice(length: length - WireLimits.minMessageLength) else { return nil }
        return RawMessage(id: id, payload: payload)
    }

    /// Checks a configured `maxMessageSize`: our own configuration, so a bad value is a programming error.
    static func checkConfiguredLimit(_ maxMessageSize: Int) {
        precondition(
            maxMessageSize >= WireLimits.minMessageLength && maxMessageSize <= Int(Int32.max),
            "maxMessageSize must be within 4...Int32.max"
        )
    }
}
