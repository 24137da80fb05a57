import Config
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// `auth_method = "scram-sha-256"`: a full exchange with PGAuth's SCRAM client playing the client.
@Suite("ClientAuthenticationStateMachine: SCRAM-SHA-256")
struct ClientAuthenticationSCRAMTests {
    static let users = [
        UserConfiguration(name: "alice", password: "wonderland"),
        UserConfiguration(name: "pgring_scram", scramVerifier: PostgresSecrets.scramVerifier),
        UserConfiguration(name: PostgresSecrets.md5User, md5Hash: PostgresSecrets.md5StoredHash),
    ]

    @Test func startOffersOnlySCRAMSHA256() {
        var machine = clientAuthentication(user: "alice", method: .scramSHA256, users: Self.users, scramIterations: 64)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
    }

    @Test func rightPasswordFromAPlainConfiguredPasswordSucceeds() throws {
        var machine = clientAuthentication(user: "alice", method: .scramSHA256, users: Self.users, scramIterations: 64)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
        let run = try runSCRAM(&machine, password: "wonderland")
        guard case .sendSASLFinalAndSucceed = run.afterResponse else {
            Issue.record("expected success, got \(String(describing: run.afterResponse))")
            return
        }
        #expect(run.clientVerdict == .authenticated, "the server-final-message must carry a valid server signature")
        #expect(run.serverFirst.flatMap(saltAndIterations(ofServerFirst:))?.iterations == "64")
    }

    @Test func rightPasswordAgainstAPostgresVerifierSucceeds() throws {
        var machine = clientAuthentication(user: "pgring_scram", method: .scramSHA256, users: Self.users)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
        let run = try runSCRAM(&machine, password: PostgresSecrets.scramPassword)
        guard case .sendSASLFinalAndSucceed = run.afterResponse else {
            Issue.record("expected success, got \(String(describing: run.afterResponse))")
            return
        }
        #expect(run.clientVerdict == .authenticated)
        let attributes = run.serverFirst.flatMap(saltAndIterations(ofServerFirst:))
        #expect(attributes?.salt == PostgresSecrets.scramSaltBase64)
        #expect(attributes?.iterations == "4096")
    }

    @Test(arguments: ["wonderlan", "Wonderland", "", "wonderland "])
    func wrongPasswordFailsWithPostgresMessage(password: String) throws {
        var machine = clientAuthentication(user: "alice", method: .scramSHA256, users: Self.users, scramIterations: 64)
        _ = machine.start()
        let run = try runSCRAM(&machine, password: password)
        guard case .sendSASLContinue = run.afterInitial else {
            Issue.record("the server-first-message must be sent even for a wrong password, got \(run.afterInitial)")
            return
        }
        #expect(run.afterResponse == expectedPasswordFailure("alice"))
        #expect(machine.failureReason != nil)
    }

    @Test func unknownUserGoesThroughTheExchangeAndFailsTheSameWay() throws {
        var machine = clientAuthentication(user: "mallory", method: .scramSHA256, users: Self.users)
        #expect(machine.credentials == nil)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
        let run = try runSCRAM(&machine, password: "anything")
        guard case .sendSASLContinue = run.afterInitial else {
            Issue.record("an unknown user must get a server-first-message too, got \(run.afterInitial)")
            return
        }
        let attributes = run.serverFirst.flatMap(saltAndIterations(ofServerFirst:))
        #expect(attributes?.iterations == "4096", "the mock verifier must look like a real one")
        #expect(run.afterResponse == expectedPasswordFailure("mallory"))
    }

    @Test func userWithOnlyAnMD5HashFailsUnderSCRAMTheSameWay() throws {
        var machine = clientAuthentication(user: PostgresSecrets.md5User, method: .scramSHA256, users: Self.users)
        #expect(machine.start() == .sendSASLMechanisms(["SCRAM-SHA-256"]))
        // Even the right password cannot pass: there is no SCRAM verifier to check it against.
        let run = try runSCRAM(&machine, password: PostgresSecrets.md5Password)
        guard case .sendSASLContinue = run.afterInitial else {
            Issue.record("expected a server-first-message, got \(run.afterInitial)")
            return
        }
        #expect(run.afterResponse == expectedPasswordFailure(PostgresSecrets.md5User))
    }

    @Test func wrongPasswordAndUnknownUserProduceTheSameFailureValue() throws {
        // Same name in two directories: one knows the user, the other does not.
        let known = [UserConfiguration(name: "carol", password: "right")]
        var wrongPassword = clientAuthentication(user: "carol", method: .scramSHA256, users: known, scramIterations: 64)
        var unknownUser = clientAuthentication(user: "carol", method: .scramSHA256, users: [], scramIterations: 64)
        _ = wrongPassword.start()
        _ = unknownUser.start()
        let first = try runSCRAM(&wrongPassword, password: "wrong")
        let second = try runSCRAM(&unknownUser, password: "wrong")
        #expect(first.afterResponse != nil)
        #expect(first.afterResponse == second.afterResponse)
    }

    @Test func mockSaltIsStableForOneNameAndDiffersBetweenNames() throws {
        let directory = UserDirectory([])
        func serverFirstSalt(_ user: String) throws -> String? {
            var machine = ClientAuthenticationStateMachine(
                userName: user, method: .scramSHA256, credentials: nil, mockSeed: directory.mockSeed)
            _ = machine.start()
            var client = SCRAMClientStateMachine(username: "", password: "x")
            let first = client.clientFirstMessage()
            let initial = try rawMessage { SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: first).encode(into: &$0) }
            guard case .sendSASLContinue(let serverFirst) = machine.passwordMessage(initial) else { return nil }
            return saltAndIterations(ofServerFirst: serverFirst)?.salt
        }
        let once = try serverFirstSalt("mallory")
        let twice = try serverFirstSalt("mallory")
        let other = try serverFirstSalt("trudy")
        #expect(once != nil)
        #expect(once == twice, "a salt that changes per attempt would reveal that the user does not exist")
        #expect(once != other)
    }
}
