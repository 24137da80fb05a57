import Config
import PGWire
import Testing

@testable import PGRingServer

/// The part of the login after authentication, and messages a server must not send.
@Suite("ServerStartupStateMachine: login and unexpected messages")
struct ServerStartupLoginTests {
    static func started() -> ServerStartupStateMachine {
        var machine = ServerStartupStateMachine(user: "pgring", password: "pw", database: "app", tlsMode: .disable)
        #expect(machine.start() == .sendStartup([
            StartupParameter(name: "user", value: "pgring"), StartupParameter(name: "database", value: "app"),
        ]))
        return machine
    }

    @Test func trustLoginRecordsParametersAndBackendKey() throws {
        var machine = Self.started()
        #expect(machine.message(try Backend.authentication(.ok)) == .wait)
        #expect(machine.message(try Backend.parameterStatus("server_version", "15.8")) == .wait)
        #expect(machine.message(try Backend.parameterStatus("client_encoding", "UTF8")) == .wait)
        #expect(machine.message(try Backend.backendKeyData(processID: 31337, secretKey: [0xDE, 0xAD, 0xBE, 0xEF])) == .wait)
        #expect(machine.message(try Backend.readyForQuery()) == .ready)
        #expect(machine.parameters == ["server_version": "15.8", "client_encoding": "UTF8"])
        #expect(machine.backendKey == BackendKeyData(processID: 31337, secretKey: [0xDE, 0xAD, 0xBE, 0xEF]))
    }

    @Test func aLaterParameterStatusReplacesTheEarlierValue() throws {
        var machine = Self.started()
        _ = machine.message(try Backend.authentication(.ok))
        _ = machine.message(try Backend.parameterStatus("TimeZone", "UTC"))
        _ = machine.message(try Backend.parameterStatus("TimeZone", "Europe/Paris"))
        #expect(machine.message(try Backend.readyForQuery()) == .ready)
        #expect(machine.parameters == ["TimeZone": "Europe/Paris"])
        machine.updateParameter("TimeZone", "UTC")
        #expect(machine.parameters == ["TimeZone": "UTC"])
    }

    @Test func protocol32LongBackendKeyIsKept() throws {
        var machine = Self.started()
        _ = machine.message(try Backend.authentication(.ok))
        let longKey = (0..<32).map { UInt8($0) }
        _ = machine.message(try Backend.backendKeyData(processID: 5, secretKey: longKey))
        #expect(machine.message(try Backend.readyForQuery()) == .ready)
        #expect(machine.backendKey == BackendKeyData(processID: 5, secretKey: longKey))
    }

    @Test func loginWithoutBackendKeyDataStillEndsReady() throws {
        var machine = Self.started()
        _ = machine.message(try Backend.authentication(.ok))
        #expect(machine.message(try Backend.readyForQuery()) == .ready)
        #expect(machine.backendKey == nil)
        #expect(machine.parameters.isEmpty)
    }

    @Test(arguments: [TransactionStatus.idle, .inTransaction, .failedTransaction])
    func readyForQueryEndsTheLoginWhateverItsStatus(status: TransactionStatus) throws {
        var machine = Self.started()
        _ = machine.message(try Backend.authentication(.ok))
        #expect(machine.message(try Backend.readyForQuery(status)) == .ready)
    }

    @Test func noticeAndNegotiateProtocolVersionAreTolerated() throws {
        var machine = Self.started()
        #expect(machine.message(try Backend.negotiateProtocolVersion(minor: 0, options: ["_pq_.x"])) == .wait)
        #expect(machine.message(try Backend.notice("something")) == .wait)
        #expect(machine.message(try Backend.authentication(.ok)) == .wait)
        #expect(machine.message(try Backend.notice("something else")) == .wait)
        #expect(machine.message(try Backend.readyForQuery()) == .ready)
    }

    /// Messages a server may not send before authentication: none of them may crash pgring.
    static let unexpectedBeforeAuthentication: [UInt8] = [
        UInt8(ascii: "Z"), UInt8(ascii: "S"), UInt8(ascii: "K"), UInt8(ascii: "D"), UInt8(ascii: "T"),
        UInt8(ascii: "C"), UInt8(ascii: "d"), 0x00, 0x01, 0x7F, 0x80, 0xFF,
    ]

    @Test(arguments: unexpectedBeforeAuthentication)
    func unexpectedMessageBeforeAuthenticationIsAProtocolViolation(id: UInt8) {
        var machine = Self.started()
        guard case .fail(.protocolViolation) = machine.message(rawMessage(id: id, payload: [0x49])) else {
            Issue.record("message id \(id) must be refused")
            return
        }
    }

    /// Messages a server may not send between AuthenticationOk and ReadyForQuery.
    static let unexpectedAfterAuthentication: [UInt8] = [
        UInt8(ascii: "R"), UInt8(ascii: "D"), UInt8(ascii: "T"), UInt8(ascii: "C"), UInt8(ascii: "G"),
        UInt8(ascii: "1"), 0x00, 0xFF,
    ]

    @Test(arguments: unexpectedAfterAuthentication)
    func unexpectedMessageAfterAuthenticationIsAProtocolViolation(id: UInt8) throws {
        var machine = Self.started()
        #expect(machine.message(try Backend.authentication(.ok)) == .wait)
        guard case .fail(.protocolViolation) = machine.message(rawMessage(id: id, payload: be32(0))) else {
            Issue.record("message id \(id) must be refused")
            return
        }
    }

    @Test func anyMessageAfterReadyIsAProtocolViolation() throws {
        var machine = Self.started()
        _ = machine.message(try Backend.authentication(.ok))
        #expect(machine.message(try Backend.readyForQuery()) == .ready)
        guard case .fail(.protocolViolation) = machine.message(try Backend.readyForQuery()) else {
            Issue.record("the login machine is finished")
            return
        }
    }

    @Test func aMessageBeforeStartIsAProtocolViolation() throws {
        var machine = ServerStartupStateMachine(user: "pgring", password: "pw", database: "app", tlsMode: .disable)
        guard case .fail(.protocolViolation) = machine.message(try Backend.authentication(.ok)) else {
            Issue.record("nothing was sent yet")
            return
        }
    }

    @Test func everythingAfterAFailureIsRefused() throws {
        var machine = Self.started()
        _ = machine.message(rawMessage("Z", payload: [0x49]))
        guard case .fail = machine.message(try Backend.authentication(.ok)) else {
            Issue.record("a failed login must stay failed")
            return
        }
    }

    @Test func malformedParameterStatusAndBackendKeyDataDoNotCrash() throws {
        var machine = Self.started()
        _ = machine.message(try Backend.authentication(.ok))
        _ = machine.message(rawMessage("S", payload: Array("no terminator".utf8)))
        _ = machine.message(rawMessage("K", payload: [0, 0, 0, 1, 0xAA]))
        // Whatever the machine decides about them, it must not crash and must not record garbage.
        #expect(machine.parameters["no terminator"] == nil)
        #expect(machine.backendKey == nil)
    }
}
