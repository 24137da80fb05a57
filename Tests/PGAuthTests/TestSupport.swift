@testable import PGAuth

/// UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// `error` with the reason of `.malformed` erased, so tables can say "malformed, whatever the reason".
func kind(_ error: SCRAMError) -> SCRAMError {
    if case .malformed = error {
        return .malformed("")
    }
    return error
}

/// The error of a failing server action, reasons erased; `nil` when the action is not a failure.
func failureKind(_ action: SCRAMServerStateMachine.Action) -> SCRAMError? {
    switch action {
    case .fail(let error):
        return kind(error)
    case .sendServerFirst, .sendServerFinalAndSucceed:
        return nil
    }
}

/// The error of a failing client action, reasons erased; `nil` when the action is not a failure.
func failureKind(_ action: SCRAMClientStateMachine.Action) -> SCRAMError? {
    switch action {
    case .fail(let error):
        return kind(error)
    case .sendClientFinal, .authenticated:
        return nil
    }
}

/// The outcome of a full exchange between our client and our server state machines.
struct ExchangeOutcome {
    /// The server's answer to the client-final-message (or the earlier failure).
    let serverAction: SCRAMServerStateMachine.Action
    /// The client's answer to the server-final-message; `nil` when the server failed before sending it.
    let clientAction: SCRAMClientStateMachine.Action?
}

/// Runs client-first, server-first, client-final and server-final between the two state machines.
func runExchange(password: String, verifier: SCRAMVerifier, isMockVerifier: Bool = false) -> ExchangeOutcome {
    var client = SCRAMClientStateMachine(username: "", password: password)
    var server = SCRAMServerStateMachine(verifier: verifier, isMockVerifier: isMockVerifier)
    let serverFirst = server.receiveClientFirst(client.clientFirstMessage())
    guard case .sendServerFirst(let serverFirstBytes) = serverFirst else {
        return ExchangeOutcome(serverAction: serverFirst, clientAction: nil)
    }
    let clientFinal = client.receiveServerFirst(serverFirstBytes)
    guard case .sendClientFinal(let clientFinalBytes) = clientFinal else {
        return ExchangeOutcome(serverAction: serverFirst, clientAction: clientFinal)
    }
    let serverFinal = server.receiveClientFinal(clientFinalBytes)
    guard case .sendServerFinalAndSucceed(let serverFinalBytes) = serverFinal else {
        return ExchangeOutcome(serverAction: serverFinal, clientAction: nil)
    }
    return ExchangeOutcome(serverAction: serverFinal, clientAction: client.receiveServerFinal(serverFinalBytes))
}
