import Testing
@testable import PGAuth

/// Hostile or broken server messages fed to `SCRAMClientStateMachine` (pgring logging into a server that
/// might be an impostor): each must produce a `.fail` action, never a crash and never `.authenticated`.
@Suite("SCRAM client: malformed server messages")
struct ClientMalformedInputTests {
    typealias Row = ServerMalformedInputTests.Row
    static let malformed = SCRAMError.malformed("")
    static let salt = RFC7677VectorTests.salt
    static let nonce = RFC7677VectorTests.clientNonce + RFC7677VectorTests.serverNonce

    static let serverFirstRows: [Row] = [
        Row("empty", "", malformed),
        Row("only a nonce", "r=\(nonce)", malformed),
        Row("no iteration count", "r=\(nonce),s=\(salt)", malformed),
        Row("nonce not starting with the client nonce", "r=XOprNGfwEbeRWgbNEkqOserver,s=\(salt),i=4096", .nonceMismatch),
        Row("nonce equal to the client nonce", "r=\(RFC7677VectorTests.clientNonce),s=\(salt),i=4096", .nonceMismatch),
        Row("nonce shorter than the client nonce", "r=rOpr,s=\(salt),i=4096", .nonceMismatch),
        Row("nonce not printable", "r=\(nonce)\u{7F},s=\(salt),i=4096", malformed),
        Row("nonce over 512 bytes", "r=\(nonce)\(String(repeating: "n", count: 520)),s=\(salt),i=4096", malformed),
        Row("iteration count 0", "r=\(nonce),s=\(salt),i=0", .iterationCountOutOfRange),
        Row("iteration count 10000001", "r=\(nonce),s=\(salt),i=10000001", .iterationCountOutOfRange),
        Row("iteration count 2^63", "r=\(nonce),s=\(salt),i=9223372036854775808", .iterationCountOutOfRange),
        Row("iteration count 40 digits", "r=\(nonce),s=\(salt),i=\(String(repeating: "9", count: 40))", .iterationCountOutOfRange),
        Row("negative iteration count", "r=\(nonce),s=\(salt),i=-1", malformed),
        Row("iteration count with leading zero", "r=\(nonce),s=\(salt),i=04096", malformed),
        Row("iteration count with sign", "r=\(nonce),s=\(salt),i=+4096", malformed),
        Row("iteration count not a number", "r=\(nonce),s=\(salt),i=abc", malformed),
        Row("empty iteration count", "r=\(nonce),s=\(salt),i=", malformed),
        Row("empty salt", "r=\(nonce),s=,i=4096", malformed),
        Row("salt not base64", "r=\(nonce),s=!!!!,i=4096", malformed),
        Row("salt base64 without padding", "r=\(nonce),s=W22ZaJ0SNY7soEsUEjb6gQ,i=4096", malformed),
        Row("salt over 256 bytes", "r=\(nonce),s=\(Base64.encode([UInt8](repeating: 7, count: 300))),i=4096", malformed),
        Row("mandatory extension", "m=ext,r=\(nonce),s=\(salt),i=4096", .unsupportedMandatoryExtension),
        Row("attributes out of order", "s=\(salt),r=\(nonce),i=4096", malformed),
        Row("bad extension", "r=\(nonce),s=\(salt),i=4096,junk", malformed),
        Row("huge message", "r=\(nonce),s=\(salt),i=4096,x=\(String(repeating: "a", count: 1100))", malformed),
        Row("NUL byte", bytes("r=\(nonce),s=\(salt),i=4096") + [0], malformed),
        Row("server error instead", "e=other-error", malformed),
    ]

    static func clientWaitingForServerFirst() -> SCRAMClientStateMachine {
        var client = SCRAMClientStateMachine(
            username: "user", password: "pencil", clientNonce: bytes(RFC7677VectorTests.clientNonce))
        _ = client.clientFirstMessage()
        return client
    }

