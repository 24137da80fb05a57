import Config
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// pgring logging into PostgreSQL: cleartext, md5 and SCRAM-SHA-256, with a scripted server.
@Suite("ServerStartupStateMachine: authentication")
struct ServerStartupAuthenticationTests {
    /// A machine past the StartupMessage (tls disabled), waiting for an authentication request.
    static func started(user: String = "pgring", password: String?) -> ServerStartupStateMachine {
        var machine = ServerStartupStateMachine(user: user, password: password, database: "app", tlsMode: .disable)
        _ = machine.start()
        return machine
    }

    /// Feeds AuthenticationOk, two ParameterStatus, BackendKeyData and ReadyForQuery; returns the last action.
    static func finishLogin(_ machine: inout ServerStartupStateMachine) throws -> ServerStartupStateMachine.Action {
        for message in [
            try Backend.authentication(.ok),
            try Backend.parameterStatus("server_version", "15.8"),
            try Backend.backendKeyData(processID: 99, secretKey: [9, 8, 7, 6]),
        ] {
            let action = machine.message(message)
            guard action == .wait else { return action }
        }
        return machine.message(try Backend.readyForQuery())
    }

    @Test func cleartextPasswordIsSentAsIs() throws {
        var machine = Self.started(password: "s3cret 'quoted'")
        #expect(machine.message(try Backend.authentication(.cleartextPassword)) == .sendPassword("s3cret 'quoted'"))
        #expect(try Self.finishLogin(&machine) == .ready)
    }

    @Test(arguments: 0..<2)
    func md5ResponseMatchesPostgres(index: Int) throws {
        let vector = PostgresSecrets.md5Responses[index]
        var machine = Self.started(user: PostgresSecrets.md5User, password: PostgresSecrets.md5Password)
        #expect(machine.message(try Backend.authentication(.md5Password(salt: vector.salt))) == .sendPassword(vector.response))
        #expect(try Self.finishLogin(&machine) == .ready)
    }

    @Test(arguments: [
        AuthenticationRequest.cleartextPassword,
        .md5Password(salt: [1, 2, 3, 4]),
        .sasl(mechanisms: ["SCRAM-SHA-256"]),
    ])
    func aPasswordRequestWithoutAConfiguredPasswordFails(request: AuthenticationRequest) throws {
        var machine = Self.started(password: nil)
        #expect(machine.message(try Backend.authentication(request)) == .fail(.passwordRequired))
    }

    @Test func trustNeedsNoPassword() throws {
        var machine = Self.started(password: nil)
        #expect(try Self.finishLogin(&machine) == .ready)
    }

    @Test(arguments: [Int32(2), 6, 7, 8, 9, 1, 4, 13, -1, 1000])
    func unsupportedAuthenticationCodesFail(code: Int32) throws {
        var machine = Self.started(password: "pw")
        let action = machine.message(rawMessage("R", payload: be32(code)))
        guard case .fail(.unsupportedAuthentication) = action else {
            Issue.record("code \(code): expected unsupportedAuthentication, got \(action)")
            return
        }
    }

    @Test func saslWithoutSCRAMSHA256Fails() throws {
        var machine = Self.started(password: "pw")
        let action = machine.message(try Backend.authentication(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "OAUTHBEARER"])))
        guard case .fail(.unsupportedAuthentication) = action else {
            Issue.record("expected unsupportedAuthentication, got \(action)")
            return
        }
    }

    @Test(arguments: [
        [UInt8](),                                    // no code
        be32(5) + [1, 2, 3],                          // md5 salt of 3 bytes
        be32(5) + [1, 2, 3, 4, 5],                    // md5 salt of 5 bytes
        be32(0) + [0],                                // AuthenticationOk with a trailing byte
        be32(10) + cstr("SCRAM-SHA-256"),             // mechanism list without the final NUL
    ])
    func malformedAuthenticationRequestsAreProtocolViolations(payload: [UInt8]) {
        var machine = Self.started(password: "pw")
        guard case .fail(.protocolViolation) = machine.message(rawMessage("R", payload: payload)) else {
            Issue.record("payload \(payload) must be refused")
            return
        }
    }

    @Test(arguments: [AuthenticationRequest.saslContinue(data: Array("r=abc,s=c2FsdA==,i=4096".utf8)), .saslFinal(data: Array("v=abc".utf8))])
    func saslDataBeforeSASLStartedIsAProtocolViolation(request: AuthenticationRequest) throws {
        var machine = Self.started(password: "pw")
        guard case .fail(.protocolViolation) = machine.message(try Backend.authentication(request)) else {
            Issue.record("SASL data before AuthenticationSASL must be refused")
            return
        }
    }

    @Test(arguments: [
        ("28P01", "password authentication failed for user \"pgring\""),
        ("3D000", "database \"app\" does not exist"),
        ("53300", "sorry, too many clients already"),
        ("57P03", "the database system is starting up"),
    ])
    func serverErrorDuringLoginFailsWithItsSQLState(code: String, message: String) throws {
        var machine = Self.started(password: "pw")
        #expect(machine.message(try Backend.authentication(.cleartextPassword)) == .sendPassword("pw"))
        #expect(machine.message(try Backend.error(code: code, message: message)) == .fail(.serverError(sqlState: code, message: message)))
    }

    @Test func serverErrorAfterAuthenticationOkFailsToo() throws {
        var machine = Self.started(password: "pw")
        #expect(machine.message(try Backend.authentication(.ok)) == .wait)
        let action = machine.message(try Backend.error(code: "3D000", message: "database \"app\" does not exist"))
        #expect(action == .fail(.serverError(sqlState: "3D000", message: "database \"app\" does not exist")))
    }

    @Test func errorResponseWithoutFieldsStillFails() {
        var machine = Self.started(password: "pw")
        // Every ErrorResponse field is optional: just the terminator.
        guard case .fail(.serverError) = machine.message(rawMessage("E", payload: [0])) else {
            Issue.record("an empty ErrorResponse must fail the login")
            return
        }
    }

    @Test func unreadableErrorResponseStillFails() {
        var machine = Self.started(password: "pw")
        // A field without its NUL: undecodable, but still an error from the server.
        guard case .fail(.serverError) = machine.message(rawMessage("E", payload: [UInt8(ascii: "M")] + Array("oops".utf8))) else {
            Issue.record("an unreadable ErrorResponse must fail the login")
            return
        }
    }
}
