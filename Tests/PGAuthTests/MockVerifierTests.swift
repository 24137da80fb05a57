import Testing
@testable import PGAuth

/// Unknown users get a mock verifier and must be indistinguishable from a wrong password.
@Suite("SCRAM mock verifier for unknown users")
struct MockVerifierTests {
    static let seed: [UInt8] = Array(0..<32)

    @Test func unknownUserFailsExactlyLikeAWrongPassword() throws {
        let real = try #require(SCRAMVerifier(parsing: PostgresVectorTests.verifierString))
        let wrongPassword = runExchange(password: "wrong", verifier: real)
        let mock = SCRAMVerifier.mock(username: "nobody", mockSeed: Self.seed)
        let unknownUser = runExchange(password: "wrong", verifier: mock, isMockVerifier: true)
        #expect(wrongPassword.serverAction == .fail(.invalidProof))
        #expect(unknownUser.serverAction == wrongPassword.serverAction)
        #expect(unknownUser.clientAction == nil)
    }

    @Test func mockFlagRefusesEvenAMatchingProof() throws {
        // A verifier the password really matches, flagged as mock, must still fail.
        let verifier = try #require(SCRAMVerifier(parsing: PostgresVectorTests.verifierString))
        let outcome = runExchange(password: PostgresVectorTests.password, verifier: verifier, isMockVerifier: true)
        #expect(outcome.serverAction == .fail(.invalidProof))
    }

    @Test func mockServerFirstLooksLikeARealOne() throws {
        let real = try #require(SCRAMVerifier(parsing: PostgresVectorTests.verifierString))
        let mock = SCRAMVerifier.mock(username: "nobody", mockSeed: Self.seed)
        #expect(mock.salt.count == real.salt.count)
        #expect(mock.iterations == real.iterations)
        var realServer = SCRAMServerStateMachine(verifier: real)
        var mockServer = SCRAMServerStateMachine(verifier: mock, isMockVerifier: true)
        let clientFirst = bytes("n,,n=,r=abcdefghijklmnopqrstuvwx")
        guard case .sendServerFirst(let realFirst) = realServer.receiveClientFirst(clientFirst),
            case .sendServerFirst(let mockFirst) = mockServer.receiveClientFirst(clientFirst)
        else {
            Issue.record("server-first not produced")
            return
        }
        #expect(realFirst.count == mockFirst.count)
        #expect(realFirst != mockFirst)
    }

    @Test func mockIsStablePerUserAndSeed() {
        let first = SCRAMVerifier.mock(username: "nobody", mockSeed: Self.seed)
        #expect(SCRAMVerifier.mock(username: "nobody", mockSeed: Self.seed) == first)
        #expect(SCRAMVerifier.mock(username: "nobody2", mockSeed: Self.seed).salt != first.salt)
        #expect(SCRAMVerifier.mock(username: "nobody", mockSeed: Array(1..<33)).salt != first.salt)
        #expect(first.storedKey != first.serverKey)
    }

    @Test(arguments: [0, 1, 4096, 20_000_000])
    func mockIterationsStayInBounds(iterations: Int) {
        let mock = SCRAMVerifier.mock(username: "u", mockSeed: Self.seed, iterations: iterations)
        #expect(SCRAMLimits.iterationRange.contains(mock.iterations))
        #expect(SCRAMVerifier(parsing: mock.stringValue) == mock)
    }
}
