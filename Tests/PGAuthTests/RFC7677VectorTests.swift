import Testing
@testable import PGAuth

/// The SCRAM-SHA-256 example exchange of RFC 7677 section 3, on both sides.
@Suite("RFC 7677 test vector")
struct RFC7677VectorTests {
    static let clientNonce = "rOprNGfwEbeRWgbNEkqO"
    static let serverNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    static let salt = "W22ZaJ0SNY7soEsUEjb6gQ=="
    static let clientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    static let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    static let clientFinal =
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    static let serverFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    /// StoredKey and ServerKey for "pencil", computed independently with Python's hashlib.pbkdf2_hmac.
    static let verifierString =
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="

    static func derivedVerifier() throws -> SCRAMVerifier {
        let salt = try #require(Base64.decode(Self.salt, maximumDecodedLength: 64))
        return SCRAMVerifier.derive(password: "pencil", salt: salt, iterations: 4096)
    }

    @Test func deriveMatchesIndependentPBKDF2() throws {
        #expect(try Self.derivedVerifier().stringValue == Self.verifierString)
        #expect(try Self.derivedVerifier() == SCRAMVerifier(parsing: Self.verifierString))
    }

    @Test func clientProducesTheRFCMessages() {
        var client = SCRAMClientStateMachine(username: "user", password: "pencil", clientNonce: bytes(Self.clientNonce))
        #expect(client.clientFirstMessage() == bytes(Self.clientFirst))
        #expect(client.receiveServerFirst(bytes(Self.serverFirst)) == .sendClientFinal(bytes(Self.clientFinal)))
        #expect(!client.isAuthenticated)
        #expect(client.receiveServerFinal(bytes(Self.serverFinal)) == .authenticated)
        #expect(client.isAuthenticated)
    }

    @Test(arguments: [false, true])
    func serverProducesTheRFCMessages(parsedVerifier: Bool) throws {
        let verifier = parsedVerifier
            ? try #require(SCRAMVerifier(parsing: Self.verifierString))
            : try Self.derivedVerifier()
        var server = SCRAMServerStateMachine(verifier: verifier, serverNonce: bytes(Self.serverNonce))
        #expect(server.receiveClientFirst(bytes(Self.clientFirst)) == .sendServerFirst(bytes(Self.serverFirst)))
        #expect(!server.isAuthenticated)
        #expect(server.receiveClientFinal(bytes(Self.clientFinal)) == .sendServerFinalAndSucceed(bytes(Self.serverFinal)))
        #expect(server.isAuthenticated)
        // Nothing is accepted after success.
        #expect(server.receiveClientFinal(bytes(Self.clientFinal)) == .fail(.unexpectedMessage))
        #expect(!server.isAuthenticated)
    }

    @Test func clientRejectsAServerSignatureOffByOneBit() throws {
        var client = SCRAMClientStateMachine(username: "user", password: "pencil", clientNonce: bytes(Self.clientNonce))
        _ = client.clientFirstMessage()
        _ = client.receiveServerFirst(bytes(Self.serverFirst))
        var signature = try #require(Base64.decode("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", maximumDecodedLength: 32))
        signature[31] ^= 1
        #expect(client.receiveServerFinal(bytes("v=") + Base64.encodeToBytes(signature)) == .fail(.invalidServerSignature))
        #expect(!client.isAuthenticated)
    }

    @Test func serverRejectsAProofOffByOneBit() throws {
        var server = SCRAMServerStateMachine(verifier: try Self.derivedVerifier(), serverNonce: bytes(Self.serverNonce))
        _ = server.receiveClientFirst(bytes(Self.clientFirst))
        var proof = try #require(Base64.decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", maximumDecodedLength: 32))
        proof[0] ^= 0x80
        let final = "c=biws,r=\(Self.clientNonce)\(Self.serverNonce),p=\(Base64.encode(proof))"
        #expect(server.receiveClientFinal(bytes(final)) == .fail(.invalidProof))
    }

    @Test func wrongPasswordGivesADifferentProof() {
        var client = SCRAMClientStateMachine(username: "user", password: "pencil2", clientNonce: bytes(Self.clientNonce))
        _ = client.clientFirstMessage()
        let action = client.receiveServerFirst(bytes(Self.serverFirst))
        #expect(action != .sendClientFinal(bytes(Self.clientFinal)))
        #expect(client.receiveServerFinal(bytes(Self.serverFinal)) == .fail(.invalidServerSignature))
    }
}
