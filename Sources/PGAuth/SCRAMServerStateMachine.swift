/// pgring verifying a client with SCRAM-SHA-256 (PostgreSQL protocol section 55.3.1 "SCRAM-SHA-256
/// Authentication", RFC 5802, RFC 7677), as a pure state machine: bytes in, actions out, no I/O.
///
/// Flow, driven by the client session handler:
/// 1. pgring sends AuthenticationSASL listing only `SCRAM-SHA-256` (channel binding is never offered).
/// 2. SASLInitialResponse data -> `receiveClientFirst(_:)` -> `.sendServerFirst` (AuthenticationSASLContinue).
/// 3. SASLResponse data -> `receiveClientFinal(_:)` -> `.sendServerFinalAndSucceed` (AuthenticationSASLFinal,
///    then AuthenticationOk).
///
/// Any `.fail` ends the exchange: send an ErrorResponse with `SCRAMError.sqlState` and close. After a
/// failure or success every further message yields `.fail(.unexpectedMessage)`.
///
/// The gs2 header may be `n,,` (client does not support channel binding) or `y,,` (client supports it but
/// believes the server does not, which is true); `p=...` fails with `.channelBindingNotSupported`.
/// The user name inside the client-first-message is ignored, as PostgreSQL does: the StartupMessage user
/// is the one being authenticated.
public struct SCRAMServerStateMachine: Sendable {
    /// What the caller must do after feeding a message.
    public enum Action: Sendable, Equatable {
        /// Send these bytes as the data of AuthenticationSASLContinue (the server-first-message).
        case sendServerFirst([UInt8])
        /// The proof is correct: send these bytes as the data of AuthenticationSASLFinal (the
        /// server-final-message, `v=<signature>`), then AuthenticationOk. The client is authenticated.
        case sendServerFinalAndSucceed([UInt8])
        /// The exchange failed: send an ErrorResponse (SQLSTATE `error.sqlState`) and close the connection.
        case fail(SCRAMError)
    }

    /// Where the exchange is.
    enum State: Sendable {
        /// Nothing received yet; the client-first-message is expected.
        case waitingForClientFirst
        /// The server-first-message was produced; the client-final-message is expected.
        case waitingForClientFinal(ExchangeContext)
        /// The client proved knowledge of the password; nothing more is expected. `clientKey` is the
        /// ClientKey recovered from the proof (for `passthroughKeys`).
        case authenticated(clientKey: [UInt8])
        /// The exchange failed; nothing more is accepted.
        case failed
    }

    /// What the server remembers between the two client messages.
    struct ExchangeContext: Sendable {
        /// The gs2 header exactly as the client sent it (`n,,` or `y,,`); `c=` must repeat it.
        let gs2Header: [UInt8]
        /// The client-first-message-bare, the first part of AuthMessage.
        let clientFirstBare: [UInt8]
        /// The server-first-message as sent, the second part of AuthMessage.
        let serverFirst: [UInt8]
        /// Client nonce followed by server nonce; the client-final-message must repeat it.
        let combinedNonce: [UInt8]
    }

    /// The secret being checked against.
    let verifier: SCRAMVerifier
    /// When `true` the user does not exist: the exchange runs normally and always ends in `.invalidProof`.
    let isMockVerifier: Bool
    /// The printable server nonce appended to the client's nonce.
    let serverNonce: [UInt8]
    /// Current state; changes only through `receiveClientFirst(_:)` and `receiveClientFinal(_:)`.
    var state: State = .waitingForClientFirst

    /// Creates the state machine for one authentication attempt.
    ///
    /// - Parameters:
    ///   - verifier: the user's verifier, or `SCRAMVerifier.mock(...)` for an unknown user (or a user whose
    ///     stored password is not a SCRAM secret).
    ///   - isMockVerifier: `true` when `verifier` is a mock; every proof is then refused with `.invalidProof`.
    ///   - serverNonce: for tests only: the printable server nonce to use. `nil` (the default) draws
    ///     18 random bytes from `SecureRandom` and base64-encodes them, like PostgreSQL.
    public init(verifier: SCRAMVerifier, isMockVerifier: Bool = false, serverNonce: [UInt8]? = nil) {
        let nonce = serverNonce ?? SecureRandom.scramNonce()
        precondition(SCRAMMessage.isValidNonce(nonce), "server nonce must be printable ASCII without commas")
        self.verifier = verifier
        self.isMockVerifier = isMockVerifier
        self.serverNonce = nonce
    }

    /// Whether the client has been authenticated (the last action was `.sendServerFinalAndSucceed`).
    public var isAuthenticated: Bool {
        switch state {
        case .authenticated:
            return true
        case .waitingForClientFirst, .waitingForClientFinal, .failed:
            return false
        }
    }

    /// After `.sendServerFinalAndSucceed`: the keys that let pgring log into PostgreSQL as this user
    /// without the password (SCRAM pass-through), provided PostgreSQL holds the same verifier.
    /// `nil` in every other state, and always for a mock verifier.
    public var passthroughKeys: SCRAMClientKeys? {
        switch state {
        case .authenticated(let clientKey):
            return SCRAMClientKeys(clientKey: clientKey, verifier: verifier)
        case .waitingForClientFirst, .waitingForClientFinal, .failed:
            return nil
        }
    }

    /// Records a failure and returns the action reporting it.
    mutating func fail(_ error: SCRAMError) -> Action {
        state = .failed
        return .fail(error)
    }
}
