import Testing
@testable import PGAuth

/// Key caching and SCRAM pass-through (`SCRAMClientKeys`).
@Suite("SCRAM client keys: cache and pass-through")
struct SCRAMClientKeysTests {
    static func postgresVerifier() throws -> SCRAMVerifier {
        try #require(SCRAMVerifier(parsing: PostgresVectorTests.verifierString))
    }

    /// Runs an exchange where the client is given, returning the client's final action.
    static func login(_ client: inout SCRAMClientStateMachine, to verifier: SCRAMVerifier) -> SCRAMClientStateMachine.Action {
        var server = SCRAMServerStateMachine(verifier: verifier)
        guard case .sendServerFirst(let serverFirst) = server.receiveClientFirst(client.clientFirstMessage()) else {
            return .fail(.unexpectedMessage)
        }
        let clientFinal = client.receiveServerFirst(serverFirst)
        guard case .sendClientFinal(let finalBytes) = clientFinal else { return clientFinal }
        guard case .sendServerFinalAndSucceed(let serverFinal) = server.receiveClientFinal(finalBytes) else {
            return .fail(.invalidProof)
        }
        return client.receiveServerFinal(serverFinal)
    }

    @Test func passThroughLogsInWithoutThePassword() throws {
        let verifier = try Self.postgresVerifier()
        // A client logs into pgring with the password...
        var client = SCRAMClientStateMachine(username: "", password: PostgresVectorTests.password)
        var pgring = SCRAMServerStateMachine(verifier: verifier)
        #expect(pgring.passthroughKeys == nil)
        guard case .sendServerFirst(let serverFirst) = pgring.receiveClientFirst(client.clientFirstMessage()),
            case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst),
            case .sendServerFinalAndSucceed = pgring.receiveClientFinal(clientFinal)
        else {
            Issue.record("login to pgring failed")
            return
        }
        let keys = try #require(pgring.passthroughKeys)
        #expect(keys == SCRAMClientKeys.derive(password: PostgresVectorTests.password, salt: verifier.salt, iterations: 4096))
        // ...and pgring logs into "PostgreSQL" (same verifier) with the recovered keys only.
        var upstream = SCRAMClientStateMachine(username: "", clientKeys: keys)
        #expect(Self.login(&upstream, to: verifier) == .authenticated)
    }

    @Test func passThroughKeysFailAfterAPasswordChange() throws {
        let keys = SCRAMClientKeys.derive(password: PostgresVectorTests.password, salt: try Self.postgresVerifier().salt, iterations: 4096)
        var otherSalt = SCRAMClientStateMachine(username: "", clientKeys: keys)
        #expect(Self.login(&otherSalt, to: SCRAMVerifier.generate(password: PostgresVectorTests.password)) == .fail(.clientKeysDoNotMatchServer))
        var otherIterations = SCRAMClientStateMachine(username: "", clientKeys: keys)
        let verifier4097 = SCRAMVerifier.derive(password: PostgresVectorTests.password, salt: keys.salt, iterations: 4097)
        #expect(Self.login(&otherIterations, to: verifier4097) == .fail(.clientKeysDoNotMatchServer))
    }

    @Test func cachedKeysSkipPBKDF2OnlyWhenTheyFit() throws {
        let verifier = try Self.postgresVerifier()
        var first = SCRAMClientStateMachine(username: "", password: PostgresVectorTests.password)
        #expect(first.authenticatedKeys == nil)
        #expect(Self.login(&first, to: verifier) == .authenticated)
        let cached = try #require(first.authenticatedKeys)
        // With fitting cached keys the (here deliberately wrong) password is not even used: proof the cache is.
        var fromCache = SCRAMClientStateMachine(username: "", password: "not used", cachedKeys: cached)
        #expect(Self.login(&fromCache, to: verifier) == .authenticated)
        // With another salt the password is used again.
        let changed = SCRAMVerifier.generate(password: PostgresVectorTests.password)
        var stale = SCRAMClientStateMachine(username: "", password: PostgresVectorTests.password, cachedKeys: cached)
        #expect(Self.login(&stale, to: changed) == .authenticated)
        #expect(stale.authenticatedKeys?.salt == changed.salt)
    }

    @Test func keysMustMatchTheVerifier() throws {
        let verifier = try Self.postgresVerifier()
        let right = SCRAMClientKeys.derive(password: PostgresVectorTests.password, salt: verifier.salt, iterations: 4096)
        #expect(SCRAMClientKeys(clientKey: right.clientKey, verifier: verifier) == right)
        var wrong = right.clientKey
        wrong[5] ^= 1
        #expect(SCRAMClientKeys(clientKey: wrong, verifier: verifier) == nil)
        #expect(SCRAMClientKeys(clientKey: Array(right.clientKey.dropLast()), verifier: verifier) == nil)
    }

    @Test func noPassThroughKeysAfterFailureOrForAMock() throws {
        let verifier = try Self.postgresVerifier()
        var server = SCRAMServerStateMachine(verifier: verifier, isMockVerifier: true)
        var client = SCRAMClientStateMachine(username: "", password: PostgresVectorTests.password)
        guard case .sendServerFirst(let serverFirst) = server.receiveClientFirst(client.clientFirstMessage()),
            case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst)
        else {
            Issue.record("exchange did not start")
            return
        }
        #expect(server.receiveClientFinal(clientFinal) == .fail(.invalidProof))
        #expect(server.passthroughKeys == nil)
        #expect(client.authenticatedKeys == nil)
    }
}
