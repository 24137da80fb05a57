import NIOCore
import NIOTestUtils
import PGWire
import Testing

/// Every frame decoder through NIO's `ByteToMessageDecoderVerifier`, which runs it inside a real
/// `ByteToMessageHandler` and feeds the inputs whole, drip-fed byte by byte, and many at once.
///
/// The verifier reuses one decoder for all inputs in shuffled order, so the stateful decoders are
/// verified in the phase that repeats (typed messages); their phase transitions are tested in
/// FrontendFrameDecoderTests / BackendFrameDecoderTests with every split point.
@Suite struct DecoderVerifierTests {
    /// Typed messages of both directions, including ones pgring never inspects and an empty payload.
    static let typedPairs: [([UInt8], RawMessage)] = [
        (goldenQuerySelect1, raw("Q", cstr("SELECT 1"))),
        (goldenSync, raw("S", [])),
        (goldenTerminate, raw("X", [])),
        (frame("d", [1, 2, 3, 0, 0xFF]), raw("d", [1, 2, 3, 0, 0xFF])),  // CopyData with NULs
        (frame("c", []), raw("c", [])),  // CopyDone
        (frame("F", be32(1234) + be16(0) + be16(0) + be16(0)), raw("F", be32(1234) + be16(0) + be16(0) + be16(0))),  // FunctionCall
        (frame("?", [7]), raw("?", [7])),  // an id protocol 3.0 does not define: still passed through
    ]

    @Test func rawMessageDecoder() throws {
        let pairs = Self.typedPairs.map { (buffer($0.0), [$0.1]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { RawMessageDecoder() })
    }

    @Test func frontendFrameDecoderInMessagePhase() throws {
        let pairs = Self.typedPairs.map { (buffer($0.0), [FrontendFrame.message($0.1)]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: pairs,
            decoderFactory: { FrontendFrameDecoder(maxMessageSize: 1024, startingIn: .messages) }
        )
    }

    @Test func frontendFrameDecoderStartupPhaseSSLRequests() throws {
        // In the startup phase an SSLRequest keeps the phase, so it is the one startup-phase input the
        // verifier can repeat. Its whole and drip-fed passes succeed; its "many at once" pass puts the next
        // SSLRequest in the same buffer as the first, which is exactly the CVE-2021-23214 situation, and
        // ByteToMessageHandler must surface our error.
        #expect(throws: WireProtocolError.bytesAfterEncryptionRequest) {
            try ByteToMessageDecoderVerifier.verifyDecoder(
                inputOutputPairs: [(buffer(goldenSSLRequest), [FrontendFrame.startup(.sslRequest)])],
                decoderFactory: { FrontendFrameDecoder() }
            )
        }
    }

    @Test func startupPacketDecoder() throws {
        let cancel = CancelRequest(processID: 4242, secretKey: [0xDE, 0xAD, 0xBE, 0xEF])
        let startup = StartupMessage(parameters: [
            StartupParameter(name: "user", value: "alice"), StartupParameter(name: "database", value: "shop"),
        ])
        let pairs: [(ByteBuffer, [StartupPacket])] = [
            (buffer(goldenStartupAliceShop), [.startup(startup)]),
            (buffer(goldenSSLRequest), [.sslRequest]),
            (buffer(goldenGSSENCRequest), [.gssEncRequest]),
            (buffer(goldenCancelRequest), [.cancel(cancel)]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { StartupPacketDecoder() })
    }

    @Test func backendFrameDecoderWithoutEncryptionResponse() throws {
        let pairs: [(ByteBuffer, [BackendFrame])] = [
            (buffer(goldenAuthenticationOk), [.message(raw("R", be32(0)))]),
            (buffer(goldenReadyForQueryIdle), [.message(raw("Z", [0x49]))]),
            (buffer(frame("S", cstr("TimeZone") + cstr("UTC"))), [.message(raw("S", cstr("TimeZone") + cstr("UTC")))]),
            (buffer(frame("2", [])), [.message(raw("2", []))]),  // BindComplete
            (buffer(frame("V", be32(-1))), [.message(raw("V", be32(-1)))]),  // FunctionCallResponse NULL
            (buffer(frame("v", be32(0) + be32(0))), [.message(raw("v", be32(0) + be32(0)))]),  // NegotiateProtocolVersion
            (buffer(frame("W", [0] + be16(0))), [.message(raw("W", [0] + be16(0)))]),  // CopyBothResponse
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: pairs,
            decoderFactory: { BackendFrameDecoder(maxMessageSize: 4096, expectEncryptionResponse: false) }
        )
    }
}
