import NIOCore
import PGWire
import Testing

/// Golden bytes and bad input for the backend messages pgring decodes or sends.
@Suite struct BackendMessageTests {
    /// Splits a hand-written frame into a RawMessage, checking the length field on the way.
    func rawFrame(_ bytes: [UInt8]) throws -> RawMessage {
        var decoder = RawMessageDecoder()
        var input = buffer(bytes)
        let message = try #require(try decoder.decode(buffer: &input))
        #expect(input.readableBytes == 0)
        return message
    }

    // MARK: Authentication

    static let authenticationGoldens: [([UInt8], AuthenticationRequest)] = [
        (goldenAuthenticationOk, .ok),
        ([0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x03], .cleartextPassword),
        ([0x52, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04], .md5Password(salt: [1, 2, 3, 4])),
        (
            [0x52, 0x00, 0x00, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x0A]
                + [0x53, 0x43, 0x52, 0x41, 0x4D, 0x2D, 0x53, 0x48, 0x41, 0x2D, 0x32, 0x35, 0x36, 0x00]  // SCRAM-SHA-256
                + [0x53, 0x43, 0x52, 0x41, 0x4D, 0x2D, 0x53, 0x48, 0x41, 0x2D, 0x32, 0x35, 0x36, 0x2D, 0x50, 0x4C, 0x55, 0x53, 0x00]  // -PLUS
                + [0x00],
            .sasl(mechanisms: ["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"])
        ),
        ([0x52, 0x00, 0x00, 0x00, 0x0D, 0x00, 0x00, 0x00, 0x0B, 0x72, 0x3D, 0x61, 0x62, 0x63], .saslContinue(data: ascii("r=abc"))),
        ([0x52, 0x00, 0x00, 0x00, 0x0D, 0x00, 0x00, 0x00, 0x0C, 0x76, 0x3D, 0x78, 0x79, 0x7A], .saslFinal(data: ascii("v=xyz"))),
    ]

    @Test(arguments: authenticationGoldens)
    func authenticationGolden(bytes: [UInt8], request: AuthenticationRequest) throws {
        #expect(try AuthenticationRequest.decode(from: rawFrame(bytes)) == request)
        #expect(encoded { request.encode(into: &$0) } == bytes)
    }

    @Test func unsupportedAuthenticationCodes() throws {
        // GSS (7) and GSSContinue (8, with data) and an unknown code.
        #expect(try AuthenticationRequest.decode(payload: buffer(be32(7))) == .unsupported(7))
        #expect(try AuthenticationRequest.decode(payload: buffer(be32(8) + [1, 2, 3])) == .unsupported(8))
        #expect(try AuthenticationRequest.decode(payload: buffer(be32(99))) == .unsupported(99))
        #expect(AuthenticationRequest.unsupported(7).code == 7)
    }

    @Test func authenticationBadPayloads() {
        #expect(throws: WireProtocolError.self) { try AuthenticationRequest.decode(payload: buffer([0x00, 0x00])) }
        // MD5 with a 3-byte salt, and with 5 bytes.
        #expect(throws: WireProtocolError.self) { try AuthenticationRequest.decode(payload: buffer(be32(5) + [1, 2, 3])) }
        #expect(throws: WireProtocolError.self) { try AuthenticationRequest.decode(payload: buffer(be32(5) + [1, 2, 3, 4, 5])) }
        // AuthenticationOk with trailing bytes.
        #expect(throws: WireProtocolError.self) { try AuthenticationRequest.decode(payload: buffer(be32(0) + [0])) }
        // SASL list missing its final empty string.
        #expect(throws: WireProtocolError.self) { try AuthenticationRequest.decode(payload: buffer(be32(10) + cstr("SCRAM-SHA-256"))) }
        // SASL mechanism without NUL.
        #expect(throws: WireProtocolError.self) { try AuthenticationRequest.decode(payload: buffer(be32(10) + ascii("SCRAM"))) }
    }

