/// What a SCRAM client does with one SASL message of the server (PostgreSQL protocol 55.3.1,
/// AuthenticationSASLContinue / AuthenticationSASLFinal), with the failure texts both clients use: pgring
/// logging in to PostgreSQL and pgringctl logging in to pgring's admin console.
public enum SCRAMExchangeStep: Sendable, Equatable {
    /// Send this SASLResponse (the client-final-message).
    case respond([UInt8])
    /// The server signature checked out; AuthenticationOk may follow.
    case verified
    /// The server sent the message at the wrong point of the exchange.
    case outOfOrder(String)
    /// The exchange failed (bad nonce, salt, iteration count or server signature).
    case failed(String)
}

extension SCRAMClientStateMachine {
    /// AuthenticationSASLContinue: the server-first-message.
    public mutating func saslContinue(_ data: [UInt8]) -> SCRAMExchangeStep {
        switch receiveServerFirst(data) {
        case .sendClientFinal(let final): return .respond(final)
        case .authenticated: return .outOfOrder("SCRAM finished before the server-final message")
        case .fail(let error): return .failed("SCRAM: \(error)")
        }
    }

    /// AuthenticationSASLFinal: the server-final-message with the server signature.
    public mutating func saslFinal(_ data: [UInt8]) -> SCRAMExchangeStep {
        switch receiveServerFinal(data) {
        case .authenticated: return .verified
        case .sendClientFinal: return .outOfOrder("unexpected SCRAM state")
        case .fail(let error): return .failed("SCRAM server signature: \(error)")
        }
    }

    /// Why AuthenticationOk must be refused now, or nil: only a server that proved it knows the password
    /// (a verified AuthenticationSASLFinal) is accepted.
    public var authenticationOkRefusal: String? {
        isAuthenticated ? nil : "the server sent AuthenticationOk without a verified SCRAM server signature"
    }
}
