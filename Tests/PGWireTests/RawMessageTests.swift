import NIOCore
import PGWire
import Testing

/// `RawMessage`: forwarding is byte-identical; ids map to the protocol enums.
@Suite struct RawMessageTests {
    @Test func writeReEmitsTheSameBytes() throws {
        let stream = goldenQuerySelect1 + frame("d", [0, 1, 2, 0xFF]) + goldenSync + frame("?", [])
        var decoder = RawMessageDecoder()
        var input = buffer(stream)
        var output = ByteBuffer()
        var count = 0
        while let message = try decoder.decode(buffer: &input) {
            message.write(into: &output)
            count += 1
        }
        #expect(count == 4)
        #expect(Array(output.readableBytesView) == stream)
    }

    @Test func lengths() {
        let message = raw("Q", cstr("SELECT 1"))
        #expect(message.totalLength == 14)
        #expect(message.lengthField == 13)
        #expect(raw("S", []).totalLength == 5)
    }

    @Test func ids() {
        #expect(raw("Q", []).frontendID == .query)
        #expect(raw("p", []).frontendID == .password)
        #expect(raw("Z", []).backendID == .readyForQuery)
        #expect(raw("?", []).frontendID == nil)
        #expect(raw("?", []).backendID == nil)
        #expect(RawMessage(id: FrontendMessageID.copyFail, payload: ByteBuffer()).id == 0x66)
        #expect(RawMessage(id: BackendMessageID.copyBothResponse, payload: ByteBuffer()).id == 0x57)
    }

    /// Every id of protocol 3.0, spelled out from the "Message Formats" page.
    @Test func frontendIDsMatchTheProtocol() {
        let expected: [FrontendMessageID: Character] = [
            .bind: "B", .close: "C", .copyData: "d", .copyDone: "c", .copyFail: "f", .describe: "D", .execute: "E",
            .flush: "H", .functionCall: "F", .password: "p", .parse: "P", .query: "Q", .sync: "S", .terminate: "X",
        ]
        #expect(FrontendMessageID.allCases.count == expected.count)
        for (id, letter) in expected {
            #expect(id.rawValue == letter.asciiValue, "\(id)")
        }
    }

    @Test func backendIDsMatchTheProtocol() {
        let expected: [BackendMessageID: Character] = [
            .authentication: "R", .backendKeyData: "K", .bindComplete: "2", .closeComplete: "3", .commandComplete: "C",
            .copyData: "d", .copyDone: "c", .copyInResponse: "G", .copyOutResponse: "H", .copyBothResponse: "W",
            .dataRow: "D", .emptyQueryResponse: "I", .errorResponse: "E", .functionCallResponse: "V",
            .negotiateProtocolVersion: "v", .noData: "n", .noticeResponse: "N", .notificationResponse: "A",
            .parameterDescription: "t", .parameterStatus: "S", .parseComplete: "1", .portalSuspended: "s",
            .readyForQuery: "Z", .rowDescription: "T",
        ]
        #expect(BackendMessageID.allCases.count == expected.count)
        for (id, letter) in expected {
            #expect(id.rawValue == letter.asciiValue, "\(id)")
        }
    }

    @Test func descriptionHidesThePayload() {
        let message = raw("p", cstr("hunter2"))
        #expect(message.description == "RawMessage('p' (0x70), 8 payload bytes)")
    }
}
