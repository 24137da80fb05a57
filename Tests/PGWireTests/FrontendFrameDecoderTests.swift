import NIOCore
import PGWire
import Testing

/// Phase handling and bad input of `FrontendFrameDecoder` (client -> pgring).
@Suite struct FrontendFrameDecoderTests {
    static let aliceShop = StartupMessage(parameters: [
        StartupParameter(name: "user", value: "alice"), StartupParameter(name: "database", value: "shop"),
    ])

    // MARK: phase transitions, under every split of the stream

    @Test func startupThenTypedMessagesUnderEverySplit() {
        let stream = goldenStartupAliceShop + goldenQuerySelect1 + goldenSync + goldenTerminate
        let expected: [FrontendFrame] = [
            .startup(.startup(Self.aliceShop)),
            .message(raw("Q", cstr("SELECT 1"))),
            .message(raw("S", [])),
            .message(raw("X", [])),
        ]
        for chunks in splits(of: stream) {
            let result = runPipeline(FrontendFrameDecoder(), chunks: chunks)
            #expect(result.error == nil, "chunks \(chunks.map(\.count))")
            #expect(result.outputs == expected, "chunks \(chunks.map(\.count))")
        }
    }

    @Test func sslRequestThenStartupInLaterReadsIsAccepted() {
        // The SSLRequest arrives alone (possibly drip-fed); the StartupMessage comes in a later read,
        // which in production is after TLS was put in front of the decoder.
        for sslChunks in splits(of: goldenSSLRequest) {
            for startupChunks in splits(of: goldenStartupAliceShop + goldenQuerySelect1).prefix(6) {
                let result = runPipeline(FrontendFrameDecoder(), chunks: sslChunks + startupChunks)
                #expect(result.error == nil)
                #expect(result.outputs == [.startup(.sslRequest), .startup(.startup(Self.aliceShop)), .message(raw("Q", cstr("SELECT 1")))])
            }
        }
    }

    @Test(arguments: [goldenSSLRequest, goldenGSSENCRequest])
    func bytesInTheSameReadAsAnEncryptionRequestAreRefused(request: [UInt8]) {
        // CVE-2021-23214: a StartupMessage (or anything) piggy-backed on the SSLRequest.
        let result = runPipeline(FrontendFrameDecoder(), chunks: [request + goldenStartupAliceShop])
        #expect(result.error as? WireProtocolError == .bytesAfterEncryptionRequest)
        #expect(result.outputs.isEmpty, "the request must not be answered when it was followed by plaintext")

        // Even one extra byte, and even when the request itself was split over two reads.
        let split = runPipeline(FrontendFrameDecoder(), chunks: [Array(request[..<3]), Array(request[3...]) + [0x00]])
        #expect(split.error as? WireProtocolError == .bytesAfterEncryptionRequest)
        #expect(split.outputs.isEmpty)
    }

    @Test func gssEncRequestAloneIsDecoded() {
        let result = runPipeline(FrontendFrameDecoder(), chunks: [goldenGSSENCRequest])
        #expect(result.error == nil)
        #expect(result.outputs == [.startup(.gssEncRequest)])
    }

    @Test func cancelRequestIsFinal() {
        let cancel = FrontendFrame.startup(.cancel(CancelRequest(processID: 4242, secretKey: [0xDE, 0xAD, 0xBE, 0xEF])))
        let alone = runPipeline(FrontendFrameDecoder(), chunks: [goldenCancelRequest])
        #expect(alone.error == nil)
        #expect(alone.outputs == [cancel])

        let sameRead = runPipeline(FrontendFrameDecoder(), chunks: [goldenCancelRequest + [0x00]])
        #expect(sameRead.error as? WireProtocolError == .bytesAfterCancelRequest)
        #expect(sameRead.outputs.isEmpty)

        let laterRead = runPipeline(FrontendFrameDecoder(), chunks: [goldenCancelRequest, goldenQuerySelect1])
        #expect(laterRead.error as? WireProtocolError == .bytesAfterCancelRequest)
        #expect(laterRead.outputs == [cancel])
    }

    // MARK: partial frames rewind