    // MARK: ParameterStatus, BackendKeyData, ReadyForQuery

    @Test func parameterStatusGolden() throws {
        let bytes: [UInt8] = [0x53, 0x00, 0x00, 0x00, 0x19] + ascii("client_encoding") + [0x00] + ascii("UTF8") + [0x00]
        let status = ParameterStatus(name: "client_encoding", value: "UTF8")
        #expect(try ParameterStatus.decode(from: rawFrame(bytes)) == status)
        #expect(encoded { status.encode(into: &$0) } == bytes)
        #expect(throws: WireProtocolError.self) { try ParameterStatus.decode(payload: buffer(cstr("client_encoding"))) }
    }

    @Test func backendKeyDataGolden() throws {
        let bytes: [UInt8] = [0x4B, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x10, 0x92, 0xDE, 0xAD, 0xBE, 0xEF]
        let key = BackendKeyData(processID: 4242, secretKey: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(try BackendKeyData.decode(from: rawFrame(bytes)) == key)
        #expect(encoded { key.encode(into: &$0) } == bytes)
        #expect(!key.description.contains("222"), "never prints key bytes (0xDE = 222)")
    }

    @Test func backendKeyDataKeyLengthBounds() throws {
        #expect(throws: WireProtocolError.self) { try BackendKeyData.decode(payload: buffer(be32(1) + [1, 2, 3])) }
        #expect(throws: WireProtocolError.self) { try BackendKeyData.decode(payload: buffer(be32(1) + [UInt8](repeating: 1, count: 257))) }
        let longKey = [UInt8](repeating: 9, count: 256)
        #expect(try BackendKeyData.decode(payload: buffer(be32(1) + longKey)) == BackendKeyData(processID: 1, secretKey: longKey))
    }

    @Test(arguments: [(UInt8(0x49), TransactionStatus.idle), (0x54, .inTransaction), (0x45, .failedTransaction)])
    func readyForQueryGolden(statusByte: UInt8, status: TransactionStatus) throws {
        let bytes: [UInt8] = [0x5A, 0x00, 0x00, 0x00, 0x05, statusByte]
        #expect(try ReadyForQuery.decode(from: rawFrame(bytes)) == ReadyForQuery(transactionStatus: status))
        #expect(encoded { ReadyForQuery(transactionStatus: status).encode(into: &$0) } == bytes)
    }

    @Test func readyForQueryBadPayloads() {
        #expect(throws: WireProtocolError.self) { try ReadyForQuery.decode(payload: buffer([0x58])) }
        #expect(throws: WireProtocolError.self) { try ReadyForQuery.decode(payload: buffer([])) }
        #expect(throws: WireProtocolError.self) { try ReadyForQuery.decode(payload: buffer([0x49, 0x49])) }
    }

    // MARK: ErrorResponse, NoticeResponse

    static let errorGolden: [UInt8] = [
        0x45, 0x00, 0x00, 0x00, 0x24,  // 'E', length 36
        0x53, 0x46, 0x41, 0x54, 0x41, 0x4C, 0x00,  // S FATAL
        0x56, 0x46, 0x41, 0x54, 0x41, 0x4C, 0x00,  // V FATAL
        0x43, 0x30, 0x38, 0x50, 0x30, 0x31, 0x00,  // C 08P01
        0x4D, 0x62, 0x61, 0x64, 0x00,  // M bad
        0x48, 0x74, 0x72, 0x79, 0x00,  // H try
        0x00,
    ]

    @Test func errorResponseGolden() throws {
        let error = ErrorResponse(severity: .fatal, code: "08P01", message: "bad", hint: "try")
        #expect(encoded { error.encode(into: &$0) } == Self.errorGolden)
        let decoded = try ErrorResponse.decode(from: rawFrame(Self.errorGolden))
        #expect(decoded == error)
        #expect(decoded.severity == "FATAL")
        #expect(decoded.sqlState == "08P01")
        #expect(decoded.message == "bad")
        #expect(decoded.detail == nil)
        #expect(decoded.hint == "try")
        #expect(decoded[.position] == nil)
    }

    @Test func errorResponseFieldOrderIncludesDetailAndOthers() {
        // Leading S V C M D H, then others by ascending code: 'P' (0x50) before 'R' (0x52).
        var error = ErrorResponse(severity: .error, code: "42601", message: "m", detail: "d", hint: "h")
        error.fields[ErrorField.routine.rawValue] = "r"
        error.fields[ErrorField.position.rawValue] = "7"
        let payload: [UInt8] = [0x53] + cstr("ERROR") + [0x56] + cstr("ERROR") + [0x43] + cstr("42601") + [0x4D] + cstr("m")
            + [0x44] + cstr("d") + [0x48] + cstr("h") + [0x50] + cstr("7") + [0x52] + cstr("r") + [0x00]
        #expect(encoded { error.encode(into: &$0) } == frame("E", payload))
    }

    @Test func errorResponseEveryFieldIsOptional() throws {
        let empty = try ErrorResponse.decode(payload: buffer([0x00]))
        #expect(empty.fields.isEmpty)
        #expect(empty.severity == nil && empty.sqlState == nil && empty.message == nil)
        // Only an unknown field code, kept as-is; 'S' only (pre-9.6 servers have no 'V').
        let odd = try ErrorResponse.decode(payload: buffer([0x5A] + cstr("zzz") + [0x53] + cstr("FEHLER") + [0x00]))
        #expect(odd.fields[0x5A] == "zzz")
        #expect(odd.severity == "FEHLER")
    }

    @Test func errorResponseBadPayloads() {
        // No final 0, a value with no NUL, an empty payload.
        #expect(throws: WireProtocolError.self) { try ErrorResponse.decode(payload: buffer([0x4D] + cstr("bad"))) }
        #expect(throws: WireProtocolError.self) { try ErrorResponse.decode(payload: buffer([0x4D] + ascii("bad"))) }
        #expect(throws: WireProtocolError.self) { try ErrorResponse.decode(payload: buffer([])) }
        #expect(throws: WireProtocolError.self) { try ErrorResponse.decode(payload: buffer([0x00, 0x00])) }
    }

    @Test func errorResponseInvalidUTF8IsDecodedLossily() throws {
        let error = try ErrorResponse.decode(payload: buffer([0x4D, 0x62, 0xC3, 0x28, 0x00, 0x00]))
        #expect(error.message == "b\u{FFFD}(")
    }

    @Test func errorResponseFromWireProtocolError() {
        let error = ErrorResponse(WireProtocolError.bytesAfterEncryptionRequest)
        let payload: [UInt8] = [0x53] + cstr("FATAL") + [0x56] + cstr("FATAL") + [0x43] + cstr("08P01")
            + [0x4D] + cstr("received unencrypted data after SSL request") + [0x00]
        #expect(encoded { error.encode(into: &$0) } == frame("E", payload))
    }

    @Test func noticeResponseGolden() throws {
        let bytes: [UInt8] = [
            0x4E, 0x00, 0x00, 0x00, 0x21,  // 'N', length 33
            0x53, 0x57, 0x41, 0x52, 0x4E, 0x49, 0x4E, 0x47, 0x00,  // S WARNING
            0x56, 0x57, 0x41, 0x52, 0x4E, 0x49, 0x4E, 0x47, 0x00,  // V WARNING
            0x43, 0x30, 0x31, 0x30, 0x30, 0x30, 0x00,  // C 01000
            0x4D, 0x77, 0x00,  // M w
            0x00,
        ]
        let notice = NoticeResponse(severity: .warning, code: "01000", message: "w")
        #expect(encoded { notice.encode(into: &$0) } == bytes)
        #expect(try NoticeResponse.decode(from: rawFrame(bytes)) == notice)
        #expect(throws: WireProtocolError.unexpectedMessageID(expected: 0x4E, actual: 0x45)) {
            try NoticeResponse.decode(from: rawFrame(Self.errorGolden))
        }
    }

