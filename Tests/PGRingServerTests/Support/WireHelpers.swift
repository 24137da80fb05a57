import NIOCore
import PGWire
import Testing

// Helpers that turn PGWire encoders into the `RawMessage` values the state machines take, and
// handler output back into frames. Expected values in the tests are written out by hand.

/// Runs an encoder and returns the bytes it wrote.
func encodedBytes(_ encode: (inout ByteBuffer) -> Void) -> [UInt8] {
    var buffer = ByteBuffer()
    encode(&buffer)
    return Array(buffer.readableBytesView)
}

/// Runs a PGWire encoder that writes exactly one typed frame and decodes that frame into a `RawMessage`
/// with PGWire's `RawMessageDecoder`, as the handlers receive it.
func rawMessage(_ encode: (inout ByteBuffer) -> Void) throws -> RawMessage {
    var buffer = ByteBuffer()
    encode(&buffer)
    var decoder = RawMessageDecoder()
    let message = try #require(try decoder.decode(buffer: &buffer), "the encoder did not write a whole frame")
    #expect(buffer.readableBytes == 0, "the encoder wrote more than one frame")
    return message
}

/// A typed message with a hand-made payload.
func rawMessage(id: UInt8, payload: [UInt8]) -> RawMessage {
    RawMessage(id: id, payload: ByteBuffer(bytes: payload))
}

/// A typed message with a hand-made payload, id given as a character.
func rawMessage(_ id: Character, payload: [UInt8]) -> RawMessage {
    rawMessage(id: id.asciiValue ?? 0, payload: payload)
}

/// The UTF-8 bytes of `text` followed by a NUL.
func cstr(_ text: String) -> [UInt8] {
    Array(text.utf8) + [0]
}

/// Big-endian bytes of a 32-bit value.
func be32(_ value: Int32) -> [UInt8] {
    let bits = UInt32(bitPattern: value)
    return [UInt8(bits >> 24), UInt8((bits >> 16) & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)]
}

/// Splits a byte stream written by pgring towards a client into typed backend messages with PGWire's
/// `BackendFrameDecoder`. Records an issue if a frame is cut short or something is not a typed message.
func backendMessages(in bytes: [UInt8]) throws -> [RawMessage] {
    var buffer = ByteBuffer(bytes: bytes)
    var decoder = BackendFrameDecoder(expectEncryptionResponse: false)
    var messages: [RawMessage] = []
    while let frame = try decoder.decode(buffer: &buffer) {
        switch frame {
        case .message(let message):
            messages.append(message)
        case .encryptionResponse(let byte):
            Issue.record("unexpected encryption response byte \(byte)")
        }
    }
    #expect(buffer.readableBytes == 0, "a trailing partial frame of \(buffer.readableBytes) bytes")
    return messages
}

/// The type bytes of `messages` as a string, e.g. "vR", for compact assertions.
func typeLetters(_ messages: [RawMessage]) -> String {
    String(messages.map { Character(UnicodeScalar($0.id)) })
}

/// The `s=` and `i=` attributes of a SCRAM server-first-message (`r=...,s=...,i=...`).
func saltAndIterations(ofServerFirst bytes: [UInt8]) -> (salt: String, iterations: String)? {
    let text = String(decoding: bytes, as: UTF8.self)
    var salt: String?
    var iterations: String?
    for attribute in text.split(separator: ",") {
        if attribute.hasPrefix("s=") { salt = String(attribute.dropFirst(2)) }
        if attribute.hasPrefix("i=") { iterations = String(attribute.dropFirst(2)) }
    }
    guard let salt, let iterations else { return nil }
    return (salt, iterations)
}
