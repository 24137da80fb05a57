import Config
import NIOCore
import PGAuth
import PGWire

/// Logs pgring into one PostgreSQL server: optional TLS negotiation, StartupMessage, authentication
/// (SCRAM-SHA-256, md5, cleartext or trust), then ParameterStatus/BackendKeyData until the first
/// ReadyForQuery. A pure state machine: no sockets; the ``ServerConnectionHandler`` performs the actions.
///
/// Protocol: "Start-up" and "SASL Authentication" sections of the PostgreSQL frontend/backend protocol.
struct ServerStartupStateMachine {
    /// What the handler must do next.
    enum Action: Equatable {
        /// Send SSLRequest and wait for the one-byte answer.
        case sendSSLRequest
        /// The server accepted TLS: put the TLS client handler in front, then call ``tlsEstablished()``.
        case startTLS
        /// Send the StartupMessage with these parameters.
        case sendStartup([StartupParameter])
        /// Send a PasswordMessage (cleartext or md5 response).
        case sendPassword(String)
        /// Send SASLInitialResponse for SCRAM-SHA-256.
        case sendSASLInitialResponse(mechanism: String, data: [UInt8])
        /// Send a SASLResponse.
        case sendSASLResponse([UInt8])
        /// Nothing to send; wait for the next message.
        case wait
        /// The login finished: the server is idle and ready for queries.
        case ready
        /// The login failed; close the connection and report this.
        case fail(ServerStartupError)
    }

    /// Where the login is.
    enum State {
        /// Nothing sent yet.
        case initial
        /// SSLRequest sent, waiting for 'S' or 'N'.
        case awaitingEncryptionResponse
        /// TLS handshake running.
        case awaitingTLS
        /// StartupMessage sent, waiting for an Authentication request.
        case awaitingAuthentication
        /// SCRAM exchange under way.
        case scram(SCRAMClientStateMachine)
        /// Authentication succeeded; collecting ParameterStatus/BackendKeyData until ReadyForQuery.
        case awaitingReady
        /// Ready for queries (terminal for this machine).
        case ready
        /// Failed (terminal).
        case failed
    }

    let user: String
    let password: String?
    let database: String
    let tlsMode: ServerTLSMode
    let extraParameters: [StartupParameter]
    /// SCRAM keys from an earlier login to the same server as the same user: with the same salt and
    /// iteration count they replace the PBKDF2 step (as PgBouncer caches them).
    let cachedKeys: SCRAMClientKeys?
    /// The SCRAM keys of a completed login, to cache for the next one.
    private(set) var authenticatedKeys: SCRAMClientKeys?
    private(set) var state: State = .initial
    /// ParameterStatus values reported by the server, by name.
    private(set) var parameters: [String: String] = [:]
    /// BackendKeyData: the server's process ID and secret key, needed to cancel its queries.
    private(set) var backendKey: BackendKeyData?

    init(
        user: String,
        password: String?,
        database: String,
        tlsMode: ServerTLSMode,
        extraParameters: [StartupParameter] = [],
        cachedKeys: SCRAMClientKeys? = nil
    ) {
        self.cachedKeys = cachedKeys
        self.user = user
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
        self.extraParameters = extraParameters
    }

    private var startupParameters: [StartupParameter] {
        [StartupParameter(name: "user", value: user), StartupParameter(name: "database", value: database)] + extraParameters
    }

    /// Begin the login.
    mutating func start() -> Action {
        switch tlsMode {
        case .disable:
            state = .awaitingAuthentication
            return .sendStartup(startupParameters)
        case .prefer, .require, .verifyFull:
            state = .awaitingEncryptionResponse
            return .sendSSLRequest
        }
    }

    /// The one-byte answer to SSLRequest.
    mutating func encryptionResponse(_ byte: UInt8) -> Action {
        guard case .awaitingEncryptionResponse = state else { return fail(.protocolViolation("unexpected SSL response")) }
        switch byte {
        case UInt8(ascii: "S"):
            state = .awaitingTLS
            return .startTLS
        case UInt8(ascii: "N"):
            switch tlsMode {
            case .prefer, .disable:
                state = .awaitingAuthentication
                return .sendStartup(startupParameters)
            case .require, .verifyFull:
                return fail(.tlsRefused)
            }
        default:
            return fail(.protocolViolation("invalid answer \(byte) to SSLRequest"))
        }
    }

    /// The TLS handshake completed.
    mutating func tlsEstablished() -> Action {
        guard case .awaitingTLS = state else { return fail(.protocolViolation("unexpected TLS completion")) }
        state = .awaitingAuthentication
        return .sendStartup(startupParameters)
    }