    // MARK: CommandComplete, EmptyQueryResponse, RowDescription, DataRow

    @Test func commandCompleteGolden() throws {
        let bytes: [UInt8] = [0x43, 0x00, 0x00, 0x00, 0x0D, 0x53, 0x45, 0x4C, 0x45, 0x43, 0x54, 0x20, 0x31, 0x00]
        #expect(try CommandComplete.decode(from: rawFrame(bytes)) == CommandComplete(tag: "SELECT 1"))
        #expect(encoded { CommandComplete(tag: "SELECT 1").encode(into: &$0) } == bytes)
        #expect(throws: WireProtocolError.self) { try CommandComplete.decode(payload: buffer(ascii("SELECT 1"))) }
    }

    @Test func emptyQueryResponseGolden() {
        #expect(encoded { EmptyQueryResponse().encode(into: &$0) } == [0x49, 0x00, 0x00, 0x00, 0x04])
    }

    @Test func rowDescriptionGolden() throws {
        let bytes: [UInt8] = [
            0x54, 0x00, 0x00, 0x00, 0x1D,  // 'T', length 29
            0x00, 0x01,  // 1 column
            0x6E, 0x61, 0x6D, 0x65, 0x00,  // "name"
            0x00, 0x00, 0x00, 0x00,  // table OID 0
            0x00, 0x00,  // attribute 0
            0x00, 0x00, 0x00, 0x19,  // type OID 25 (text)
            0xFF, 0xFF,  // size -1
            0xFF, 0xFF, 0xFF, 0xFF,  // typmod -1
            0x00, 0x00,  // text format
        ]
        let description = RowDescription(columns: [RowDescription.Column(name: "name")])
        #expect(encoded { description.encode(into: &$0) } == bytes)
        #expect(try RowDescription.decode(from: rawFrame(bytes)) == description)
    }

