import NIOCore
import PGWire

/// Builds the bytes to send in place of a frontend batch: the original frames where nothing changed (copied
/// in runs, or the original buffer itself when nothing changed at all) and replacement frames elsewhere.
struct FrameRewriter {
    /// The batch as the client sent it.
    let original: ByteBuffer
    /// The rewritten bytes so far; nil while nothing was replaced.
    private var output: ByteBuffer?
    /// Offset (from `original.readerIndex`) up to which `original` has been dealt with.
    private var copiedUpTo = 0

    init(original: ByteBuffer) {
        self.original = original
    }

    /// Replaces the frame at `offset` (relative to the batch start) of `length` bytes with `frames`.
    mutating func replace(frameAt offset: Int, length: Int, with frames: ByteBuffer) {
        var output = self.output ?? ByteBuffer()
        self.output = nil
        if offset > copiedUpTo, var run = original.getSlice(at: original.readerIndex + copiedUpTo, length: offset - copiedUpTo) {
            output.writeBuffer(&run)
        }
        var frames = frames
        output.writeBuffer(&frames)
        copiedUpTo = offset + length
        self.output = output
    }

    /// The bytes to send.
    func finish() -> ByteBuffer {
        guard var output else { return original }
        if var rest = original.getSlice(at: original.readerIndex + copiedUpTo, length: original.readableBytes - copiedUpTo) {
            output.writeBuffer(&rest)
        }
        return output
    }
}

/// Encoders for the frontend messages pgring writes on a client's behalf (PostgreSQL protocol 55.7,
/// "Message Formats"): renamed Parse, Bind, Describe and Close, and a replacement Query.
enum FrameWriter {
    /// Parse 'P': name, then the original payload tail (query string, parameter types).
    static func parse(name: String, body: ByteBuffer, into buffer: inout ByteBuffer) {
        frame(FrontendMessageID.parse.rawValue, into: &buffer) { payload in
            payload.writeString(name)
            payload.writeInteger(UInt8(0))
            var body = body
            payload.writeBuffer(&body)
        }
    }

    /// Bind 'B': portal, statement, then the original payload tail (formats, values, result formats).
    static func bind(portal: String, statement: String, rest: ByteBuffer, into buffer: inout ByteBuffer) {
        frame(FrontendMessageID.bind.rawValue, into: &buffer) { payload in
            payload.writeString(portal)
            payload.writeInteger(UInt8(0))
            payload.writeString(statement)
            payload.writeInteger(UInt8(0))
            var rest = rest
            payload.writeBuffer(&rest)
        }
    }

    /// Describe 'D' of a statement ('S') or portal ('P').
    static func describe(kind: UInt8, name: String, into buffer: inout ByteBuffer) {
        frame(FrontendMessageID.describe.rawValue, into: &buffer) { payload in
            payload.writeInteger(kind)
            payload.writeString(name)
            payload.writeInteger(UInt8(0))
        }
    }

    /// Close 'C' of a statement ('S') or portal ('P').
    static func close(kind: UInt8, name: String, into buffer: inout ByteBuffer) {
        frame(FrontendMessageID.close.rawValue, into: &buffer) { payload in
            payload.writeInteger(kind)
            payload.writeString(name)
            payload.writeInteger(UInt8(0))
        }
    }

    /// Query 'Q'.
    static func query(_ sql: String, into buffer: inout ByteBuffer) {
        frame(FrontendMessageID.query.rawValue, into: &buffer) { payload in
            payload.writeString(sql)
            payload.writeInteger(UInt8(0))
        }
    }

    /// Writes id, a length placeholder, the payload, then the real length.
    private static func frame(_ id: UInt8, into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        buffer.writeInteger(id)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        body(&buffer)
        buffer.setInteger(Int32(buffer.writerIndex - lengthIndex), at: lengthIndex)
    }
}
