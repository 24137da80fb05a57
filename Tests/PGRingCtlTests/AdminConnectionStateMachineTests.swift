import AdminClient
import NIOCore
import PGAuth
import PGWire
import Testing

/// Scripted backends for the session state machine: each test feeds the messages a server would send and
/// checks the actions.
@Suite("admin session state machine")
struct AdminConnectionStateMachineTests {
    /// A typed backend message built by its encoder, split back into id and payload.
    static func backend(_ encode: (inout ByteBuffer) -> Void) -> RawMessage {
        var buffer = ByteBuffer()
        encode(&buffer)
        let id = buffer.readInteger(as: UInt8.self)!
        let length = buffer.readInteger(as: Int32.self)!
        precondition(Int(length) - 4 == buffer.readableBytes)
        return RawMessage(id: id, payload: buffer)
    }

    static func auth(_ request: AuthenticationRequest) -> RawMessage { backend { request.encode(into: &$0) } }
    static let ready = backend { ReadyForQuery(transactionStatus: .idle).encode(into: &$0) }
    static func rowDescription(_ names: [String]) -> RawMessage {
        backend { RowDescription(columns: names.map { RowDescription.Column(name: $0) }).encode(into: &$0) }
    }
    static func dataRow(_ values: [String?]) -> RawMessage { backend { DataRow(values: values).encode(into: &$0) } }
    static func complete(_ tag: String) -> RawMessage { backend { CommandComplete(tag: tag).encode(into: &$0) } }
    static func error(_ code: String, _ message: String, hint: String? = nil, severity: ErrorSeverity = .error) -> RawMessage {
        backend { ErrorResponse(severity: severity, code: code, message: message, hint: hint).encode(into: &$0) }
    }
    static let parameterStatus = backend { ParameterStatus(name: "server_version", value: "pgring").encode(into: &$0) }

    let url = AdminURL(user: "admin", password: "secret", host: "127.0.0.1", port: 6432, database: "pgring")

    @Test func startupMessageNamesUserDatabaseAndApplication() {
        var machine = AdminConnectionStateMachine(url: url, queries: ["SHOW POOLS"])
        let expected = StartupMessage(parameters: [
            StartupParameter(name: "user", value: "admin"),
            StartupParameter(name: "database", value: "pgring"),
            StartupParameter(name: "application_name", value: "pgringctl"),
        ])
        #expect(machine.start() == .send([.startup(expected)]))
    }