    @Test func rowDescriptionCountOverrunIsMalformed() {
        #expect(throws: WireProtocolError.self) { try RowDescription.decode(payload: buffer([0x00, 0x05] + cstr("a"))) }
    }

    @Test func dataRowGolden() {
        let bytes: [UInt8] = [
            0x44, 0x00, 0x00, 0x00, 0x0F,  // 'D', length 15
            0x00, 0x02,  // 2 values
            0x00, 0x00, 0x00, 0x01, 0x31,  // "1"
            0xFF, 0xFF, 0xFF, 0xFF,  // NULL
        ]
        #expect(encoded { DataRow(values: ["1", nil]).encode(into: &$0) } == bytes)
    }

    // MARK: NegotiateProtocolVersion

    @Test func negotiateProtocolVersionGolden() throws {
        let bytes: [UInt8] = [
            0x76, 0x00, 0x00, 0x00, 0x13,  // 'v', length 19
            0x00, 0x00, 0x00, 0x00,  // newest minor 0
            0x00, 0x00, 0x00, 0x01,  // 1 option
            0x5F, 0x70, 0x71, 0x5F, 0x2E, 0x78, 0x00,  // "_pq_.x"
        ]
        let message = NegotiateProtocolVersion(newestMinorVersion: 0, unrecognizedOptions: ["_pq_.x"])
        #expect(encoded { message.encode(into: &$0) } == bytes)
        #expect(try NegotiateProtocolVersion.decode(from: rawFrame(bytes)) == message)
    }

    @Test func negotiateProtocolVersionBadCounts() {
        #expect(throws: WireProtocolError.self) { try NegotiateProtocolVersion.decode(payload: buffer(be32(0) + be32(-1))) }
        #expect(throws: WireProtocolError.self) { try NegotiateProtocolVersion.decode(payload: buffer(be32(0) + be32(Int32.max) + cstr("a"))) }
        #expect(throws: WireProtocolError.self) { try NegotiateProtocolVersion.decode(payload: buffer(be32(0) + be32(2) + cstr("a"))) }
    }
}
