import Config
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// Builds a `ClientAuthenticationStateMachine` from configuration values, the way a session does.
func clientAuthentication(
    user: String,
    method: ClientAuthMethod,
    users: [UserConfiguration],
    scramIterations: Int = 4096
) -> ClientAuthenticationStateMachine {
    let directory = UserDirectory(users, scramIterations: scramIterations)
    return ClientAuthenticationStateMachine(
        userName: user, method: method, credentials: directory[user], mockSeed: directory.mockSeed)
}

/// The failure every authentication failure must produce, written out as PostgreSQL words it.
func expectedPasswordFailure(_ user: String) -> ClientAuthenticationStateMachine.Action {
    .fail(ClientFacingError(fatal: true, sqlState: "28P01", message: "password authentication failed for user \"\(user)\""))
}

/// What happened in a SCRAM exchange between PGAuth's client state machine and the machine under test.
struct SCRAMRun {
    /// The answer to the SASLInitialResponse.
    var afterInitial: ClientAuthenticationStateMachine.Action
    /// The answer to the SASLResponse (nil when the exchange stopped earlier).
    var afterResponse: ClientAuthenticationStateMachine.Action?
    /// The server-first-message, when one was sent.
    var serverFirst: [UInt8]?
    /// What PGAuth's client made of the server-final-message (nil when none was sent).
    var clientVerdict: SCRAMClientStateMachine.Action?
}

/// Plays a SCRAM-SHA-256 client (PGAuth's `SCRAMClientStateMachine`) against `machine`, which must just
/// have answered `start()` with the mechanism list. Messages go through PGWire's encoders.
func runSCRAM(_ machine: inout ClientAuthenticationStateMachine, password: String) throws -> SCRAMRun {
    var client = SCRAMClientStateMachine(username: "", password: password)
    let first = client.clientFirstMessage()
    let initial = try rawMessage { SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: first).encode(into: &$0) }
    let afterInitial = machine.passwordMessage(initial)
    guard case .sendSASLContinue(let serverFirst) = afterInitial else {
        return SCRAMRun(afterInitial: afterInitial)
    }
    guard case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst) else {
        Issue.record("PGAuth's client refused the server-first-message")
        return SCRAMRun(afterInitial: afterInitial, serverFirst: serverFirst)
    }
    let response = try rawMessage { SASLResponse(data: clientFinal).encode(into: &$0) }
    let afterResponse = machine.passwordMessage(response)
    var verdict: SCRAMClientStateMachine.Action?
    if case .sendSASLFinalAndSucceed(let serverFinal) = afterResponse {
        verdict = client.receiveServerFinal(serverFinal)
    }
    return SCRAMRun(afterInitial: afterInitial, afterResponse: afterResponse, serverFirst: serverFirst, clientVerdict: verdict)
}
