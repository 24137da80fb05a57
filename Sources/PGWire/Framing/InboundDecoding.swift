import NIOCore

/// The bytes one connection has read, cut into a decoder's outputs, for a handler that decodes its own
/// input instead of sitting behind NIO's `ByteToMessageHandler`.
///
/// Why: on the relay's hot path `ByteToMessageHandler` cost about a third of pgring's user-space time per
/// transaction (an extra pipeline step per read, unspecialized generic code with runtime metadata lookups,
/// and a type-erased hand-over of every output that ends in a dynamic cast). Used inline, with a concrete
/// decoder, all of that goes away; the decoder itself is unchanged (and still verified on its own with
/// `ByteToMessageDecoderVerifier`).
///
/// The contract is `ByteToMessageHandler`'s, for decoders that consume what they return:
/// - outputs come in arrival order; a partial frame waits for the next ``append(_:)``;
/// - when nothing is left over, a read's buffer is decoded in place (the outputs are slices of it, no copy);
/// - a decoder error is final: ``next()`` throws it once, then returns nil and ``append(_:)`` drops bytes;
/// - ``finish()`` (end of stream) drops an incomplete trailing frame, as the decoders' `decodeLast` does.
///
/// Not thread-safe: owned by one channel handler on its event loop.
public struct InboundDecoding<Decoder: NIOSingleStepByteToMessageDecoder> {
    @usableFromInline var decoder: Decoder
    /// Bytes read but not decoded yet (nil when none).
    @usableFromInline var pending: ByteBuffer?
    @usableFromInline var failed = false

    @inlinable
    public init(_ decoder: Decoder) {
        self.decoder = decoder
    }

    /// True after the decoder threw: the stream is not decoded any further.
    @inlinable
    public var hasFailed: Bool { failed }

    /// Bytes waiting for the rest of their frame.
    @inlinable
    public var bufferedBytes: Int { pending?.readableBytes ?? 0 }

    /// Adds the bytes of one read.
    @inlinable
    public mutating func append(_ bytes: ByteBuffer) {
        guard !failed, bytes.readableBytes > 0 else { return }
        guard var buffer = pending else {
            pending = bytes
            return
        }
        pending = nil  // one reference, so the write below does not copy the storage for nothing
        // Drop the decoded prefix first: a stream of reads that each end in a partial frame must not
        // grow the buffer by the size of everything decoded before.
        buffer.discardReadBytes()
        var incoming = bytes
        buffer.writeBuffer(&incoming)
        pending = buffer
    }

    /// The next output, or nil when the buffered bytes do not make one yet (or after an error).
    @inlinable
    public mutating func next() throws -> Decoder.InboundOut? {
        guard !failed, var buffer = pending else { return nil }
        pending = nil
        do {
            let output = try decoder.decode(buffer: &buffer)
            if buffer.readableBytes > 0 { pending = buffer }
            return output
        } catch {
            failed = true
            throw error
        }
    }

    /// End of stream: what is buffered can never complete; drop it.
    @inlinable
    public mutating func finish() {
        pending = nil
    }
}
