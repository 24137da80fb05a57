import NIOCore
import PGWire
import Testing

/// `BackendFrameDecoder` (PostgreSQL -> pgring): the encryption answer byte, then typed messages.
@Suite struct BackendFrameDecoderTests {
    static let authOk = BackendFrame.message(raw("R", be32(0)))
    static let idle = BackendFrame.message(raw("Z", [0x49]))

    @Test func sslAcceptedAloneThenMessagesInLaterReads() {
        for messageChunks in splits(of: goldenAuthenticationOk + goldenReadyForQueryIdle) {
            let result = runPipeline(BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: true), chunks: [[0x53]] + messageChunks)
            #expect(result.error == nil)
            #expect(result.outputs == [.encryptionResponse(0x53), Self.authOk, Self.idle])
        }
    }

    @Test(arguments: [UInt8(0x53), UInt8(0x47)])
    func bytesInTheSameReadAsAnAcceptedEncryptionResponseAreRefused(answer: UInt8) {
        // CVE-2021-23222: a man-in-the-middle appends AuthenticationOk to the server's 'S'.
        let result = runPipeline(
            BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: true),
            chunks: [[answer] + goldenAuthenticationOk]
        )
        #expect(result.error as? WireProtocolError == .bytesAfterEncryptionResponse)
        #expect(result.outputs.isEmpty)
    }

    @Test func refusedEncryptionThenPlaintextMessagesUnderEverySplit() {
        let stream: [UInt8] = [0x4E] + goldenAuthenticationOk + goldenReadyForQueryIdle
        for chunks in splits(of: stream) {
            let result = runPipeline(BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: true), chunks: chunks)
            #expect(result.error == nil)
            #expect(result.outputs == [.encryptionResponse(0x4E), Self.authOk, Self.idle])
        }
    }

    @Test func errorResponseInsteadOfAnEncryptionAnswerIsDecodedAsAMessage() {
        // A server that predates SSL support answers the SSLRequest with an ErrorResponse.
        let payload: [UInt8] = [0x53] + cstr("FATAL") + [0x4D] + cstr("unsupported frontend protocol") + [0]
        for chunks in splits(of: frame("E", payload)) {
            let result = runPipeline(BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: true), chunks: chunks)
            #expect(result.error == nil)
            #expect(result.outputs == [.message(raw("E", payload))])
        }
    }

    @Test(arguments: [UInt8(0x00), UInt8(0x52), UInt8(0x73), UInt8(0xFF)])
    func anyOtherAnswerByteIsRefused(answer: UInt8) {
        let result = runPipeline(BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: true), chunks: [[answer]])
        #expect(result.error as? WireProtocolError == .unexpectedEncryptionResponse(answer))
    }

    @Test func emptyReadWaitsForTheAnswer() throws {
        var decoder = BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: true)
        var empty = ByteBuffer()
        #expect(try decoder.decode(buffer: &empty) == nil)
        var answer = buffer([0x4E])
        #expect(try decoder.decode(buffer: &answer) == .encryptionResponse(0x4E))
    }

    @Test(arguments: [
        (Int32(3), WireProtocolError.invalidLength(3)),
        (Int32(-1), WireProtocolError.invalidLength(-1)),
        (Int32.max, WireProtocolError.messageTooLarge(Int(Int32.max), limit: 4096)),
    ])
    func badLengthsAreRefused(length: Int32, error: WireProtocolError) {
        let result = runPipeline(BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: false), chunks: [[0x44] + be32(length)])
        #expect(result.error as? WireProtocolError == error)
    }

    @Test func truncatedMessageRewindsAndWaits() throws {
        var decoder = BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: false)
        for cut in 0..<goldenReadyForQueryIdle.count {
            var partial = buffer(Array(goldenReadyForQueryIdle[..<cut]))
            #expect(try decoder.decode(buffer: &partial) == nil)
            #expect(partial.readableBytes == cut)
        }
        var whole = buffer(goldenReadyForQueryIdle + [0x5A])
        #expect(try decoder.decode(buffer: &whole) == Self.idle)
        #expect(whole.readableBytes == 1, "exactly one frame consumed")
    }
}
