import NIOCore
import PGWire

extension Optional where Wrapped == ByteBuffer {
    /// Appends bytes to what is pending for the other side in this read cycle; the first batch is
    /// kept as is (no copy), later ones are written after it.
    mutating func appendFrames(_ bytes: ByteBuffer) {
        guard var buffer = self else {
            self = bytes
            return
        }
        self = nil  // keep `buffer` uniquely referenced so the write does not copy it
        var more = bytes
        buffer.writeBuffer(&more)
        self = buffer
    }
}

extension RawMessage {
    /// The message as a whole frame (id, length, payload), for the slow paths that handle one message at a time.
    func frame(allocator: ByteBufferAllocator) -> ByteBuffer {
        var bytes = allocator.buffer(capacity: totalLength)
        write(into: &bytes)
        return bytes
    }
}
