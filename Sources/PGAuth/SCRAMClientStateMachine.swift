/// pgring logging into PostgreSQL with SCRAM-SHA-256 (PostgreSQL protocol section 55.3.1, RFC 5802,
/// RFC 7677), as a pure state machine: bytes in, actions out, no I/O.
///
/// Flow, driven by the server session handler after AuthenticationSASL listed `SCRAM-SHA-256`:
/// 1. `clientFirstMessage()` -> data of SASLInitialResponse (mechanism `SCRAM-SHA-256`).
/// 2. AuthenticationSASLContinue data -> `receiveServerFirst(_:)` -> `.sendClientFinal` (SASLResponse).
/// 3. AuthenticationSASLFinal data -> `receiveServerFinal(_:)` -> `.authenticated`; then expect
///    AuthenticationOk. Do not treat AuthenticationOk as success before this step has succeeded: the
///    server signature is what proves the server knows the password.
///
/// No channel binding is used (gs2 header `n,,`), like libpq with `channel_binding=disable`.
/// The password is dropped as soon as the client-final-message has been computed; the derived keys stay
/// in the value (for `authenticatedKeys`) until it is dropped.
public struct SCRAMClientStateMachine: Sendable {
    /// What the caller must do after feeding a message.
    public enum Action: Sendable, Equatable {
        /// Send these bytes as the data of SASLResponse (the client-final-message).
        case sendClientFinal([UInt8])
        /// The server proved it knows the password; the exchange is complete (AuthenticationOk follows).
        case authenticated
        /// The exchange failed; close the connection to PostgreSQL and report the error.
        case fail(SCRAMError)
    }

    /// Where the exchange is.
    enum State: Sendable {
        /// `clientFirstMessage()` has not been called yet.
        case initial
        /// The client-first-message was sent; the server-first-message is expected.
        case waitingForServerFirst
        /// The client-final-message was sent; the server-final-message is expected, whose signature must
        /// equal `expectedServerSignature`. `keys` are the keys the proof was made with.
        case waitingForServerFinal(expectedServerSignature: [UInt8], keys: SCRAMClientKeys)
        /// The server's signature was verified; `keys` may be cached for the next login.
        case authenticated(keys: SCRAMClientKeys)
        /// The exchange failed; nothing more is accepted.
        case failed
    }

    /// What pgring logs in with.
    enum Credentials: Sendable {
        /// A password (after SASLprep), with optional keys cached from an earlier login that are used
        /// instead of PBKDF2 when the server's salt and iteration count still match.
        case password(prepared: [UInt8], cachedKeys: SCRAMClientKeys?)
        /// Only keys (pass-through or cache without password); they must match the server's salt and count.
        case keys(SCRAMClientKeys)
        /// Used up or forgotten after the client-final-message was computed or the exchange failed.
        case forgotten
    }

    /// The secret material; `.forgotten` as soon as it is no longer needed.
    var credentials: Credentials
    /// The printable client nonce.
    let clientNonce: [UInt8]
    /// The client-first-message-bare (`n=<name>,r=<nonce>`), the first part of AuthMessage.
    let clientFirstBare: [UInt8]
    /// Current state; changes only through the methods of this type.
    var state: State = .initial

    /// The gs2 header: no channel binding, no authorization identity.
    static let gs2Header = Array("n,,".utf8)

    /// Creates the state machine for one login with a password.
    ///
    /// - Parameters:
    ///   - username: put into the client-first-message as `n=` (escaped). PostgreSQL ignores it and uses
    ///     the StartupMessage user; libpq sends an empty name, which `""` reproduces.
    ///   - password: the user's password; SASLprep is applied as PostgreSQL does.
    ///   - cachedKeys: keys from an earlier successful login (`authenticatedKeys`); used instead of PBKDF2
    ///     when the server sends the same salt and iteration count, ignored otherwise.
    ///   - clientNonce: for tests only: the printable nonce to send. `nil` (the default) draws 18 random
    ///     bytes from `SecureRandom` and base64-encodes them, like libpq.
    public init(username: String, password: String, cachedKeys: SCRAMClientKeys? = nil, clientNonce: [UInt8]? = nil) {
        self.init(
            username: username,
            credentials: .password(prepared: SASLprep.preparePassword(password), cachedKeys: cachedKeys),
            clientNonce: clientNonce)
    }

    /// Creates the state machine for one login with keys only (SCRAM pass-through, see `SCRAMClientKeys`).
    /// Fails with `.clientKeysDoNotMatchServer` if the server's salt or iteration count differ.
    public init(username: String, clientKeys: SCRAMClientKeys, clientNonce: [UInt8]? = nil) {
        self.init(username: username, credentials: .keys(clientKeys), clientNonce: clientNonce)
    }

    /// Common initialiser.
    init(username: String, credentials: Credentials, clientNonce: [UInt8]?) {
        let nonce = clientNonce ?? SecureRandom.scramNonce()
        precondition(SCRAMMessage.isValidNonce(nonce), "client nonce must be printable ASCII without commas")
        self.credentials = credentials
        self.clientNonce = nonce
        self.clientFirstBare = Array("n=".utf8) + SCRAMMessage.saslName(username) + Array(",r=".utf8) + nonce
    }

    /// After `.authenticated`: the keys this login used, to pass as `cachedKeys` next time and skip PBKDF2.
    /// `nil` in every other state.
    public var authenticatedKeys: SCRAMClientKeys? {
        switch state {
        case .authenticated(let keys):
            return keys
        case .initial, .waitingForServerFirst, .waitingForServerFinal, .failed:
            return nil
        }
    }

    /// Whether the server's signature has been verified.
    public var isAuthenticated: Bool {
        switch state {
        case .authenticated:
            return true
        case .initial, .waitingForServerFirst, .waitingForServerFinal, .failed:
            return false
        }
    }

    /// Returns the client-first-message (`n,,n=<name>,r=<nonce>`) to send in SASLInitialResponse and starts
    /// waiting for the server-first-message. Calling it again returns the same bytes without changing state.
    public mutating func clientFirstMessage() -> [UInt8] {
        switch state {
        case .initial:
            state = .waitingForServerFirst
        case .waitingForServerFirst, .waitingForServerFinal, .authenticated, .failed:
            break
        }
        return Self.gs2Header + clientFirstBare
    }

    /// Records a failure, forgets the credentials and returns the action reporting it.
    mutating func fail(_ error: SCRAMError) -> Action {
        state = .failed
        credentials = .forgotten
        return .fail(error)
    }
}