    @Test func truncatedStartupPacketRewindsAndWaits() throws {
        var decoder = FrontendFrameDecoder()
        for cut in 0..<goldenStartupAliceShop.count {
            var partial = buffer(Array(goldenStartupAliceShop[..<cut]))
            let readerIndexBefore = partial.readerIndex
            #expect(try decoder.decode(buffer: &partial) == nil)
            #expect(partial.readerIndex == readerIndexBefore, "nothing consumed at cut \(cut)")
        }
        var whole = buffer(goldenStartupAliceShop)
        #expect(try decoder.decode(buffer: &whole) == .startup(.startup(Self.aliceShop)))
        #expect(whole.readableBytes == 0, "every byte consumed")
    }

    @Test func truncatedTypedMessageRewindsAndWaits() throws {
        var decoder = FrontendFrameDecoder(startingIn: .messages)
        for cut in 0..<goldenQuerySelect1.count {
            var partial = buffer(Array(goldenQuerySelect1[..<cut]))
            #expect(try decoder.decode(buffer: &partial) == nil)
            #expect(partial.readableBytes == cut, "nothing consumed at cut \(cut)")
        }
    }

    @Test func partialFrameAtEOFIsDroppedWithoutError() {
        let result = runPipeline(
            FrontendFrameDecoder(),
            chunks: [goldenStartupAliceShop + goldenQuerySelect1 + Array(goldenSync[..<3])]
        )
        #expect(result.error == nil)
        #expect(result.outputs == [.startup(.startup(Self.aliceShop)), .message(raw("Q", cstr("SELECT 1")))])
    }

    // MARK: bad lengths

    @Test(arguments: [
        (Int32(3), WireProtocolError.invalidLength(3)),
        (Int32(0), WireProtocolError.invalidLength(0)),
        (Int32(-1), WireProtocolError.invalidLength(-1)),
        (Int32.min, WireProtocolError.invalidLength(Int(Int32.min))),
        (Int32.max, WireProtocolError.messageTooLarge(Int(Int32.max), limit: 1 << 20)),
        (Int32((1 << 20) + 1), WireProtocolError.messageTooLarge((1 << 20) + 1, limit: 1 << 20)),
    ])
    func badTypedMessageLengthIsRefusedAsSoonAsTheHeaderArrives(length: Int32, error: WireProtocolError) {
        // Only the 5 header bytes are sent: an oversized frame must fail before its body is buffered.
        let result = runPipeline(FrontendFrameDecoder(maxMessageSize: 1 << 20, startingIn: .messages), chunks: [[0x51] + be32(length)])
        #expect(result.error as? WireProtocolError == error)
        #expect(result.outputs.isEmpty)
    }

    @Test func typedMessageAtExactlyTheLimitIsAccepted() {
        let payload = [UInt8](repeating: 0x61, count: 60) + [0]
        let result = runPipeline(FrontendFrameDecoder(maxMessageSize: 65, startingIn: .messages), chunks: [frame("Q", payload)])
        #expect(result.error == nil)
        #expect(result.outputs == [.message(raw("Q", payload))])
        let over = runPipeline(FrontendFrameDecoder(maxMessageSize: 64, startingIn: .messages), chunks: [frame("Q", payload)])
        #expect(over.error as? WireProtocolError == .messageTooLarge(65, limit: 64))
    }

    @Test func defaultLimitRefusesLengthJustOver256MiB() {
        let result = runPipeline(FrontendFrameDecoder(startingIn: .messages), chunks: [[0x51] + be32(256 * 1024 * 1024 + 1)])
        #expect(result.error as? WireProtocolError == .messageTooLarge(256 * 1024 * 1024 + 1, limit: 256 * 1024 * 1024))
    }

    @Test(arguments: [Int32(7), Int32(4), Int32(3), Int32(0), Int32(-8), Int32.min])
    func startupLengthBelowEightIsInvalid(length: Int32) {
        let result = runPipeline(FrontendFrameDecoder(), chunks: [be32(length) + [0, 3, 0, 0]])
        #expect(result.error as? WireProtocolError == .invalidLength(Int(length)))
    }

