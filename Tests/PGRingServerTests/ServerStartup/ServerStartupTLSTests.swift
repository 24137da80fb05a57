import Config
import PGWire
import Testing

@testable import PGRingServer

/// `[server] tls`: SSLRequest negotiation before the StartupMessage (as libpq's sslmode).
@Suite("ServerStartupStateMachine: TLS negotiation")
struct ServerStartupTLSTests {
    static let startupParameters = [
        StartupParameter(name: "user", value: "pgring"),
        StartupParameter(name: "database", value: "app"),
    ]

    static func machine(_ mode: ServerTLSMode) -> ServerStartupStateMachine {
        ServerStartupStateMachine(user: "pgring", password: "pw", database: "app", tlsMode: mode)
    }

    @Test func disableSendsTheStartupMessageDirectly() {
        var machine = Self.machine(.disable)
        #expect(machine.start() == .sendStartup(Self.startupParameters))
    }

    @Test(arguments: [ServerTLSMode.prefer, .require, .verifyFull])
    func everyOtherModeAsksForTLSFirst(mode: ServerTLSMode) {
        var machine = Self.machine(mode)
        #expect(machine.start() == .sendSSLRequest)
    }

    @Test func preferFallsBackToPlainTextWhenRefused() {
        var machine = Self.machine(.prefer)
        _ = machine.start()
        #expect(machine.encryptionResponse(UInt8(ascii: "N")) == .sendStartup(Self.startupParameters))
    }

    @Test(arguments: [ServerTLSMode.require, .verifyFull])
    func requiringModesFailWhenRefused(mode: ServerTLSMode) {
        var machine = Self.machine(mode)
        _ = machine.start()
        #expect(machine.encryptionResponse(UInt8(ascii: "N")) == .fail(.tlsRefused))
    }

    @Test(arguments: [ServerTLSMode.prefer, .require, .verifyFull])
    func acceptedTLSStartsTheHandshakeThenTheStartupMessage(mode: ServerTLSMode) {
        var machine = Self.machine(mode)
        _ = machine.start()
        #expect(machine.encryptionResponse(UInt8(ascii: "S")) == .startTLS)
        #expect(machine.tlsEstablished() == .sendStartup(Self.startupParameters))
    }

    @Test(arguments: [UInt8(ascii: "G"), UInt8(ascii: "E"), 0x00, 0xFF, UInt8(ascii: "s")])
    func anyOtherAnswerByteIsAProtocolViolation(byte: UInt8) {
        var machine = Self.machine(.prefer)
        _ = machine.start()
        guard case .fail(.protocolViolation) = machine.encryptionResponse(byte) else {
            Issue.record("byte \(byte) must be refused")
            return
        }
    }

    @Test func anEncryptionAnswerThatWasNotAskedForIsAProtocolViolation() {
        var machine = Self.machine(.disable)
        _ = machine.start()
        guard case .fail(.protocolViolation) = machine.encryptionResponse(UInt8(ascii: "S")) else {
            Issue.record("an 'S' without SSLRequest must be refused")
            return
        }
    }

    @Test func aSecondEncryptionAnswerIsAProtocolViolation() {
        var machine = Self.machine(.prefer)
        _ = machine.start()
        _ = machine.encryptionResponse(UInt8(ascii: "N"))
        guard case .fail(.protocolViolation) = machine.encryptionResponse(UInt8(ascii: "S")) else {
            Issue.record("a second answer must be refused")
            return
        }
    }

    @Test func tlsCompletionWithoutAnAcceptedRequestIsAProtocolViolation() {
        var machine = Self.machine(.prefer)
        _ = machine.start()
        guard case .fail(.protocolViolation) = machine.tlsEstablished() else {
            Issue.record("TLS completion before 'S' must be refused")
            return
        }
    }

    @Test func anOldServerAnsweringSSLRequestWithAnErrorFailsWithItsSQLState() throws {
        // A server that does not understand SSLRequest answers with an ErrorResponse (BackendFrameDecoder
        // passes 'E' through as a typed message).
        var machine = Self.machine(.prefer)
        _ = machine.start()
        let action = machine.message(try Backend.error(code: "08P01", message: "unsupported frontend protocol 1234.5679"))
        #expect(action == .fail(.serverError(sqlState: "08P01", message: "unsupported frontend protocol 1234.5679")))
    }

    @Test func aTypedMessageWhileWaitingForTheAnswerIsAProtocolViolation() throws {
        var machine = Self.machine(.require)
        _ = machine.start()
        guard case .fail(.protocolViolation) = machine.message(try Backend.authentication(.ok)) else {
            Issue.record("AuthenticationOk before the TLS answer must be refused")
            return
        }
    }

    @Test func extraParametersFollowUserAndDatabase() {
        var machine = ServerStartupStateMachine(
            user: "pgring", password: nil, database: "app", tlsMode: .disable,
            extraParameters: [StartupParameter(name: "application_name", value: "pgring")])
        #expect(machine.start() == .sendStartup(Self.startupParameters + [StartupParameter(name: "application_name", value: "pgring")]))
    }
}
