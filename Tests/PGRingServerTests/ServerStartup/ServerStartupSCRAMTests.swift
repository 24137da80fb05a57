import Config
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// pgring logging into a scripted PostgreSQL that uses PGAuth's `SCRAMServerStateMachine`.
@Suite("ServerStartupStateMachine: SCRAM-SHA-256")
struct ServerStartupSCRAMTests {
    /// A scripted server at the point where it has answered the client-first-message.
    struct Exchange {
        var machine: ServerStartupStateMachine
        var server: SCRAMServerStateMachine
        /// The client-final-message pgring sent.
        var clientFinal: [UInt8]
    }

    static let verifierSalt: [UInt8] = Array("pgring-test-salt".utf8)

    /// Runs AuthenticationSASL and AuthenticationSASLContinue; pgring's password is `clientPassword`,
    /// the server's verifier is derived from `serverPassword`.
    static func exchange(clientPassword: String, serverPassword: String, iterations: Int = 64) throws -> Exchange? {
        var machine = ServerStartupStateMachine(user: "pgring", password: clientPassword, database: "app", tlsMode: .disable)
        _ = machine.start()
        var server = SCRAMServerStateMachine(
            verifier: SCRAMVerifier.derive(password: serverPassword, salt: verifierSalt, iterations: iterations))
        let offered = machine.message(try Backend.authentication(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])))
        guard case .sendSASLInitialResponse(let mechanism, let clientFirst) = offered else {
            Issue.record("expected SASLInitialResponse, got \(offered)")
            return nil
        }
        #expect(mechanism == "SCRAM-SHA-256")
        #expect(clientFirst.starts(with: Array("n,,".utf8)), "no channel binding")
        guard case .sendServerFirst(let serverFirst) = server.receiveClientFirst(clientFirst) else {
            Issue.record("the server refused pgring's client-first-message")
            return nil
        }
        let continued = machine.message(try Backend.authentication(.saslContinue(data: serverFirst)))
        guard case .sendSASLResponse(let clientFinal) = continued else {
            Issue.record("expected SASLResponse, got \(continued)")
            return nil
        }
        return Exchange(machine: machine, server: server, clientFinal: clientFinal)
    }

    @Test func fullExchangeEndsReady() throws {
        var exchange = try #require(try Self.exchange(clientPassword: "sekrit", serverPassword: "sekrit"))
        guard case .sendServerFinalAndSucceed(let serverFinal) = exchange.server.receiveClientFinal(exchange.clientFinal) else {
            Issue.record("the server refused pgring's proof")
            return
        }
        #expect(exchange.machine.message(try Backend.authentication(.saslFinal(data: serverFinal))) == .wait)
        #expect(exchange.machine.message(try Backend.authentication(.ok)) == .wait)
        #expect(exchange.machine.message(try Backend.parameterStatus("server_version", "15.8")) == .wait)
        #expect(exchange.machine.message(try Backend.backendKeyData(processID: 7, secretKey: [1, 2, 3, 4])) == .wait)
        #expect(exchange.machine.message(try Backend.readyForQuery()) == .ready)
        #expect(exchange.machine.parameters == ["server_version": "15.8"])
        #expect(exchange.machine.backendKey == BackendKeyData(processID: 7, secretKey: [1, 2, 3, 4]))
    }

    @Test func fullExchangeWithPostgresDefaultIterationsEndsReady() throws {
        var exchange = try #require(try Self.exchange(clientPassword: "p\u{E4}ss", serverPassword: "p\u{E4}ss", iterations: 4096))
        guard case .sendServerFinalAndSucceed(let serverFinal) = exchange.server.receiveClientFinal(exchange.clientFinal) else {
            Issue.record("the server refused pgring's proof")
            return
        }
        #expect(exchange.machine.message(try Backend.authentication(.saslFinal(data: serverFinal))) == .wait)
        #expect(exchange.machine.message(try Backend.authentication(.ok)) == .wait)
        #expect(exchange.machine.message(try Backend.readyForQuery()) == .ready)
    }

    @Test func wrongPasswordIsRefusedByTheServerWith28P01() throws {
        var exchange = try #require(try Self.exchange(clientPassword: "wrong", serverPassword: "sekrit"))
        #expect(exchange.server.receiveClientFinal(exchange.clientFinal) == .fail(.invalidProof))
        // What PostgreSQL then sends.
        let action = exchange.machine.message(try Backend.error(code: "28P01", message: "password authentication failed for user \"pgring\""))
        #expect(action == .fail(.serverError(sqlState: "28P01", message: "password authentication failed for user \"pgring\"")))
    }

    @Test func forgedServerSignatureFails() throws {
        var exchange = try #require(try Self.exchange(clientPassword: "sekrit", serverPassword: "sekrit"))
        guard case .sendServerFinalAndSucceed(var serverFinal) = exchange.server.receiveClientFinal(exchange.clientFinal) else {
            Issue.record("the server refused pgring's proof")
            return
        }
        // Flip one base64 character of v=<signature> (keeping it valid base64).
        let index = 4
        serverFinal[index] = serverFinal[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let action = exchange.machine.message(try Backend.authentication(.saslFinal(data: serverFinal)))
        guard case .fail(.authenticationFailed) = action else {
            Issue.record("a wrong server signature must fail the login, got \(action)")
            return
        }
    }

    @Test func serverFinalWithAnErrorAttributeFails() throws {
        var exchange = try #require(try Self.exchange(clientPassword: "sekrit", serverPassword: "sekrit"))
        let action = exchange.machine.message(try Backend.authentication(.saslFinal(data: Array("e=invalid-proof".utf8))))
        guard case .fail = action else {
            Issue.record("e= in the server-final-message must fail the login, got \(action)")
            return
        }
    }

    @Test func malformedServerFirstFails() throws {
        var machine = ServerStartupStateMachine(user: "pgring", password: "pw", database: "app", tlsMode: .disable)
        _ = machine.start()
        _ = machine.message(try Backend.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))
        let action = machine.message(try Backend.authentication(.saslContinue(data: Array("garbage".utf8))))
        guard case .fail = action else {
            Issue.record("a malformed server-first-message must fail the login, got \(action)")
            return
        }
    }

    /// A server (or a man in the middle) that skips AuthenticationSASLFinal and says AuthenticationOk has not
    /// proved it knows the password. PGAuth's `SCRAMClientStateMachine` documents: "Do not treat
    /// AuthenticationOk as success before [receiveServerFinal] has succeeded". libpq refuses this too.
    @Test func authenticationOkWithoutTheServerSignatureIsRefused() throws {
        var exchange = try #require(try Self.exchange(clientPassword: "sekrit", serverPassword: "some other password"))
        let action = exchange.machine.message(try Backend.authentication(.ok))
        guard case .fail = action else {
            Issue.record("AuthenticationOk before AuthenticationSASLFinal was accepted: \(action)")
            return
        }
    }

    @Test func authenticationOkRightAfterTheInitialResponseIsRefused() throws {
        var machine = ServerStartupStateMachine(user: "pgring", password: "pw", database: "app", tlsMode: .disable)
        _ = machine.start()
        _ = machine.message(try Backend.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))
        let action = machine.message(try Backend.authentication(.ok))
        guard case .fail = action else {
            Issue.record("AuthenticationOk before the SCRAM exchange finished was accepted: \(action)")
            return
        }
    }

    @Test(arguments: [
        AuthenticationRequest.cleartextPassword,
        .md5Password(salt: [1, 2, 3, 4]),
        .sasl(mechanisms: ["SCRAM-SHA-256"]),
    ])
    func anotherAuthenticationRequestDuringSCRAMIsAProtocolViolation(request: AuthenticationRequest) throws {
        var exchange = try #require(try Self.exchange(clientPassword: "sekrit", serverPassword: "sekrit"))
        guard case .fail(.protocolViolation) = exchange.machine.message(try Backend.authentication(request)) else {
            Issue.record("\(request) during SCRAM must be refused")
            return
        }
    }

    @Test func aNonAuthenticationMessageDuringSCRAMIsAProtocolViolation() throws {
        var exchange = try #require(try Self.exchange(clientPassword: "sekrit", serverPassword: "sekrit"))
        guard case .fail(.protocolViolation) = exchange.machine.message(try Backend.readyForQuery()) else {
            Issue.record("ReadyForQuery during SCRAM must be refused")
            return
        }
    }
}
