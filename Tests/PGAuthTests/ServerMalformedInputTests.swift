import Testing
@testable import PGAuth

/// Hostile or broken client messages fed to `SCRAMServerStateMachine`: each must produce a `.fail` action
/// (never a crash, never success) and leave the machine refusing anything further.
@Suite("SCRAM server: malformed client messages")
struct ServerMalformedInputTests {
    /// One row of a table: a name, the bytes, and the expected error (`.malformed("")` = any malformed).
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let message: [UInt8]
        let expected: SCRAMError
        var testDescription: String { name }
        init(_ name: String, _ message: String, _ expected: SCRAMError) {
            self.init(name, bytes(message), expected)
        }
        init(_ name: String, _ message: [UInt8], _ expected: SCRAMError) {
            self.name = name
            self.message = message
            self.expected = expected
        }
    }

    static let malformed = SCRAMError.malformed("")

    static let clientFirstRows: [Row] = [
        Row("empty", "", malformed),
        Row("no nonce", "n,,n=user", malformed),
        Row("empty nonce", "n,,n=user,r=", malformed),
        Row("nonce with a space", "n,,n=user,r=abc def", malformed),
        Row("nonce with a control byte", "n,,n=user,r=abc\u{7F}", malformed),
        Row("nonce longer than 256", "n,,n=user,r=" + String(repeating: "a", count: 257), malformed),
        Row("huge message", "n,,n=user,r=" + String(repeating: "a", count: 5000), malformed),
        Row("1025 bytes", "n,,n=,r=" + String(repeating: "a", count: 1017), malformed),
        Row("NUL byte", bytes("n,,n=user,r=abc") + [0], malformed),
        Row("channel binding p=tls-server-end-point", "p=tls-server-end-point,,n=user,r=abc", .channelBindingNotSupported),
        Row("channel binding p=tls-unique", "p=tls-unique,,n=,r=abc", .channelBindingNotSupported),
        Row("unknown channel binding flag", "x,,n=user,r=abc", malformed),
        Row("empty channel binding flag", ",,n=user,r=abc", malformed),
        Row("authorization identity", "n,a=admin,n=user,r=abc", .authorizationIdentityNotSupported),
        Row("garbage authzid field", "n,zz,n=user,r=abc", malformed),
        Row("mandatory extension m=", "n,,m=ext,n=user,r=abc", .unsupportedMandatoryExtension),
        Row("m= after the nonce", "n,,n=user,r=abc,m=ext", .unsupportedMandatoryExtension),
        Row("nonce before user name", "n,,r=abc,n=user", malformed),
        Row("missing gs2 header", "n=user,r=abc", malformed),
        Row("extension without =", "n,,n=user,r=abc,garbage", malformed),
        Row("trailing comma", "n,,n=user,r=abc,", malformed),
        Row("attribute name not a letter", "n,,n=user,r=abc,1=x", malformed),
        Row("too many attributes", "n,,n=user,r=abc" + String(repeating: ",x=1", count: 20), malformed),
        Row("only commas", ",,,,,,", malformed),
    ]

    @Test(arguments: clientFirstRows)
    func clientFirstIsRejected(row: Row) throws {
        let verifier = try RFC7677VectorTests.derivedVerifier()
        var server = SCRAMServerStateMachine(verifier: verifier, serverNonce: bytes("server"))
        let action = server.receiveClientFirst(row.message)
        #expect(failureKind(action) == row.expected)
        // The exchange is over: a well-formed message is now refused too.
        #expect(server.receiveClientFirst(bytes(RFC7677VectorTests.clientFirst)) == .fail(.unexpectedMessage))
        #expect(!server.isAuthenticated)
    }

    @Test(arguments: [
        "n,,n=user,r=abc",
        "y,,n=user,r=abc",
        "n,,n=,r=abc",
        "n,,n=odd=2Cname,r=abc,x=ignored extension",
    ])
    func acceptableClientFirst(message: String) throws {
        let verifier = try RFC7677VectorTests.derivedVerifier()
        var server = SCRAMServerStateMachine(verifier: verifier, serverNonce: bytes("SRV"))
        #expect(server.receiveClientFirst(bytes(message)) == .sendServerFirst(
            bytes("r=abcSRV,s=\(RFC7677VectorTests.salt),i=4096")))
    }

    static let nonce = RFC7677VectorTests.clientNonce + RFC7677VectorTests.serverNonce
    static let proof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="

    static let clientFinalRows: [Row] = [
        Row("empty", "", malformed),
        Row("no proof", "c=biws,r=\(nonce)", malformed),
        Row("no channel binding", "r=\(nonce),p=\(proof)", malformed),
        Row("nonce not ours", "c=biws,r=rOprNGfwEbeRWgbNEkqOforged,p=\(proof)", .nonceMismatch),
        Row("nonce is only the client part", "c=biws,r=\(RFC7677VectorTests.clientNonce),p=\(proof)", .nonceMismatch),
        Row("nonce with extra suffix", "c=biws,r=\(nonce)x,p=\(proof)", .nonceMismatch),
        Row("channel binding y,, after n,,", "c=eSws,r=\(nonce),p=\(proof)", .channelBindingMismatch),
        Row("channel binding data p=tls-server-end-point",
            "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsAAAA,r=\(nonce),p=\(proof)", .channelBindingMismatch),
        Row("channel binding not base64", "c=bi!s,r=\(nonce),p=\(proof)", malformed),
        Row("proof not base64", "c=biws,r=\(nonce),p=not base64!", malformed),
        Row("proof with bad padding", "c=biws,r=\(nonce),p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ", malformed),
        Row("proof too short", "c=biws,r=\(nonce),p=AAAA", malformed),
        Row("proof too long", "c=biws,r=\(nonce),p=\(Base64.encode([UInt8](repeating: 1, count: 33)))", malformed),
        Row("empty proof", "c=biws,r=\(nonce),p=", malformed),
        Row("proof not last", "c=biws,r=\(nonce),p=\(proof),x=1", malformed),
        Row("mandatory extension", "c=biws,r=\(nonce),m=1,p=\(proof)", .unsupportedMandatoryExtension),
        Row("huge message", "c=biws,r=\(nonce),x=\(String(repeating: "a", count: 2000)),p=\(proof)", malformed),
        Row("NUL byte", bytes("c=biws,r=\(nonce),p=\(proof)") + [0], malformed),
        // Well formed, but the proof covered a different client-final-message-without-proof.
        Row("extension changes AuthMessage", "c=biws,r=\(nonce),x=ext,p=\(proof)", .invalidProof),
        Row("right format, zero proof", "c=biws,r=\(nonce),p=\(Base64.encode([UInt8](repeating: 0, count: 32)))", .invalidProof),
    ]

    @Test(arguments: clientFinalRows)
    func clientFinalIsRejected(row: Row) throws {
        var server = SCRAMServerStateMachine(
            verifier: try RFC7677VectorTests.derivedVerifier(), serverNonce: bytes(RFC7677VectorTests.serverNonce))
        #expect(server.receiveClientFirst(bytes(RFC7677VectorTests.clientFirst))
            == .sendServerFirst(bytes(RFC7677VectorTests.serverFirst)))
        #expect(failureKind(server.receiveClientFinal(row.message)) == row.expected)
        // Even the right client-final is refused after a failure.
        #expect(server.receiveClientFinal(bytes(RFC7677VectorTests.clientFinal)) == .fail(.unexpectedMessage))
        #expect(!server.isAuthenticated)
    }

    @Test func clientFinalBeforeClientFirstIsUnexpected() throws {
        var server = SCRAMServerStateMachine(verifier: try RFC7677VectorTests.derivedVerifier())
        #expect(server.receiveClientFinal(bytes(RFC7677VectorTests.clientFinal)) == .fail(.unexpectedMessage))
    }

    @Test func secondClientFirstIsUnexpected() throws {
        var server = SCRAMServerStateMachine(verifier: try RFC7677VectorTests.derivedVerifier())
        _ = server.receiveClientFirst(bytes(RFC7677VectorTests.clientFirst))
        #expect(server.receiveClientFirst(bytes(RFC7677VectorTests.clientFirst)) == .fail(.unexpectedMessage))
    }

    /// A client that supports channel binding but thinks the server does not (`y,,`) must repeat `y,,`
    /// (base64 `eSws`) in `c=` and can then log in.
    @Test func yFlagExchangeSucceeds() throws {
        let verifier = try RFC7677VectorTests.derivedVerifier()
        var server = SCRAMServerStateMachine(verifier: verifier, serverNonce: bytes("SRV"))
        let clientFirstBare = "n=,r=abc"
        guard case .sendServerFirst(let serverFirst) = server.receiveClientFirst(bytes("y,," + clientFirstBare)) else {
            Issue.record("y,, client-first refused")
            return
        }
        // Client side computed by hand from RFC 5802 section 3.
        let saltedPassword = SCRAMCrypto.hi(password: bytes("pencil"), salt: verifier.salt, iterations: 4096)
        let keys = SCRAMCrypto.keys(saltedPassword: saltedPassword)
        let withoutProof = "c=eSws,r=abcSRV"
        let authMessage = bytes(clientFirstBare) + bytes(",") + serverFirst + bytes(",") + bytes(withoutProof)
        let proof = SCRAMCrypto.xor(keys.clientKey, SCRAMCrypto.hmac(key: keys.storedKey, message: authMessage))
        let expectedSignature = SCRAMCrypto.hmac(key: keys.serverKey, message: authMessage)
        #expect(server.receiveClientFinal(bytes(withoutProof + ",p=" + Base64.encode(proof)))
            == .sendServerFinalAndSucceed(bytes("v=" + Base64.encode(expectedSignature))))
    }

    @Test func sqlStates() {
        #expect(SCRAMError.invalidProof.sqlState == "28P01")
        #expect(SCRAMError.malformed("x").sqlState == "08P01")
        #expect(SCRAMError.channelBindingNotSupported.sqlState == "08P01")
    }
}
