import Config
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// Clients that break the authentication protocol get FATAL 08P01 (protocol_violation), never a crash.
@Suite("ClientAuthenticationStateMachine: protocol violations")
struct ClientAuthenticationProtocolTests {
    static let users = [
        UserConfiguration(name: "alice", password: "wonderland"),
        UserConfiguration(name: PostgresSecrets.md5User, md5Hash: PostgresSecrets.md5StoredHash),
    ]

    /// Asserts a FATAL 08P01.
    static func expectProtocolViolation(_ action: ClientAuthenticationStateMachine.Action, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .fail(let error) = action else {
            Issue.record("expected a failure, got \(action)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.sqlState == "08P01", sourceLocation: sourceLocation)
        #expect(error.isFatal, sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    }

    static func scramMachine() -> ClientAuthenticationStateMachine {
        var machine = clientAuthentication(user: "alice", method: .scramSHA256, users: users, scramIterations: 64)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
        return machine
    }

    @Test(arguments: ["SCRAM-SHA-256-PLUS", "PLAIN", "scram-sha-256", ""])
    func wrongMechanismNameIsAProtocolViolation(mechanism: String) throws {
        var machine = Self.scramMachine()
        var client = SCRAMClientStateMachine(username: "", password: "wonderland")
        let first = client.clientFirstMessage()
        let message = try rawMessage { SASLInitialResponse(mechanism: mechanism, data: first).encode(into: &$0) }
        Self.expectProtocolViolation(machine.passwordMessage(message))
    }

    /// SASLInitialResponse payloads that PGWire cannot decode.
    static let malformedInitialResponses: [[UInt8]] = [
        Array("SCRAM-SHA-256".utf8),                                   // mechanism without NUL
        cstr("SCRAM-SHA-256"),                                          // no data length
        cstr("SCRAM-SHA-256") + be32(100) + Array("n,,n=,r=abc".utf8),  // length overruns the payload
        cstr("SCRAM-SHA-256") + be32(-2),                               // negative length other than -1
        cstr("SCRAM-SHA-256") + be32(3) + Array("n,,n=,r=abc".utf8),    // trailing bytes
        cstr("SCRAM-SHA-256") + [0xFF, 0xFE],                           // truncated length
        [0xC3, 0x28, 0x00] + be32(-1),                                  // mechanism not valid UTF-8
        [],                                                             // empty
    ]

    @Test(arguments: malformedInitialResponses)
    func malformedSASLInitialResponseIsAProtocolViolation(payload: [UInt8]) {
        var machine = Self.scramMachine()
        Self.expectProtocolViolation(machine.passwordMessage(rawMessage("p", payload: payload)))
    }

    @Test func passwordMessageAfterASuccessfulSCRAMLoginIsAProtocolViolation() throws {
        var machine = Self.scramMachine()
        let run = try runSCRAM(&machine, password: "wonderland")
        guard case .sendSASLFinalAndSucceed = run.afterResponse else {
            Issue.record("setup: the login should succeed, got \(String(describing: run.afterResponse))")
            return
        }
        let extra = try rawMessage { PasswordMessage(password: "wonderland").encode(into: &$0) }
        Self.expectProtocolViolation(machine.passwordMessage(extra))
    }

    @Test func passwordMessageAfterAFailedLoginIsAProtocolViolation() throws {
        var machine = Self.scramMachine()
        let run = try runSCRAM(&machine, password: "wrong")
        #expect(run.afterResponse == expectedPasswordFailure("alice"))
        let extra = try rawMessage { SASLResponse(data: Array("c=biws,r=x,p=y".utf8)).encode(into: &$0) }
        Self.expectProtocolViolation(machine.passwordMessage(extra))
    }

    @Test func passwordMessageAfterTrustSucceededIsAProtocolViolation() throws {
        var machine = clientAuthentication(user: "alice", method: .trust, users: Self.users, scramIterations: 64)
        #expect(machine.start() == .succeed)
        Self.expectProtocolViolation(machine.passwordMessage(try rawMessage { PasswordMessage(password: "x").encode(into: &$0) }))
    }

    @Test func passwordMessageBeforeStartIsAProtocolViolation() throws {
        var machine = clientAuthentication(user: "alice", method: .scramSHA256, users: Self.users, scramIterations: 64)
        Self.expectProtocolViolation(machine.passwordMessage(try rawMessage { PasswordMessage(password: "x").encode(into: &$0) }))
    }

    @Test(arguments: [
        Array("md5656e5cbe0ae42b81e227a3fc0fe6d4ef".utf8),          // no NUL
        cstr("md5656e5cbe0ae42b81e227a3fc0fe6d4ef") + [0x41],       // trailing byte
        [0xFF, 0x00],                                                // not UTF-8
    ])
    func malformedPasswordMessageUnderMD5IsAProtocolViolation(payload: [UInt8]) throws {
        var machine = clientAuthentication(user: PostgresSecrets.md5User, method: .md5, users: Self.users)
        guard case .sendMD5Challenge = machine.start() else {
            Issue.record("expected an md5 challenge")
            return
        }
        Self.expectProtocolViolation(machine.passwordMessage(rawMessage("p", payload: payload)))
    }

    @Test func malformedSASLResponseDataFailsTheLogin() throws {
        // A SASLResponse whose SCRAM content is garbage ends the exchange with a FATAL error.
        var machine = Self.scramMachine()
        var client = SCRAMClientStateMachine(username: "", password: "wonderland")
        let first = client.clientFirstMessage()
        let initial = try rawMessage { SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: first).encode(into: &$0) }
        guard case .sendSASLContinue = machine.passwordMessage(initial) else {
            Issue.record("expected the server-first-message")
            return
        }
        let garbage = try rawMessage { SASLResponse(data: Array("garbage".utf8)).encode(into: &$0) }
        guard case .fail(let error) = machine.passwordMessage(garbage) else {
            Issue.record("garbage must fail the login")
            return
        }
        #expect(error.isFatal)
    }

    /// SCRAM client-first-messages that break RFC 5802's grammar or ask for what PostgreSQL refuses.
    /// PostgreSQL (auth-scram.c) reports these as 08P01 protocol_violation ("malformed SCRAM message",
    /// channel binding not supported), and `SCRAMError.sqlState` says the same; they are not password failures.
    static let badClientFirstMessages: [String] = [
        "hello",
        "p=tls-server-end-point,,n=,r=abcdefgh",
        "n,a=admin,n=,r=abcdefgh",
        "n,,m=ext,n=,r=abcdefgh",
    ]

    @Test(arguments: badClientFirstMessages)
    func scramGrammarErrorInClientFirstIsAProtocolViolation(clientFirst: String) throws {
        var machine = Self.scramMachine()
        let initial = try rawMessage {
            SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: Array(clientFirst.utf8)).encode(into: &$0)
        }
        Self.expectProtocolViolation(machine.passwordMessage(initial))
    }
}
