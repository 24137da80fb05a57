import NIOCore
import PGWire
import Testing

/// Golden bytes and bad input for startup-phase packets.
@Suite struct StartupPacketTests {
    /// Decodes one whole startup-phase packet through the stateless decoder.
    func decodePacket(_ bytes: [UInt8]) throws -> StartupPacket? {
        var decoder = StartupPacketDecoder()
        var input = buffer(bytes)
        let packet = try decoder.decode(buffer: &input)
        #expect(input.readableBytes == 0)
        return packet
    }

    @Test func startupMessageGoldenDecode() throws {
        guard case .startup(let message) = try decodePacket(goldenStartupAliceShop) else {
            Issue.record("not a StartupMessage")
            return
        }
        #expect(message.protocolVersion == 196_608)
        #expect(message.parameters == [StartupParameter(name: "user", value: "alice"), StartupParameter(name: "database", value: "shop")])
        #expect(message.user == "alice")
        #expect(message.database == "shop")
        #expect(message.options == nil)
    }

    @Test func startupMessageGoldenEncode() {
        let message = StartupMessage(parameters: [
            StartupParameter(name: "user", value: "alice"), StartupParameter(name: "database", value: "shop"),
        ])
        #expect(encoded { message.encode(into: &$0) } == goldenStartupAliceShop)
        #expect(encoded { StartupPacket.startup(message).encode(into: &$0) } == goldenStartupAliceShop)
    }

    @Test func sslAndGssRequestsGolden() throws {
        #expect(try decodePacket(goldenSSLRequest) == .sslRequest)
        #expect(try decodePacket(goldenGSSENCRequest) == .gssEncRequest)
        #expect(encoded { StartupPacket.sslRequest.encode(into: &$0) } == goldenSSLRequest)
        #expect(encoded { StartupPacket.gssEncRequest.encode(into: &$0) } == goldenGSSENCRequest)
    }

    @Test func sslRequestWithExtraBodyIsMalformed() {
        #expect(throws: WireProtocolError.self) { try decodePacket([0, 0, 0, 9, 0x04, 0xD2, 0x16, 0x2F, 0]) }
    }

    @Test func cancelRequestGolden() throws {
        let request = CancelRequest(processID: 4242, secretKey: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(try decodePacket(goldenCancelRequest) == .cancel(request))
        #expect(encoded { request.encode(into: &$0) } == goldenCancelRequest)
        #expect(encoded { StartupPacket.cancel(request).encode(into: &$0) } == goldenCancelRequest)
    }

    @Test func cancelRequestWithProtocol32LongKey() throws {
        let key = (0..<32).map { UInt8($0) }
        let bytes = be32(12 + 32) + [0x04, 0xD2, 0x16, 0x2E] + be32(-7) + key
        #expect(try decodePacket(bytes) == .cancel(CancelRequest(processID: -7, secretKey: key)))
    }

    @Test(arguments: [0, 3, 257, 1000])
    func cancelKeyOutside4To256BytesIsMalformed(keyLength: Int) {
        let bytes = be32(Int32(12 + keyLength)) + [0x04, 0xD2, 0x16, 0x2E] + be32(1) + [UInt8](repeating: 7, count: keyLength)
        #expect(throws: WireProtocolError.self) { try decodePacket(bytes) }
    }

    @Test func cancelKeyOf256BytesIsAccepted() throws {
        let key = [UInt8](repeating: 0xAB, count: 256)
        let bytes = be32(12 + 256) + [0x04, 0xD2, 0x16, 0x2E] + be32(1) + key
        #expect(try decodePacket(bytes) == .cancel(CancelRequest(processID: 1, secretKey: key)))
    }

    @Test func missingFinalTerminatorIsMalformed() {
        // "user\0alice\0" with no final NUL.
        let bytes = be32(4 + 4 + 11) + [0, 3, 0, 0] + cstr("user") + cstr("alice")
        #expect(throws: WireProtocolError.self) { try decodePacket(bytes) }
    }

    @Test func bytesAfterTerminatorAreMalformed() {
        let bytes = be32(4 + 4 + 11 + 2) + [0, 3, 0, 0] + cstr("user") + cstr("alice") + [0, 0x41]
        #expect(throws: WireProtocolError.malformed("invalid startup packet layout: expected terminator as last byte")) {
            try decodePacket(bytes)
        }
    }

    @Test func nameWithoutValueIsMalformed() {
        // "user\0" then the packet ends: the value has no NUL.
        let bytes = be32(4 + 4 + 5 + 3) + [0, 3, 0, 0] + cstr("user") + ascii("ali")
        #expect(throws: WireProtocolError.self) { try decodePacket(bytes) }
    }

    @Test func invalidUTF8InStartupParametersIsRejected() {
        // 0xC3 0x28 is an invalid two-byte sequence. Startup names/values are matched against config, so
        // they are decoded strictly.
        let bytes = be32(4 + 4 + 5 + 3 + 1) + [0, 3, 0, 0] + cstr("user") + [0xC3, 0x28, 0] + [0]
        #expect(throws: WireProtocolError.self) { try decodePacket(bytes) }
    }

    @Test func validUTF8IsKept() throws {
        let bytes = be32(4 + 4 + 5 + 7 + 1) + [0, 3, 0, 0] + cstr("user") + [0x6A, 0x6F, 0x73, 0xC3, 0xA9, 0x65, 0] + [0]
        guard case .startup(let message) = try decodePacket(bytes) else {
            Issue.record("not a StartupMessage")
            return
        }
        #expect(message.user == "jos\u{E9}e")
    }

    @Test func emptyParameterListIsAccepted() throws {
        #expect(try decodePacket(be32(9) + [0, 3, 0, 0, 0]) == .startup(StartupMessage(parameters: [])))
    }

    @Test func conveniencesFollowPostgreSQL() {
        let message = StartupMessage(parameters: [
            StartupParameter(name: "user", value: "first"),
            StartupParameter(name: "database", value: ""),
            StartupParameter(name: "options", value: "-c search_path=app"),
            StartupParameter(name: "_pq_.compression", value: "on"),
            StartupParameter(name: "application_name", value: "psql"),
            StartupParameter(name: "user", value: "last"),
            StartupParameter(name: "replication", value: "database"),
        ])
        #expect(message.user == "last", "the last duplicate wins, as PostgreSQL applies parameters in order")
        #expect(message.database == "last", "an empty database defaults to the user")
        #expect(message.options == "-c search_path=app")
        #expect(message.applicationName == "psql")
        #expect(message.replication == "database")
        #expect(message.protocolOptions == [StartupParameter(name: "_pq_.compression", value: "on")])
    }
}
