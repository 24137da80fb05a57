import Config
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// `auth_method = "md5"` and `auth_method = "trust"`.
@Suite("ClientAuthenticationStateMachine: md5 and trust")
struct ClientAuthenticationMD5AndTrustTests {
    static let users = [
        UserConfiguration(name: PostgresSecrets.md5User, md5Hash: PostgresSecrets.md5StoredHash),
        UserConfiguration(name: "dave", password: "plain secret"),
        UserConfiguration(name: "pgring_scram", scramVerifier: PostgresSecrets.scramVerifier),
        UserConfiguration(name: "nopass"),
    ]

    /// Sends a PasswordMessage through PGWire's encoder.
    static func password(_ text: String) throws -> RawMessage {
        try rawMessage { PasswordMessage(password: text).encode(into: &$0) }
    }

    /// Starts md5 and returns the salt, recording an issue when no challenge came.
    static func challenge(_ machine: inout ClientAuthenticationStateMachine) -> [UInt8]? {
        guard case .sendMD5Challenge(let salt) = machine.start() else {
            Issue.record("expected an md5 challenge")
            return nil
        }
        #expect(salt.count == 4)
        return salt
    }

    @Test func rightResponseForAStoredPostgresHashSucceeds() throws {
        var machine = clientAuthentication(user: PostgresSecrets.md5User, method: .md5, users: Self.users)
        let salt = try #require(Self.challenge(&machine))
        let response = MD5Password.response(user: PostgresSecrets.md5User, password: PostgresSecrets.md5Password, salt: salt)
        #expect(machine.passwordMessage(try Self.password(response)) == .succeed)
    }

    @Test func rightResponseForAPlainConfiguredPasswordSucceeds() throws {
        var machine = clientAuthentication(user: "dave", method: .md5, users: Self.users, scramIterations: 64)
        let salt = try #require(Self.challenge(&machine))
        let response = MD5Password.response(user: "dave", password: "plain secret", salt: salt)
        #expect(machine.passwordMessage(try Self.password(response)) == .succeed)
    }

    @Test(arguments: ["md5 secre", "MD5 secret", "", "md5 secret "])
    func wrongPasswordFails(password: String) throws {
        var machine = clientAuthentication(user: PostgresSecrets.md5User, method: .md5, users: Self.users)
        let salt = try #require(Self.challenge(&machine))
        let response = MD5Password.response(user: PostgresSecrets.md5User, password: password, salt: salt)
        #expect(machine.passwordMessage(try Self.password(response)) == expectedPasswordFailure(PostgresSecrets.md5User))
    }

    @Test func sendingTheStoredHashItselfFails() throws {
        var machine = clientAuthentication(user: PostgresSecrets.md5User, method: .md5, users: Self.users)
        _ = try #require(Self.challenge(&machine))
        #expect(machine.passwordMessage(try Self.password(PostgresSecrets.md5StoredHash)) == expectedPasswordFailure(PostgresSecrets.md5User))
    }

    @Test func aResponseForAnotherSaltFails() throws {
        var machine = clientAuthentication(user: PostgresSecrets.md5User, method: .md5, users: Self.users)
        let salt = try #require(Self.challenge(&machine))
        // A response that would be right for a different (pinned) salt: a replay must not pass.
        let replay = try #require(PostgresSecrets.md5Responses.first(where: { $0.salt != salt }))
        #expect(machine.passwordMessage(try Self.password(replay.response)) == expectedPasswordFailure(PostgresSecrets.md5User))
    }

    @Test func unknownUserGetsAChallengeAndTheSameFailure() throws {
        var machine = clientAuthentication(user: "mallory", method: .md5, users: Self.users)
        let salt = try #require(Self.challenge(&machine))
        let response = MD5Password.response(user: "mallory", password: "whatever", salt: salt)
        #expect(machine.passwordMessage(try Self.password(response)) == expectedPasswordFailure("mallory"))
    }

    @Test func userWithOnlyASCRAMVerifierAuthenticatesWithSCRAMUnderMD5() throws {
        // As PostgreSQL: `md5` in pg_hba.conf uses SCRAM when the stored secret is a SCRAM verifier.
        var machine = clientAuthentication(user: "pgring_scram", method: .md5, users: Self.users)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
        let run = try runSCRAM(&machine, password: PostgresSecrets.scramPassword)
        guard case .sendSASLFinalAndSucceed = run.afterResponse else {
            Issue.record("expected SCRAM success, got \(String(describing: run.afterResponse))")
            return
        }
        #expect(run.clientVerdict == .authenticated)
    }

    @Test func userWithOnlyASCRAMVerifierAndAWrongPasswordFailsUnderMD5() throws {
        var machine = clientAuthentication(user: "pgring_scram", method: .md5, users: Self.users)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
        let run = try runSCRAM(&machine, password: "wrong horse")
        #expect(run.afterResponse == expectedPasswordFailure("pgring_scram"))
    }

    @Test func twoChallengesUseDifferentSalts() throws {
        var first = clientAuthentication(user: PostgresSecrets.md5User, method: .md5, users: Self.users)
        var second = clientAuthentication(user: PostgresSecrets.md5User, method: .md5, users: Self.users)
        let one = try #require(Self.challenge(&first))
        let two = try #require(Self.challenge(&second))
        #expect(one != two, "the md5 salt must be random per attempt (a 1 in 2^32 collision is accepted)")
    }

    @Test(arguments: ["dave", PostgresSecrets.md5User, "pgring_scram", "nopass"])
    func trustLetsAKnownUserInWithoutAPassword(user: String) {
        var machine = clientAuthentication(user: user, method: .trust, users: Self.users, scramIterations: 64)
        #expect(machine.start() == .succeed)
    }

    @Test func trustRefusesAnUnknownUser() {
        var machine = clientAuthentication(user: "mallory", method: .trust, users: Self.users, scramIterations: 64)
        #expect(machine.start() == expectedPasswordFailure("mallory"))
    }
}
