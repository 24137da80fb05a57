import Config
import NIOCore
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// Authentication through `ClientSessionHandler`, up to the point where a server connection would be leased.
@Suite("ClientSessionHandler: authentication")
struct ClientSessionAuthenticationTests {
    @Test func completeSCRAMLoginForAnUnknownDatabaseEndsWith3D000() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "x")])
        #expect(typeLetters(try harness.writtenMessages()) == "R")
        let (messages, verdict) = try harness.runSCRAM(password: "wonderland")
        #expect(verdict == .authenticated, "the client must first be authenticated (a valid server signature)")
        let error = try errorFields(messages.last)
        #expect(error.severity == "FATAL")
        #expect(error.sqlState == "3D000")
        #expect(error.message == "database \"x\" does not exist")
        #expect(!harness.isOpen)
    }

    @Test func theDatabaseDefaultsToTheUserName() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice")])
        _ = try harness.writtenMessages()
        let (messages, verdict) = try harness.runSCRAM(password: "wonderland")
        #expect(verdict == .authenticated)
        let error = try errorFields(messages.last)
        #expect(error.sqlState == "3D000")
        #expect(error.message == "database \"alice\" does not exist")
    }

    @Test func wrongPasswordEndsWithFatal28P01() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        _ = try harness.writtenMessages()
        let (messages, verdict) = try harness.runSCRAM(password: "not wonderland")
        #expect(verdict == nil)
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.severity == "FATAL")
        #expect(error.sqlState == "28P01")
        #expect(error.message == "password authentication failed for user \"alice\"")
        #expect(!harness.isOpen)
    }

    @Test func unknownUserGetsExactlyTheBytesOfAWrongPassword() throws {
        // Same name, one runtime knows it, the other does not.
        var knows = ClientSessionHarness.configuration()
        knows.users.append(UserConfiguration(name: "carol", password: "right"))
        let known = try ClientSessionHarness(configuration: knows)
        let unknown = try ClientSessionHarness()
        for harness in [known, unknown] {
            try harness.sendStartup([("user", "carol"), ("database", "app")])
            #expect(try harness.writtenMessages().first.map(AuthenticationRequest.decode(from:)) == .sasl(mechanisms: ["SCRAM-SHA-256"]))
        }
        let wrongPassword = try known.runSCRAM(password: "wrong").messages
        let unknownUser = try unknown.runSCRAM(password: "wrong").messages
        #expect(typeLetters(wrongPassword) == "E")
        #expect(wrongPassword == unknownUser)
    }

    @Test func aQueryInsteadOfAPasswordMessageIsFatal08P01() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        _ = try harness.writtenMessages()
        try harness.send { Query(sql: "SELECT 1").encode(into: &$0) }
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.severity == "FATAL")
        #expect(error.sqlState == "08P01")
        #expect(!harness.isOpen)
    }

    @Test func aWrongSASLMechanismIsFatal08P01() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        _ = try harness.writtenMessages()
        try harness.send { SASLInitialResponse(mechanism: "SCRAM-SHA-256-PLUS", data: Array("p=tls-server-end-point,,n=,r=abc".utf8)).encode(into: &$0) }
        let messages = try harness.writtenMessages()
        #expect(try errorFields(messages.first).sqlState == "08P01")
        #expect(!harness.isOpen)
    }

    @Test func terminateDuringAuthenticationClosesSilently() throws {
        let harness = try ClientSessionHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        _ = try harness.writtenMessages()
        try harness.send { Terminate().encode(into: &$0) }
        #expect(try harness.writtenBytes() == [])
        #expect(!harness.isOpen)
    }

    @Test func md5LoginForAnUnknownDatabaseEndsWith3D000() throws {
        let harness = try ClientSessionHarness(configuration: ClientSessionHarness.configuration(authMethod: .md5))
        try harness.sendStartup([("user", PostgresSecrets.md5User), ("database", "x")])
        let challenge = try harness.writtenMessages()
        #expect(typeLetters(challenge) == "R")
        guard case .md5Password(let salt) = try AuthenticationRequest.decode(from: challenge[0]) else {
            Issue.record("expected AuthenticationMD5Password")
            return
        }
        let response = MD5Password.response(user: PostgresSecrets.md5User, password: PostgresSecrets.md5Password, salt: salt)
        try harness.send { PasswordMessage(password: response).encode(into: &$0) }
        let messages = try harness.writtenMessages()
        let error = try errorFields(messages.last)
        #expect(error.sqlState == "3D000")
        #expect(error.message == "database \"x\" does not exist")
    }

    @Test func md5WrongPasswordEndsWithFatal28P01() throws {
        let harness = try ClientSessionHarness(configuration: ClientSessionHarness.configuration(authMethod: .md5))
        try harness.sendStartup([("user", PostgresSecrets.md5User), ("database", "app")])
        _ = try harness.writtenMessages()
        try harness.send { PasswordMessage(password: "md500000000000000000000000000000000").encode(into: &$0) }
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.sqlState == "28P01")
        #expect(error.message == "password authentication failed for user \"\(PostgresSecrets.md5User)\"")
        #expect(!harness.isOpen)
    }

    @Test func trustForAnUnknownDatabaseEndsWith3D000WithoutAskingForAPassword() throws {
        let harness = try ClientSessionHarness(configuration: ClientSessionHarness.configuration(authMethod: .trust))
        try harness.sendStartup([("user", "alice"), ("database", "nope")])
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        let error = try errorFields(messages.first)
        #expect(error.sqlState == "3D000")
        #expect(error.message == "database \"nope\" does not exist")
        #expect(!harness.isOpen)
    }

    @Test func trustForAnUnknownUserEndsWith28P01() throws {
        let harness = try ClientSessionHarness(configuration: ClientSessionHarness.configuration(authMethod: .trust))
        try harness.sendStartup([("user", "mallory"), ("database", "app")])
        let error = try errorFields(try harness.writtenMessages().first)
        #expect(error.sqlState == "28P01")
        #expect(error.message == "password authentication failed for user \"mallory\"")
    }

    @Test func noShardConfiguredEndsWith08001() throws {
        let harness = try ClientSessionHarness(configuration: ClientSessionHarness.configuration(authMethod: .trust, shards: []))
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        #expect(try errorFields(messages.first).sqlState == "08001")
        #expect(!harness.isOpen)
    }

    @Test func authFailureDelayHoldsTheAnswerBack() throws {
        let harness = try ClientSessionHarness(configuration: ClientSessionHarness.configuration(authFailureDelay: 2))
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        _ = try harness.writtenMessages()
        var client = SCRAMClientStateMachine(username: "", password: "wrong")
        let first = client.clientFirstMessage()
        try harness.send { SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: first).encode(into: &$0) }
        let continued = try harness.writtenMessages()
        guard let message = continued.first, case .saslContinue(let serverFirst) = try AuthenticationRequest.decode(from: message),
            case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst)
        else {
            Issue.record("expected the server-first-message")
            return
        }
        try harness.send { SASLResponse(data: clientFinal).encode(into: &$0) }
        #expect(try harness.writtenBytes() == [], "nothing before the delay")
        harness.loop.advanceTime(by: .milliseconds(1_999))
        #expect(try harness.writtenBytes() == [], "nothing before the delay")
        harness.loop.advanceTime(by: .milliseconds(1))
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E")
        #expect(try errorFields(messages.first).sqlState == "28P01")
        #expect(!harness.isOpen)
    }

    @Test func bytesAfterAFailedLoginAreIgnored() throws {
        let harness = try ClientSessionHarness(configuration: ClientSessionHarness.configuration(authFailureDelay: 1))
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        _ = try harness.writtenMessages()
        // A malformed SASLInitialResponse fails at once (after the delay); a second message meanwhile is ignored.
        try harness.send { PasswordMessage(password: "x").encode(into: &$0) }
        try harness.send { Query(sql: "SELECT 1").encode(into: &$0) }
        #expect(try harness.writtenBytes() == [])
        harness.loop.advanceTime(by: .seconds(1))
        let messages = try harness.writtenMessages()
        #expect(typeLetters(messages) == "E", "exactly one FATAL error")
        #expect(try errorFields(messages.first).sqlState == "08P01")
        #expect(!harness.isOpen)
    }
}