    /// A typed message from the server during login.
    mutating func message(_ message: RawMessage) -> Action {
        switch message.id {
        case BackendMessageID.errorResponse.rawValue:
            let error = try? ErrorResponse.decode(from: message)
            return fail(.serverError(sqlState: error?.sqlState ?? "XX000", message: error?.message ?? "unreadable error"))
        case BackendMessageID.noticeResponse.rawValue:
            return .wait
        case BackendMessageID.negotiateProtocolVersion.rawValue:
            return .wait
        default:
            break
        }
        switch state {
        case .awaitingAuthentication:
            guard message.id == BackendMessageID.authentication.rawValue else {
                return fail(.protocolViolation("expected an authentication request, got '\(Character(UnicodeScalar(message.id)))'"))
            }
            return authenticationRequest(message)
        case .scram(var scram):
            guard message.id == BackendMessageID.authentication.rawValue,
                  let request = try? AuthenticationRequest.decode(from: message)
            else { return fail(.protocolViolation("expected a SASL message")) }
            switch request {
            case .saslContinue(let data), .saslFinal(let data):
                let isFinal: Bool
                if case .saslFinal = request { isFinal = true } else { isFinal = false }
                switch isFinal ? scram.saslFinal(data) : scram.saslContinue(data) {
                case .respond(let final):
                    state = .scram(scram)
                    return .sendSASLResponse(final)
                case .verified:
                    state = .scram(scram)
                    return .wait
                case .outOfOrder(let why):
                    return fail(.protocolViolation(why))
                case .failed(let why):
                    return fail(.authenticationFailed(why))
                }
            case .ok:
                if let refusal = scram.authenticationOkRefusal {
                    return fail(.authenticationFailed(refusal))
                }
                authenticatedKeys = scram.authenticatedKeys
                state = .awaitingReady
                return .wait
            case .cleartextPassword, .md5Password, .sasl, .unsupported:
                return fail(.protocolViolation("unexpected authentication request during SCRAM"))
            }
        case .awaitingReady:
            switch message.id {
            case BackendMessageID.parameterStatus.rawValue:
                if let status = try? ParameterStatus.decode(from: message) {
                    parameters[status.name] = status.value
                }
                return .wait
            case BackendMessageID.backendKeyData.rawValue:
                backendKey = try? BackendKeyData.decode(from: message)
                return .wait
            case BackendMessageID.readyForQuery.rawValue:
                state = .ready
                return .ready
            default:
                return fail(.protocolViolation("unexpected message '\(Character(UnicodeScalar(message.id)))' during login"))
            }
        case .initial, .awaitingEncryptionResponse, .awaitingTLS, .ready, .failed:
            return fail(.protocolViolation("unexpected message '\(Character(UnicodeScalar(message.id)))' during login"))
        }
    }

    private mutating func authenticationRequest(_ message: RawMessage) -> Action {
        guard let request = try? AuthenticationRequest.decode(from: message) else {
            return fail(.protocolViolation("malformed authentication request"))
        }
        switch request {
        case .ok:
            state = .awaitingReady
            return .wait
        case .cleartextPassword:
            guard let password else { return fail(.passwordRequired) }
            return .sendPassword(password)
        case .md5Password(let salt):
            guard let password else { return fail(.passwordRequired) }
            return .sendPassword(MD5Password.response(user: user, password: password, salt: salt))
        case .sasl(let mechanisms):
            guard mechanisms.contains("SCRAM-SHA-256") else {
                return fail(.unsupportedAuthentication("SASL mechanisms \(mechanisms.joined(separator: ", "))"))
            }
            guard let password else { return fail(.passwordRequired) }
            var scram = SCRAMClientStateMachine(username: user, password: password, cachedKeys: cachedKeys)
            let first = scram.clientFirstMessage()
            state = .scram(scram)
            return .sendSASLInitialResponse(mechanism: "SCRAM-SHA-256", data: first)
        case .saslContinue, .saslFinal:
            return fail(.protocolViolation("SASL message before SASL started"))
        case .unsupported(let code):
            return fail(.unsupportedAuthentication("authentication request code \(code)"))
        }
    }

    private mutating func fail(_ error: ServerStartupError) -> Action {
        state = .failed
        return .fail(error)
    }
}

/// Why a login to a PostgreSQL server failed. Reported to the waiting client and in the log.
enum ServerStartupError: Error, Equatable, CustomStringConvertible {
    /// The server broke the protocol.
    case protocolViolation(String)
    /// `tls = require/verify-full` but the server answered 'N'.
    case tlsRefused
    /// The server asks for a password and `[server] password` is not set.
    case passwordRequired
    /// The server wants an authentication method pgring does not implement.
    case unsupportedAuthentication(String)
    /// SCRAM failed (bad server signature, malformed message).
    case authenticationFailed(String)
    /// The server sent an ErrorResponse (bad password, unknown database, too many connections...).
    case serverError(sqlState: String, message: String)

    var description: String {
        switch self {
        case .protocolViolation(let what): return "protocol violation from server: \(what)"
        case .tlsRefused: return "the server does not accept TLS but [server] tls requires it"
        case .passwordRequired: return "the server asks for a password but [server] password is not set"
        case .unsupportedAuthentication(let what): return "unsupported authentication method: \(what)"
        case .authenticationFailed(let what): return "authentication to the server failed: \(what)"
        case .serverError(let code, let message): return "server refused the login: \(message) (SQLSTATE \(code))"
        }
    }
}

extension ServerStartupStateMachine {
    /// Records a ParameterStatus the server sent after login (SET, RESET, DISCARD ALL...).
    mutating func updateParameter(_ name: String, _ value: String) {
        parameters[name] = value
    }
}