    @Test func startupPacketLongerThan10000BytesIsRefusedBeforeBuffering() {
        // Like PostgreSQL, the limit is on the bytes after the length word: 10,004 is the largest length field.
        let result = runPipeline(FrontendFrameDecoder(), chunks: [be32(10_005)])
        #expect(result.error as? WireProtocolError == .startupPacketTooLarge)
        let huge = runPipeline(FrontendFrameDecoder(), chunks: [be32(Int32.max)])
        #expect(huge.error as? WireProtocolError == .startupPacketTooLarge)
    }

    @Test func startupPacketOfExactly10004BytesIsAccepted() {
        // user=<long value> padded so the length field is exactly 10,004:
        // 4 (len) + 4 (version) + "user\0" (5) + value + NUL (1) + terminator (1) = 10,004 -> value 9,989 bytes.
        let value = String(repeating: "u", count: 9_989)
        let bytes = be32(10_004) + [0, 3, 0, 0] + cstr("user") + cstr(value) + [0]
        #expect(bytes.count == 10_004)
        let result = runPipeline(FrontendFrameDecoder(), chunks: [bytes])
        #expect(result.error == nil)
        guard case .startup(.startup(let message)) = result.outputs.first else {
            Issue.record("expected a StartupMessage, got \(result.outputs.count) frame(s)")
            return
        }
        #expect(message.user?.count == 9_989)
        #expect(message.user == value)
    }

    @Test func typedMessageSentBeforeStartupIsGarbage() {
        // 'Q' 00 00 00 read as a startup length is 0x51000000 = 1,358,954,496 bytes.
        let result = runPipeline(FrontendFrameDecoder(), chunks: [goldenQuerySelect1])
        #expect(result.error as? WireProtocolError == .startupPacketTooLarge)
        #expect(result.outputs.isEmpty)
    }

    @Test func httpRequestBeforeStartupIsGarbage() {
        // "GET " = 0x47455420 as a length.
        let result = runPipeline(FrontendFrameDecoder(), chunks: [ascii("GET / HTTP/1.1\r\n\r\n")])
        #expect(result.error as? WireProtocolError == .startupPacketTooLarge)
    }

    // MARK: startup packet contents

    @Test func startupWithoutUserIsDecodedForTheHandlerToReject() throws {
        let bytes = be32(4 + 4 + 14 + 1) + [0, 3, 0, 0] + cstr("database") + cstr("shop") + [0]
        let result = runPipeline(FrontendFrameDecoder(), chunks: [bytes])
        #expect(result.error == nil)
        guard case .startup(.startup(let message)) = result.outputs.first else {
            Issue.record("expected a StartupMessage, got \(result.outputs)")
            return
        }
        #expect(message.user == nil)
        #expect(message.database == "shop")
    }

    @Test func protocol2IsUnsupported() {
        let bytes = be32(4 + 4 + 11 + 1) + [0, 2, 0, 0] + cstr("user") + cstr("alice") + [0]
        let result = runPipeline(FrontendFrameDecoder(), chunks: [bytes])
        #expect(result.error as? WireProtocolError == .unsupportedProtocolVersion(0x0002_0000))
    }

    @Test func protocol4IsUnsupported() {
        let bytes = be32(4 + 4 + 1) + [0, 4, 0, 0] + [0]
        let result = runPipeline(FrontendFrameDecoder(), chunks: [bytes])
        #expect(result.error as? WireProtocolError == .unsupportedProtocolVersion(0x0004_0000))
    }

    @Test func newerMinorVersionIsAcceptedForNegotiation() {
        let bytes = be32(4 + 4 + 11 + 1) + [0, 3, 0, 2] + cstr("user") + cstr("alice") + [0]
        let result = runPipeline(FrontendFrameDecoder(), chunks: [bytes])
        #expect(result.error == nil)
        guard case .startup(.startup(let message)) = result.outputs.first else {
            Issue.record("expected a StartupMessage")
            return
        }
        #expect(message.protocolVersion == 196_610)
        #expect(message.majorVersion == 3)
        #expect(message.minorVersion == 2)
    }
}