    @Test(arguments: serverFirstRows)
    func serverFirstIsRejected(row: Row) {
        var client = Self.clientWaitingForServerFirst()
        #expect(failureKind(client.receiveServerFirst(row.message)) == row.expected)
        #expect(client.receiveServerFinal(bytes(RFC7677VectorTests.serverFinal)) == .fail(.unexpectedMessage))
        #expect(!client.isAuthenticated)
    }

    @Test func serverFirstExtensionsAreIgnored() {
        var client = Self.clientWaitingForServerFirst()
        // Extensions change AuthMessage, so the proof differs from the RFC's, but the message is accepted.
        guard case .sendClientFinal(let final) = client.receiveServerFirst(bytes(RFC7677VectorTests.serverFirst + ",x=1")) else {
            Issue.record("extension after i= refused")
            return
        }
        #expect(final.starts(with: bytes("c=biws,r=\(Self.nonce),p=")))
        #expect(final != bytes(RFC7677VectorTests.clientFinal))
    }

    static let serverFinalRows: [Row] = [
        Row("empty", "", malformed),
        Row("server error", "e=invalid-proof", .serverError("invalid-proof")),
        Row("server error, empty", "e=", .serverError("")),
        Row("signature too short", "v=AAAA", malformed),
        Row("signature not base64", "v=!!!", malformed),
        Row("empty signature", "v=", malformed),
        Row("wrong signature", "v=\(Base64.encode([UInt8](repeating: 9, count: 32)))", .invalidServerSignature),
        Row("unknown attribute", "x=1", malformed),
        Row("not an attribute", "garbage", malformed),
        Row("NUL byte", bytes(RFC7677VectorTests.serverFinal) + [0], malformed),
        Row("bad extension after signature", RFC7677VectorTests.serverFinal + ",junk", malformed),
        Row("huge message", "e=" + String(repeating: "x", count: 2000), malformed),
    ]

    @Test(arguments: serverFinalRows)
    func serverFinalIsRejected(row: Row) {
        var client = Self.clientWaitingForServerFirst()
        #expect(client.receiveServerFirst(bytes(RFC7677VectorTests.serverFirst))
            == .sendClientFinal(bytes(RFC7677VectorTests.clientFinal)))
        #expect(failureKind(client.receiveServerFinal(row.message)) == row.expected)
        #expect(!client.isAuthenticated)
        #expect(client.receiveServerFinal(bytes(RFC7677VectorTests.serverFinal)) == .fail(.unexpectedMessage))
    }

    @Test func longServerErrorIsTruncated() {
        var client = Self.clientWaitingForServerFirst()
        _ = client.receiveServerFirst(bytes(RFC7677VectorTests.serverFirst))
        let action = client.receiveServerFinal(bytes("e=" + String(repeating: "x", count: 600)))
        #expect(action == .fail(.serverError(String(repeating: "x", count: SCRAMLimits.maximumServerErrorLength))))
    }

    @Test func serverFirstBeforeClientFirstIsUnexpected() {
        var client = SCRAMClientStateMachine(username: "", password: "pencil")
        #expect(client.receiveServerFirst(bytes(RFC7677VectorTests.serverFirst)) == .fail(.unexpectedMessage))
    }

    @Test func serverFinalBeforeServerFirstIsUnexpected() {
        var client = Self.clientWaitingForServerFirst()
        #expect(client.receiveServerFinal(bytes(RFC7677VectorTests.serverFinal)) == .fail(.unexpectedMessage))
    }

    @Test func clientFirstMessageIsStableAndLibpqShaped() {
        var client = SCRAMClientStateMachine(username: "", password: "x")
        let first = client.clientFirstMessage()
        #expect(client.clientFirstMessage() == first)
        #expect(first.starts(with: bytes("n,,n=,r=")))
        // 18 random bytes, base64: 24 printable characters, different each time.
        #expect(first.count == 8 + 24)
        var other = SCRAMClientStateMachine(username: "", password: "x")
        #expect(other.clientFirstMessage() != first)
    }

    @Test func userNameIsEscaped() {
        var client = SCRAMClientStateMachine(username: "a,b=c", password: "x", clientNonce: bytes("N"))
        #expect(client.clientFirstMessage() == bytes("n,,n=a=2Cb=3Dc,r=N"))
    }
}
