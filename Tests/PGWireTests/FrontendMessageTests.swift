import NIOCore
import PGWire
import Testing

/// Golden bytes and bad input for the frontend messages pgring decodes or sends.
@Suite struct FrontendMessageTests {
    /// Splits a hand-written frame into a RawMessage, checking the length field on the way.
    func rawFrame(_ bytes: [UInt8]) throws -> RawMessage {
        var decoder = RawMessageDecoder()
        var input = buffer(bytes)
        let message = try #require(try decoder.decode(buffer: &input))
        #expect(input.readableBytes == 0)
        return message
    }

    // MARK: Query

    @Test func queryGolden() throws {
        #expect(try Query.decode(from: rawFrame(goldenQuerySelect1)) == Query(sql: "SELECT 1"))
        #expect(encoded { Query(sql: "SELECT 1").encode(into: &$0) } == goldenQuerySelect1)
    }

    @Test func queryWithoutNULIsMalformed() {
        #expect(throws: WireProtocolError.malformed("invalid Query message: unterminated string (missing NUL)")) {
            try Query.decode(payload: buffer(ascii("SELECT 1")))
        }
    }

    @Test func queryWithTrailingBytesIsMalformed() {
        #expect(throws: WireProtocolError.self) { try Query.decode(payload: buffer(cstr("SELECT 1") + [0x41])) }
    }

    @Test func queryWithInvalidUTF8IsDecodedLossily() throws {
        // Documented choice: SQL may be in a non-UTF-8 client_encoding; the forwarded frame keeps its bytes,
        // the typed view replaces invalid sequences with U+FFFD.
        let query = try Query.decode(payload: buffer([0x53, 0x45, 0x4C, 0xFF, 0x31, 0x00]))
        #expect(query.sql == "SEL\u{FFFD}1")
    }

    @Test func wrongIDIsRefused() {
        #expect(throws: WireProtocolError.unexpectedMessageID(expected: 0x51, actual: 0x50)) {
            try Query.decode(from: raw("P", cstr("SELECT 1")))
        }
    }

    @Test func encoderReplacesEmbeddedNUL() {
        // A NUL would cut the string short on the wire; it is written as U+FFFD (EF BF BD) instead.
        let expected: [UInt8] = [0x51, 0x00, 0x00, 0x00, 0x0A, 0x61, 0xEF, 0xBF, 0xBD, 0x62, 0x00]
        #expect(encoded { Query(sql: "a\u{0}b").encode(into: &$0) } == expected)
    }

    // MARK: Parse

    @Test func parseGolden() throws {
        let bytes: [UInt8] = [
            0x50, 0x00, 0x00, 0x00, 0x17,  // 'P', length 23
            0x73, 0x31, 0x00,  // "s1"
            0x53, 0x45, 0x4C, 0x45, 0x43, 0x54, 0x20, 0x24, 0x31, 0x00,  // "SELECT $1"
            0x00, 0x01,  // 1 parameter type
            0x00, 0x00, 0x00, 0x17,  // OID 23 (int4)
        ]
        #expect(try Parse.decode(from: rawFrame(bytes)) == Parse(statementName: "s1", query: "SELECT $1", parameterTypeOIDs: [23]))
    }

    @Test func parseWithHighOIDAndUnnamedStatement() throws {
        let payload: [UInt8] = [0x00] + cstr("SELECT 1") + [0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFE, 0x00, 0x00, 0x00, 0x00]
        #expect(try Parse.decode(payload: buffer(payload)) == Parse(statementName: "", query: "SELECT 1", parameterTypeOIDs: [4_294_967_294, 0]))
    }

    @Test func parseCountOverrunIsMalformed() {
        // Claims 65,535 OIDs but carries one.
        let payload: [UInt8] = [0x00] + cstr("SELECT 1") + [0xFF, 0xFF, 0x00, 0x00, 0x00, 0x17]
        #expect(throws: WireProtocolError.malformed("invalid Parse message: parameter type count 65535 overruns the message")) {
            try Parse.decode(payload: buffer(payload))
        }
    }

    // MARK: Bind

    static let bindGolden: [UInt8] = [
        0x42, 0x00, 0x00, 0x00, 0x1C,  // 'B', length 28
        0x00,  // portal ""
        0x73, 0x31, 0x00,  // statement "s1"
        0x00, 0x01, 0x00, 0x01,  // 1 parameter format: binary
        0x00, 0x02,  // 2 parameters
        0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x2A,  // int4 42
        0xFF, 0xFF, 0xFF, 0xFF,  // NULL
        0x00, 0x00,  // 0 result formats
    ]

    @Test func bindGoldenDecode() throws {
        let bind = try Bind.decode(from: rawFrame(Self.bindGolden))
        #expect(bind.portalName == "")
        #expect(bind.statementName == "s1")
        #expect(bind.parameterFormats == [1])
        #expect(bind.parameters == [buffer([0x00, 0x00, 0x00, 0x2A]), nil])
        #expect(bind.resultFormats == [])
        #expect(bind.parameterFormat(at: 0) == 1)
        #expect(bind.parameterFormat(at: 1) == 1)
    }

    @Test func bindDescriptionNeverShowsValues() throws {
        let bind = try Bind.decode(payload: buffer([0x00, 0x00, 0x00, 0x00, 0x00, 0x01] + be32(6) + ascii("hunter") + [0x00, 0x00]))
        #expect(bind.parameters == [buffer(ascii("hunter"))])
        #expect(!bind.description.contains("hunter"))
        #expect(!String(describing: raw("B", ascii("hunter"))).contains("hunter"))
    }

    @Test func bindParameterCountOverrunningThePayloadIsMalformed() {
        // 0x7FFF parameters announced, 8 bytes present: refused before any allocation.
        let payload: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x7F, 0xFF] + be32(0) + be32(0) + [0x00, 0x00]
        #expect(throws: WireProtocolError.malformed("invalid Bind message: parameter count 32767 overruns the message")) {
            try Bind.decode(payload: buffer(payload))
        }
    }

    @Test func bindValueLengthOverrunningThePayloadIsMalformed() {
        let payload: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x00, 0x01] + be32(100) + [1, 2, 3, 4] + [0x00, 0x00]
        #expect(throws: WireProtocolError.self) { try Bind.decode(payload: buffer(payload)) }
    }

    @Test func bindNegativeValueLengthOtherThanMinusOneIsMalformed() {
        let payload: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x00, 0x01] + be32(-2) + [0x00, 0x00]
        #expect(throws: WireProtocolError.malformed("invalid Bind message: invalid parameter length -2")) {
            try Bind.decode(payload: buffer(payload))
        }
    }

    @Test func bindFormatCountOverrunIsMalformed() {
        let payload: [UInt8] = [0x00, 0x00, 0x00, 0x05, 0x00, 0x01]
        #expect(throws: WireProtocolError.self) { try Bind.decode(payload: buffer(payload)) }
    }

    @Test func bindMissingResultFormatCountIsMalformed() {
        let payload: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(throws: WireProtocolError.self) { try Bind.decode(payload: buffer(payload)) }
    }

    // MARK: Describe, Close, Execute

    @Test func describeGolden() throws {
        let bytes: [UInt8] = [0x44, 0x00, 0x00, 0x00, 0x08, 0x53, 0x73, 0x31, 0x00]
        #expect(try Describe.decode(from: rawFrame(bytes)) == Describe(kind: .statement, name: "s1"))
    }

    @Test func describeWithUnknownKindIsMalformed() {
        #expect(throws: WireProtocolError.self) { try Describe.decode(payload: buffer([0x58, 0x00])) }
    }

    @Test func closeGolden() throws {
        let bytes: [UInt8] = [0x43, 0x00, 0x00, 0x00, 0x06, 0x50, 0x00]
        #expect(try Close.decode(from: rawFrame(bytes)) == Close(kind: .portal, name: ""))
    }

    @Test func executeGolden() throws {
        let bytes: [UInt8] = [0x45, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(try Execute.decode(from: rawFrame(bytes)) == Execute(portalName: "", maxRows: 0))
        let limited: [UInt8] = [0x45, 0x00, 0x00, 0x00, 0x0B, 0x70, 0x31, 0x00, 0x00, 0x00, 0x00, 0x64]
        #expect(try Execute.decode(from: rawFrame(limited)) == Execute(portalName: "p1", maxRows: 100))
    }

    @Test func executeTruncatedIsMalformed() {
        #expect(throws: WireProtocolError.self) { try Execute.decode(payload: buffer([0x00, 0x00, 0x00])) }
    }

    // MARK: Sync, Terminate

    @Test func syncAndTerminateGolden() {
        #expect(encoded { Sync().encode(into: &$0) } == goldenSync)
        #expect(encoded { Terminate().encode(into: &$0) } == goldenTerminate)
    }

    // MARK: 'p' messages

    @Test func passwordMessageGolden() throws {
        let bytes: [UInt8] = [0x70, 0x00, 0x00, 0x00, 0x0B, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x00]
        let message = PasswordMessage(password: "secret")
        #expect(try PasswordMessage.decode(from: rawFrame(bytes)) == message)
        #expect(encoded { message.encode(into: &$0) } == bytes)
        #expect(!message.description.contains("secret"))
    }

    @Test func passwordMessageWithMissingNULIsMalformed() {
        #expect(throws: WireProtocolError.malformed("invalid PasswordMessage message: unterminated string (missing NUL)")) {
            try PasswordMessage.decode(payload: buffer(ascii("secret")))
        }
    }

    @Test func passwordMessageWithInvalidUTF8IsRejected() {
        #expect(throws: WireProtocolError.malformed("invalid PasswordMessage message: invalid UTF-8 in string")) {
            try PasswordMessage.decode(payload: buffer([0x61, 0xFF, 0x00]))
        }
    }

    @Test func saslInitialResponseGolden() throws {
        let bytes: [UInt8] = [
            0x70, 0x00, 0x00, 0x00, 0x19,  // 'p', length 25
            0x53, 0x43, 0x52, 0x41, 0x4D, 0x2D, 0x53, 0x48, 0x41, 0x2D, 0x32, 0x35, 0x36, 0x00,  // "SCRAM-SHA-256"
            0x00, 0x00, 0x00, 0x03,  // 3 bytes of data
            0x61, 0x62, 0x63,  // "abc"
        ]
        let message = SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: ascii("abc"))
        #expect(try SASLInitialResponse.decode(from: rawFrame(bytes)) == message)
        #expect(encoded { message.encode(into: &$0) } == bytes)
    }

    @Test func saslInitialResponseWithoutDataGolden() throws {
        let bytes: [UInt8] = [0x70, 0x00, 0x00, 0x00, 0x16] + cstr("SCRAM-SHA-256") + [0xFF, 0xFF, 0xFF, 0xFF]
        let message = SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: nil)
        #expect(try SASLInitialResponse.decode(from: rawFrame(bytes)) == message)
        #expect(encoded { message.encode(into: &$0) } == bytes)
    }

    @Test func saslInitialResponseDataOverrunIsMalformed() {
        #expect(throws: WireProtocolError.self) {
            try SASLInitialResponse.decode(payload: buffer(cstr("SCRAM-SHA-256") + be32(50) + ascii("abc")))
        }
        #expect(throws: WireProtocolError.self) {
            try SASLInitialResponse.decode(payload: buffer(cstr("SCRAM-SHA-256") + be32(-5)))
        }
        #expect(throws: WireProtocolError.self) {
            try SASLInitialResponse.decode(payload: buffer(ascii("SCRAM-SHA-256")))
        }
    }

    @Test func saslResponseGolden() throws {
        let bytes: [UInt8] = [0x70, 0x00, 0x00, 0x00, 0x0A, 0x63, 0x3D, 0x62, 0x69, 0x77, 0x73]
        let message = SASLResponse(data: ascii("c=biws"))
        #expect(try SASLResponse.decode(from: rawFrame(bytes)) == message)
        #expect(encoded { message.encode(into: &$0) } == bytes)
        #expect(!message.description.contains("biws"))
    }

    // MARK: encoders for re-sending extended-protocol messages

    @Test func extendedProtocolEncodersGolden() {
        let parse: [UInt8] = [
            0x50, 0x00, 0x00, 0x00, 0x17, 0x73, 0x31, 0x00,
            0x53, 0x45, 0x4C, 0x45, 0x43, 0x54, 0x20, 0x24, 0x31, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x17,
        ]
        #expect(encoded { Parse(statementName: "s1", query: "SELECT $1", parameterTypeOIDs: [23]).encode(into: &$0) } == parse)

        let bind = Bind(
            portalName: "",
            statementName: "s1",
            parameterFormats: [1],
            parameters: [buffer([0x00, 0x00, 0x00, 0x2A]), nil],
            resultFormats: []
        )
        #expect(encoded { bind.encode(into: &$0) } == Self.bindGolden)

        #expect(encoded { Describe(kind: .statement, name: "s1").encode(into: &$0) } == [0x44, 0x00, 0x00, 0x00, 0x08, 0x53, 0x73, 0x31, 0x00])
        #expect(encoded { Close(kind: .portal, name: "").encode(into: &$0) } == [0x43, 0x00, 0x00, 0x00, 0x06, 0x50, 0x00])
        #expect(
            encoded { Execute(portalName: "p1", maxRows: 100).encode(into: &$0) }
                == [0x45, 0x00, 0x00, 0x00, 0x0B, 0x70, 0x31, 0x00, 0x00, 0x00, 0x00, 0x64]
        )
        #expect(encoded { Flush().encode(into: &$0) } == [0x48, 0x00, 0x00, 0x00, 0x04])
    }
}