    @Test func trustLoginThenQueriesInTurn() {
        var machine = AdminConnectionStateMachine(url: url, queries: ["SHOW VERSION", "PAUSE"])
        _ = machine.start()
        #expect(machine.message(Self.auth(.ok)) == .wait)
        #expect(machine.message(Self.parameterStatus) == .wait)
        #expect(machine.message(Self.ready) == .send([.query("SHOW VERSION")]))
        #expect(machine.message(Self.rowDescription(["version", "note"])) == .wait)
        #expect(machine.message(Self.dataRow(["pgring 1.0", nil])) == .wait)
        #expect(machine.message(Self.complete("SHOW")) == .wait)
        #expect(machine.message(Self.ready) == .send([.query("PAUSE")]))
        #expect(machine.message(Self.complete("PAUSE")) == .wait)
        #expect(machine.message(Self.ready) == .finish([
            QueryResult(columns: ["version", "note"], rows: [["pgring 1.0", nil]], tag: "SHOW"),
            QueryResult(columns: [], rows: [], tag: "PAUSE"),
        ]))
        #expect(machine.parameters["server_version"] == "pgring")
        #expect(machine.isDone)
        #expect(machine.connectionClosed() == .wait)
    }

    @Test func cleartextPassword() {
        var machine = AdminConnectionStateMachine(url: url, queries: [])
        _ = machine.start()
        #expect(machine.message(Self.auth(.cleartextPassword)) == .send([.password("secret")]))
        #expect(machine.message(Self.auth(.ok)) == .wait)
        #expect(machine.message(Self.ready) == .finish([]))
    }

    @Test func md5Password() {
        var machine = AdminConnectionStateMachine(url: url, queries: [])
        _ = machine.start()
        let salt: [UInt8] = [1, 2, 3, 4]
        #expect(machine.message(Self.auth(.md5Password(salt: salt)))
            == .send([.password(MD5Password.response(user: "admin", password: "secret", salt: salt))]))
    }

    @Test func scramAgainstPGAuthsServerSide() throws {
        var machine = AdminConnectionStateMachine(url: url, queries: ["SHOW LISTS"])
        _ = machine.start()
        var server = SCRAMServerStateMachine(verifier: SCRAMVerifier.derive(password: "secret", salt: Array("salty-salt".utf8), iterations: 4096))
        guard case .send(let initial) = machine.message(Self.auth(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]))),
            case .saslInitialResponse(let mechanism, let clientFirst)? = initial.first
        else { Issue.record("expected SASLInitialResponse"); return }
        #expect(mechanism == "SCRAM-SHA-256")
        guard case .sendServerFirst(let serverFirst) = server.receiveClientFirst(clientFirst) else {
            Issue.record("server rejected client-first"); return
        }
        guard case .send(let final) = machine.message(Self.auth(.saslContinue(data: serverFirst))),
            case .saslResponse(let clientFinal)? = final.first
        else { Issue.record("expected SASLResponse"); return }
        guard case .sendServerFinalAndSucceed(let serverFinal) = server.receiveClientFinal(clientFinal) else {
            Issue.record("server rejected the proof"); return
        }
        #expect(machine.message(Self.auth(.saslFinal(data: serverFinal))) == .wait)
        #expect(machine.message(Self.auth(.ok)) == .wait)
        #expect(machine.message(Self.ready) == .send([.query("SHOW LISTS")]))
    }

    @Test func scramOkWithoutServerSignatureIsRefused() {
        var machine = AdminConnectionStateMachine(url: url, queries: [])
        _ = machine.start()
        _ = machine.message(Self.auth(.sasl(mechanisms: ["SCRAM-SHA-256"])))
        guard case .fail(.authenticationFailed) = machine.message(Self.auth(.ok)) else {
            Issue.record("AuthenticationOk before SASLFinal must fail"); return
        }
    }

    @Test func passwordRequired() {
        var noPassword = url
        noPassword.password = nil
        for request in [AuthenticationRequest.cleartextPassword, .md5Password(salt: [0, 0, 0, 0]), .sasl(mechanisms: ["SCRAM-SHA-256"])] {
            var machine = AdminConnectionStateMachine(url: noPassword, queries: [])
            _ = machine.start()
            #expect(machine.message(Self.auth(request)) == .fail(.passwordRequired))
        }
    }

    @Test func unsupportedAuthentication() {
        var machine = AdminConnectionStateMachine(url: url, queries: [])
        _ = machine.start()
        #expect(machine.message(Self.auth(.unsupported(7))) == .fail(.authenticationFailed("unsupported authentication request (code 7)")))
    }

    @Test func loginErrorFailsAtOnce() {
        var machine = AdminConnectionStateMachine(url: url, queries: ["SHOW POOLS"])
        _ = machine.start()
        _ = machine.message(Self.auth(.cleartextPassword))
        #expect(machine.message(Self.error("28P01", "password authentication failed for user \"admin\"", severity: .fatal))
            == .fail(.server(ServerError(severity: "FATAL", sqlState: "28P01", message: "password authentication failed for user \"admin\""))))
    }

    @Test func queryErrorIsReportedAtReadyForQueryAndStopsLaterQueries() {
        var machine = AdminConnectionStateMachine(url: url, queries: ["PAUSE", "SHOW POOLS"])
        _ = machine.start()
        _ = machine.message(Self.auth(.ok))
        _ = machine.message(Self.ready)
        #expect(machine.message(Self.error("42501", "PAUSE needs the admin role", hint: "Connect as an admin user.")) == .wait)
        #expect(machine.message(Self.ready) == .fail(.server(ServerError(
            sqlState: "42501", message: "PAUSE needs the admin role", hint: "Connect as an admin user."))))
    }

    @Test func emptyQueryResponse() {
        var machine = AdminConnectionStateMachine(url: url, queries: [""])
        _ = machine.start()
        _ = machine.message(Self.auth(.ok))
        _ = machine.message(Self.ready)
        #expect(machine.message(Self.backend { EmptyQueryResponse().encode(into: &$0) }) == .wait)
        #expect(machine.message(Self.ready) == .finish([QueryResult(columns: [], rows: [], tag: "")]))
    }

    @Test func protocolViolations() {
        var machine = AdminConnectionStateMachine(url: url, queries: ["SHOW POOLS"])
        _ = machine.start()
        _ = machine.message(Self.auth(.ok))
        _ = machine.message(Self.ready)
        // A DataRow before any RowDescription.
        guard case .fail(.protocolViolation) = machine.message(Self.dataRow(["x"])) else {
            Issue.record("expected a protocol violation"); return
        }

        var mismatch = AdminConnectionStateMachine(url: url, queries: ["SHOW POOLS"])
        _ = mismatch.start()
        _ = mismatch.message(Self.auth(.ok))
        _ = mismatch.message(Self.ready)
        _ = mismatch.message(Self.rowDescription(["a", "b"]))
        guard case .fail(.protocolViolation) = mismatch.message(Self.dataRow(["x"])) else {
            Issue.record("expected a protocol violation for a short row"); return
        }

        var early = AdminConnectionStateMachine(url: url, queries: [])
        _ = early.start()
        guard case .fail(.protocolViolation) = early.message(Self.ready) else {
            Issue.record("ReadyForQuery before authentication must fail"); return
        }

        var copy = AdminConnectionStateMachine(url: url, queries: ["COPY x TO STDOUT"])
        _ = copy.start()
        _ = copy.message(Self.auth(.ok))
        _ = copy.message(Self.ready)
        guard case .fail(.protocolViolation) = copy.message(RawMessage(id: .copyOutResponse, payload: ByteBuffer())) else {
            Issue.record("COPY is not supported"); return
        }
    }

    @Test func connectionClosedBeforeTheEnd() {
        var machine = AdminConnectionStateMachine(url: url, queries: ["SHOW POOLS"])
        _ = machine.start()
        #expect(machine.connectionClosed() == .fail(.connectionClosed(endpoint: "127.0.0.1:6432")))
    }

    @Test func frontendMessagesNeverDescribeSecrets() {
        #expect("\(AdminFrontendMessage.password("secret"))" == "PasswordMessage(<redacted>)")
        #expect(!"\(AdminFrontendMessage.saslResponse(Array("p=secret".utf8)))".contains("secret"))
    }
}
