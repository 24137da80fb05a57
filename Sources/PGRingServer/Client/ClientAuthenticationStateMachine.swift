import Config
import PGAuth
import PGWire

/// Authenticates one client (pgring plays the PostgreSQL server): SCRAM-SHA-256, md5 or trust.
/// A pure state machine: the ``ClientSessionHandler`` feeds it PasswordMessages and sends what it returns.
///
/// An unknown user goes through the same exchange as a known one (a mock SCRAM verifier, a random md5
/// salt) and fails with the same message, so the answer does not reveal which users exist.
/// Protocol: "Start-up" and "SASL Authentication" in the PostgreSQL protocol chapter.
struct ClientAuthenticationStateMachine {
    /// What the handler must do next.
    enum Action: Equatable {
        /// Send AuthenticationSASL listing these mechanisms.
        case sendSASLMechanisms([String])
        /// Send AuthenticationSASLContinue with the server-first message.
        case sendSASLContinue([UInt8])
        /// Send AuthenticationSASLFinal with the server-final message; the client is authenticated.
        case sendSASLFinalAndSucceed([UInt8])
        /// Send AuthenticationMD5Password with this salt.
        case sendMD5Challenge([UInt8])
        /// The client is authenticated (send AuthenticationOk).
        case succeed
        /// Authentication failed: send this FATAL error and close.
        case fail(ClientFacingError)
    }

    /// Where the exchange is.
    enum State {
        case initial
        case awaitingSASLInitialResponse(SCRAMServerStateMachine)
        case awaitingSASLResponse(SCRAMServerStateMachine)
        case awaitingMD5(salt: [UInt8], storedHash: String?)
        case done
    }

    let userName: String
    let method: ClientAuthMethod
    let credentials: UserCredentials?
    let mockSeed: [UInt8]
    private(set) var state: State = .initial
    /// Why authentication failed, for the log only (the client always gets the same message).
    private(set) var failureReason: String?

    init(userName: String, method: ClientAuthMethod, credentials: UserCredentials?, mockSeed: [UInt8]) {
        self.userName = userName
        self.method = method
        self.credentials = credentials
        self.mockSeed = mockSeed
    }

    /// The one message every failure gets (PostgreSQL's wording).
    var failure: ClientFacingError {
        ClientFacingError(
            fatal: true,
            sqlState: SQLState.invalidPassword,
            message: "password authentication failed for user \"\(userName)\""
        )
    }

    /// Begins authentication right after the startup packet.
    mutating func start() -> Action {
        switch method {
        case .trust:
            guard credentials != nil else {
                failureReason = "unknown user"
                state = .done
                return .fail(failure)
            }
            state = .done
            return .succeed
        case .scramSHA256:
            return startSCRAM()
        case .md5:
            // As PostgreSQL: with `md5`, a user stored only as a SCRAM verifier still authenticates with SCRAM.
            if let credentials, credentials.md5Hash == nil, credentials.scramVerifier != nil {
                return startSCRAM()
            }
            var generator = SystemRandomNumberGenerator()
            let salt = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if credentials == nil { failureReason = "unknown user" }
            state = .awaitingMD5(salt: salt, storedHash: credentials?.md5Hash)
            return .sendMD5Challenge(salt)
        }
    }

    private mutating func startSCRAM() -> Action {
        let scram: SCRAMServerStateMachine
        if let verifier = credentials?.scramVerifier {
            scram = SCRAMServerStateMachine(verifier: verifier)
        } else {
            failureReason = credentials == nil ? "unknown user" : "user has no SCRAM verifier (only an md5 hash)"
            scram = SCRAMServerStateMachine(verifier: SCRAMVerifier.mock(username: userName, mockSeed: mockSeed), isMockVerifier: true)
        }
        state = .awaitingSASLInitialResponse(scram)
        return .sendSASLMechanisms(["SCRAM-SHA-256"])
    }

    /// A PasswordMessage-family ('p') message from the client.
    mutating func passwordMessage(_ message: RawMessage) -> Action {
        switch state {
        case .awaitingSASLInitialResponse(var scram):
            guard let initial = try? SASLInitialResponse.decode(from: message) else {
                return protocolViolation("malformed SASLInitialResponse")
            }
            guard initial.mechanism == "SCRAM-SHA-256" else {
                return protocolViolation("unsupported SASL mechanism \"\(initial.mechanism)\"; pgring offers SCRAM-SHA-256 only")
            }
            switch scram.receiveClientFirst(initial.data ?? []) {
            case .sendServerFirst(let bytes):
                state = .awaitingSASLResponse(scram)
                return .sendSASLContinue(bytes)
            case .sendServerFinalAndSucceed:
                return protocolViolation("unexpected SCRAM state")
            case .fail(let error):
                return scramFailed(error, step: "client-first")
            }
        case .awaitingSASLResponse(var scram):
            guard let response = try? SASLResponse.decode(from: message) else {
                return protocolViolation("malformed SASLResponse")
            }
            switch scram.receiveClientFinal(response.data) {
            case .sendServerFinalAndSucceed(let bytes):
                state = .done
                return .sendSASLFinalAndSucceed(bytes)
            case .sendServerFirst:
                return protocolViolation("unexpected SCRAM state")
            case .fail(let error):
                return scramFailed(error, step: "client-final")
            }
        case .awaitingMD5(let salt, let storedHash):
            guard let password = try? PasswordMessage.decode(from: message) else {
                return protocolViolation("malformed PasswordMessage")
            }
            state = .done
            guard let storedHash, MD5Password.verify(response: password.password, storedHash: storedHash, salt: salt) else {
                return authenticationFailed(failureReason ?? "wrong md5 password")
            }
            return .succeed
        case .initial, .done:
            return protocolViolation("unexpected password message")
        }
    }

    /// A SCRAM failure: a wrong proof (or a mock verifier) is the one 28P01 answer every failed login
    /// gets; a malformed message is a protocol violation, with SCRAM's own SQLSTATE, as PostgreSQL does.
    private mutating func scramFailed(_ error: SCRAMError, step: String) -> Action {
        switch error {
        case .invalidProof:
            return authenticationFailed(failureReason ?? "SCRAM \(step): \(error)")
        case .malformed, .channelBindingNotSupported, .authorizationIdentityNotSupported, .unsupportedMandatoryExtension,
             .channelBindingMismatch, .nonceMismatch, .iterationCountOutOfRange, .invalidServerSignature,
             .clientKeysDoNotMatchServer, .serverError, .unexpectedMessage:
            failureReason = "SCRAM \(step): \(error)"
            state = .done
            return .fail(ClientFacingError(fatal: true, sqlState: error.sqlState, message: "malformed SCRAM message: \(error)"))
        }
    }

    private mutating func authenticationFailed(_ reason: String) -> Action {
        if failureReason == nil { failureReason = reason }
        state = .done
        return .fail(failure)
    }

    private mutating func protocolViolation(_ message: String) -> Action {
        failureReason = message
        state = .done
        return .fail(ClientFacingError(fatal: true, sqlState: SQLState.protocolViolation, message: message))
    }
}
