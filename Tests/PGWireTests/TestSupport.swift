import NIOCore
import PGWire

// Helpers that build expected bytes by hand, independently of the encoders under test.

/// A ByteBuffer holding `bytes`.
func buffer(_ bytes: [UInt8]) -> ByteBuffer {
    ByteBuffer(bytes: bytes)
}

/// The ASCII/UTF-8 bytes of `text` followed by a NUL.
func cstr(_ text: String) -> [UInt8] {
    Array(text.utf8) + [0]
}

/// The ASCII/UTF-8 bytes of `text`, no terminator.
func ascii(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Big-endian bytes of a 32-bit value.
func be32(_ value: Int32) -> [UInt8] {
    let bits = UInt32(bitPattern: value)
    return [UInt8(bits >> 24), UInt8((bits >> 16) & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)]
}

/// Big-endian bytes of a 16-bit value.
func be16(_ value: Int16) -> [UInt8] {
    let bits = UInt16(bitPattern: value)
    return [UInt8(bits >> 8), UInt8(bits & 0xFF)]
}

/// A typed frame built by hand: id, Int32 length (payload + 4), payload.
func frame(_ id: Character, _ payload: [UInt8]) -> [UInt8] {
    [id.asciiValue ?? 0] + be32(Int32(payload.count + 4)) + payload
}

/// Runs an encoder closure and returns the bytes it wrote.
func encoded(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
    var out = ByteBuffer()
    write(&out)
    return Array(out.readableBytesView)
}

/// A RawMessage with `id` and `payload`.
func raw(_ id: Character, _ payload: [UInt8]) -> RawMessage {
    RawMessage(id: id.asciiValue ?? 0, payload: buffer(payload))
}

/// What a decoder produced when fed a stream of writes.
struct PipelineResult<Output> {
    /// Outputs in order, including those produced before an error.
    var outputs: [Output]
    /// The first error reported, if any.
    var error: (any Error)?
}

/// Feeds `chunks` one read at a time through NIO's `NIOSingleStepByteToMessageProcessor` (the same
/// decode loop as `ByteToMessageHandler`, without a channel), then signals EOF.
/// (`ByteToMessageHandler` itself is exercised by `ByteToMessageDecoderVerifier` in the verifier tests.)
func runPipeline<Decoder: NIOSingleStepByteToMessageDecoder>(
    _ decoder: Decoder,
    chunks: [[UInt8]]
) -> PipelineResult<Decoder.InboundOut> {
    let processor = NIOSingleStepByteToMessageProcessor(decoder)
    var outputs: [Decoder.InboundOut] = []
    do {
        for chunk in chunks {
            try processor.process(buffer: buffer(chunk)) { outputs.append($0) }
        }
        try processor.finishProcessing(seenEOF: true) { outputs.append($0) }
        return PipelineResult(outputs: outputs, error: nil)
    } catch {
        return PipelineResult(outputs: outputs, error: error)
    }
}

/// Every way of cutting `bytes` that a test should survive: all at once, byte by byte, and every single
/// split point into two writes.
func splits(of bytes: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
    if bytes.count > 1 {
        for cut in 1..<bytes.count {
            result.append([Array(bytes[..<cut]), Array(bytes[cut...])])
        }
    }
    return result
}
