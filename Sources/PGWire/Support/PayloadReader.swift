import NIOCore

/// Bounds-checked cursor over one message payload. Every read either succeeds or throws
/// `WireProtocolError.malformed` naming the message, so typed decoders never trap on peer input.
struct PayloadReader {
    /// How strings are turned into `String`.
    enum UTF8Handling {
        /// Invalid UTF-8 is an error. Used where the text is compared against configuration or secrets
        /// (startup parameters, passwords, SASL mechanism names), so two different byte strings can never
        /// decode to the same `String`.
        case strict
        /// Invalid sequences become U+FFFD. Used for text pgring only inspects (SQL, statement names, error
        /// fields): the raw frame is what gets forwarded, so this never alters what a peer receives, and a
        /// client running with a non-UTF-8 `client_encoding` still gets through.
        case lossy
    }

    /// The bytes not read yet.
    private(set) var buffer: ByteBuffer
    /// The message name used in error texts, e.g. "Bind".
    let messageName: String

    /// Starts reading `payload` of the message named `messageName`.
    init(_ payload: ByteBuffer, messageName: String) {
        self.buffer = payload
        self.messageName = messageName
    }

    /// Number of bytes still unread.
    var remaining: Int { self.buffer.readableBytes }

    /// A `malformed` error whose text names this message.
    func error(_ what: String) -> WireProtocolError {
        .malformed("invalid \(self.messageName) message: \(what)")
    }

    /// Reads one byte.
    mutating func readUInt8() throws -> UInt8 {
        guard let value = self.buffer.readInteger(as: UInt8.self) else { throw self.error("insufficient data left in message") }
        return value
    }

    /// Reads a big-endian Int16.
    mutating func readInt16() throws -> Int16 {
        guard let value = self.buffer.readInteger(as: Int16.self) else { throw self.error("insufficient data left in message") }
        return value
    }

    /// Reads a big-endian UInt16 (PostgreSQL reads message counts as unsigned 16-bit).
    mutating func readUInt16() throws -> UInt16 {
        guard let value = self.buffer.readInteger(as: UInt16.self) else { throw self.error("insufficient data left in message") }
        return value
    }

    /// Reads a big-endian Int32.
    mutating func readInt32() throws -> Int32 {
        guard let value = self.buffer.readInteger(as: Int32.self) else { throw self.error("insufficient data left in message") }
        return value
    }

    /// Reads a big-endian UInt32 (object IDs).
    mutating func readUInt32() throws -> UInt32 {
        guard let value = self.buffer.readInteger(as: UInt32.self) else { throw self.error("insufficient data left in message") }
        return value
    }

    /// Reads exactly `count` bytes as a slice sharing storage with the frame.
    mutating func readSlice(count: Int) throws -> ByteBuffer {
        guard count >= 0, count <= self.buffer.readableBytes, let slice = self.buffer.readSlice(length: count) else {
            throw self.error("insufficient data left in message")
        }
        return slice
    }

    /// Reads exactly `count` bytes as an array.
    mutating func readBytes(count: Int) throws -> [UInt8] {
        guard count >= 0, count <= self.buffer.readableBytes, let bytes = self.buffer.readBytes(length: count) else {
            throw self.error("insufficient data left in message")
        }
        return bytes
    }

    /// Reads every remaining byte.
    mutating func readRemainingBytes() -> [UInt8] {
        self.buffer.readBytes(length: self.buffer.readableBytes) ?? []
    }

    /// Ensures a list of `count` elements of at least `minimumElementSize` bytes each can fit in what is
    /// left, before anything is allocated for it (a peer-sent count must never size an allocation alone).
    func requireRoom(forCount count: Int, minimumElementSize: Int, what: String) throws {
        let (needed, overflow) = count.multipliedReportingOverflow(by: minimumElementSize)
        guard !overflow, count >= 0, needed <= self.buffer.readableBytes else {
            throw self.error("\(what) count \(count) overruns the message")
        }
    }

    /// Reads a NUL-terminated string and consumes the terminator.
    mutating func readCString(_ handling: UTF8Handling) throws -> String {
        guard let nulOffset = self.buffer.readableBytesView.firstIndex(of: 0) else {
            throw self.error("unterminated string (missing NUL)")
        }
        let length = nulOffset - self.buffer.readableBytesView.startIndex
        guard let bytes = self.buffer.readSlice(length: length) else {
            throw self.error("insufficient data left in message")
        }
        self.buffer.moveReaderIndex(forwardBy: 1)
        return try self.makeString(bytes.readableBytesView, handling)
    }

    /// Turns bytes into a `String` according to `handling`.
    func makeString(_ bytes: ByteBufferView, _ handling: UTF8Handling) throws -> String {
        let string = String(decoding: bytes, as: UTF8.self)
        switch handling {
        case .lossy:
            return string
        case .strict:
            // Lossy decoding replaces every invalid sequence with U+FFFD, so the round trip is byte-identical
            // exactly when the input was valid UTF-8.
            guard string.utf8.elementsEqual(bytes) else { throw self.error("invalid UTF-8 in string") }
            return string
        }
    }

    /// Requires that every payload byte was consumed.
    func finish() throws {
        guard self.buffer.readableBytes == 0 else {
            throw self.error("\(self.buffer.readableBytes) unexpected trailing byte(s)")
        }
    }
}
