import Config
import NIOCore
import PGWire
import Testing

@testable import PGRingServer

/// The startup phase of `ClientSessionHandler`: encryption requests, the startup packet, cancel requests
/// and bad bytes.
@Suite("ClientSessionHandler: startup phase")
struct ClientSessionStartupTests {
    @Test func sslRequestWithoutTLSConfiguredIsAnsweredN() throws {
        let harness = try ClientSessionHarness()
        try harness.send { StartupPacket.sslRequest.encode(into: &$0) }
        #expect(try harness.writtenBytes() == [UInt8(ascii: "N")])
        #expect(harness.isOpen)
    }

    @Test func gssEncRequestIsAnsweredN() throws {
        let harness = try ClientSessionHarness()
        try harness.send { StartupPacket.gssEncRequest.encode(into: &$0) }
        #expect(try harness.writtenBytes() == [UInt8(ascii: "N")])
        #expect(harness.isOpen)
    }

    @Test func afterARefusedSSLRequestThePlainStartupProceeds() throws {
        let harness = try ClientSessionHarness()
        try harness.send { StartupPacket.sslRequest.encode(into: &$0) }
        #expect(try harness.writtenBytes() == [UInt8(ascii: "N")])
        try harness.send { StartupPacket.gssEncRequest.encode(into: &$0) }
        #expect(try harness.writtenBytes() == [UInt8(ascii: "N")])
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "R")
        #expect(try messages.first.map(AuthenticationRequest.decode(from:)) == .sasl(mechanisms: ["SCRAM-SHA-256"]))
    }

    @Test func bytesBehindAnSSLRequestInTheSameReadAreRefused() throws {
        // CVE-2021-23214: bytes that arrived with the SSLRequest are never processed.
        let harness = try ClientSessionHarness()
        var bytes = encodedBytes { StartupPacket.sslRequest.encode(into: &$0) }
        bytes += encodedBytes { StartupMessage(parameters: [StartupParameter(name: "user", value: "alice")]).encode(into: &$0) }
        try harness.sendBytes(bytes)
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.sqlState == "08P01")
        #expect(error.severity == "FATAL")
        #expect(!harness.isOpen)
    }

    @Test func startupForAKnownUserUnderSCRAMOffersSCRAMSHA256() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        let messages = try harness.writtenMessages()
        #expect(messages.count == 1)
        #expect(try messages.first.map(AuthenticationRequest.decode(from:)) == .sasl(mechanisms: ["SCRAM-SHA-256"]))
        #expect(harness.isOpen)
        #expect(harness.runtime.sessions.count == 1)
    }

    @Test func startupForAnUnknownUserLooksTheSame() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "mallory"), ("database", "app")])
        let messages = try harness.writtenMessages()
        #expect(try messages.first.map(AuthenticationRequest.decode(from:)) == .sasl(mechanisms: ["SCRAM-SHA-256"]))
        #expect(harness.isOpen)
    }

    @Test(arguments: [[("database", "app")], [("user", ""), ("database", "app")], []])
    func startupWithoutAUserIsRefusedWith28000(parameters: [(String, String)]) throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup(parameters)
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.sqlState == "28000")
        #expect(error.severity == "FATAL")
        #expect(error.message == "no PostgreSQL user name specified in startup packet")
        #expect(!harness.isOpen)
    }

    @Test(arguments: ["true", "database", "on", "yes", "1"])
    func replicationConnectionsAreRefused(value: String) throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app"), ("replication", value)])
        let messages = try harness.writtenMessages()
        let error = try errorFields(messages.last)
        #expect(error.sqlState == "0A000")
        #expect(!harness.isOpen)
    }

    /// PostgreSQL reads `replication` with parse_bool: false, no, off, 0 and their prefixes, any case.
    @Test(arguments: ["false", "0", "off", "no", "FALSE", "Off"])
    func replicationOffIsAnOrdinarySession(value: String) throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app"), ("replication", value)])
        #expect(typeLetters(try harness.writtenMessages()) == "R")
        #expect(harness.isOpen)
    }

    @Test func protocol32GetsNegotiateProtocolVersionBeforeTheAuthenticationRequest() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup(
            [("user", "alice"), ("database", "app"), ("_pq_.compression", "on"), ("_pq_.other", "x")],
            protocolVersion: StartupMessage.protocolVersion3_2)
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "vR")
        let negotiate = try NegotiateProtocolVersion.decode(from: messages[0])
        #expect(negotiate.newestMinorVersion == 0)
        #expect(negotiate.unrecognizedOptions == ["_pq_.compression", "_pq_.other"])
        #expect(try AuthenticationRequest.decode(from: messages[1]) == .sasl(mechanisms: ["SCRAM-SHA-256"]))
    }

    @Test func protocol32WithoutOptionsGetsAnEmptyOptionList() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")], protocolVersion: StartupMessage.protocolVersion3_2)
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "vR")
        #expect(try NegotiateProtocolVersion.decode(from: messages[0]) == NegotiateProtocolVersion(newestMinorVersion: 0, unrecognizedOptions: []))
    }

    @Test func protocol30WithAProtocolOptionGetsNegotiateProtocolVersion() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("_pq_.x", "1"), ("database", "app")])
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "vR")
        #expect(try NegotiateProtocolVersion.decode(from: messages[0]).unrecognizedOptions == ["_pq_.x"])
    }

    @Test func protocol30WithoutOptionsGetsNoNegotiation() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app"), ("application_name", "psql")])
        #expect(typeLetters(try harness.writtenMessages()) == "R")
    }

    @Test func protocol20IsRefusedWithFeatureNotSupported() throws {
        // PostgreSQL answers "unsupported frontend protocol 2.0: server supports 3.0 to 3.x" with 0A000,
        // and WireProtocolError.unsupportedProtocolVersion.sqlState says 0A000.
        let harness = try ClientSessionHarness()
        var body = be32(0x0002_0000) + cstr("user") + cstr("alice") + [0]
        body = be32(Int32(body.count + 4)) + body
        try harness.sendBytes(body)
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.severity == "FATAL")
        #expect(error.sqlState == "0A000")
        #expect(!harness.isOpen)
    }

    /// Bytes that are not a startup packet.
    static let garbageStartups: [[UInt8]] = [
        be32(3) + be32(196_608),                               // length 3
        be32(0) + be32(196_608),                               // length 0
        be32(-8) + be32(196_608),                              // negative length
        Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),       // an HTTP client
        [UInt8(ascii: "Q")] + be32(13) + cstr("SELECT 1"),     // a typed message first
        be32(10_005) + be32(196_608),                          // over the 10,000-byte startup limit
        be32(12) + be32(80_877_103) + [0, 0, 0, 0],            // SSLRequest with a body
        be32(15) + be32(196_608) + cstr("user") + [0x41, 0x41],// a value without its NUL
    ]

    @Test(arguments: garbageStartups)
    func garbageIsAnsweredWithFatal08P01AndTheChannelCloses(bytes: [UInt8]) throws {
        let harness = try ClientSessionHarness()
        try harness.sendBytes(bytes)
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.severity == "FATAL")
        #expect(error.sqlState == "08P01")
        #expect(!harness.isOpen)
    }

    @Test func anInvalidTypedMessageLengthDuringAuthenticationIsFatal08P01() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        _ = try harness.writtenMessages()
        try harness.sendBytes([UInt8(ascii: "p")] + be32(3))
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        #expect(try errorFields(messages.first).sqlState == "08P01")
        #expect(!harness.isOpen)
    }

    @Test func cancelRequestForAnUnknownKeyClosesWithoutAnswer() throws {
        let harness = try ClientSessionHarness()
        try harness.send { CancelRequest(processID: 12345, secretKey: [1, 2, 3, 4]).encode(into: &$0) }
        #expect(try harness.writtenBytes() == [])
        #expect(!harness.isOpen)
    }

    @Test func cancelRequestForAKnownKeyWithAWrongSecretClosesWithoutAnswer() throws {
        let harness = try ClientSessionHarness()
        let key = harness.runtime.cancelRegistry.register()
        key.setTarget(CancelTarget(address: ServerAddress(host: "127.0.0.1", port: 1), processID: 1, secretKey: [1, 1, 1, 1]))
        var wrong = key.secretKey
        wrong[0] ^= 0xFF
        try harness.send { CancelRequest(processID: key.processID, secretKey: wrong).encode(into: &$0) }
        #expect(try harness.writtenBytes() == [])
        #expect(!harness.isOpen)
    }

    @Test func cancelRequestForASessionWithoutAServerClosesWithoutAnswer() throws {
        let harness = try ClientSessionHarness()
        let key = harness.runtime.cancelRegistry.register()
        try harness.send { CancelRequest(processID: key.processID, secretKey: key.secretKey).encode(into: &$0) }
        #expect(try harness.writtenBytes() == [])
        #expect(!harness.isOpen)
    }

    @Test func closingTheChannelForgetsTheSession() throws {
        let harness = try ClientSessionHarness()
        #expect(harness.runtime.sessions.count == 1)
        try harness.channel.close().wait()
        #expect(harness.runtime.sessions.count == 0)
    }
}
