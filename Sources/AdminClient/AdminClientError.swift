/// An ErrorResponse from pgring (or PostgreSQL): SQLSTATE, message, detail and hint
/// (PostgreSQL protocol, "Error and Notice Message Fields"). Every field is optional on the wire; missing
/// ones read as `XX000` and an empty text.
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The severity (`ERROR`, `FATAL`...).
    public var severity: String
    /// The five-character SQLSTATE, e.g. `42501`.
    public var sqlState: String
    /// The primary message.
    public var message: String
    /// The detail, if any.
    public var detail: String?
    /// The hint, if any.
    public var hint: String?

    /// Creates the error.
    public init(severity: String = "ERROR", sqlState: String, message: String, detail: String? = nil, hint: String? = nil) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    /// `message (SQLSTATE xxxxx)`, then detail and hint on their own lines.
    public var description: String {
        var text = "\(message) (SQLSTATE \(sqlState))"
        if let detail, !detail.isEmpty { text += "\nDETAIL: \(detail)" }
        if let hint, !hint.isEmpty { text += "\nHINT: \(hint)" }
        return text
    }
}

/// Why an admin command failed. No case ever carries the password.
public enum AdminClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The TCP connection could not be made (refused, no route, name not resolved, connect timeout).
    /// `endpoint` is `host:port`.
    case unreachable(endpoint: String, reason: String)
    /// The connection was made but the whole command did not finish in time.
    case timedOut(endpoint: String, seconds: Int)
    /// The connection closed before the command finished.
    case connectionClosed(endpoint: String)
    /// pgring answered with an ErrorResponse (during login or to a query).
    case server(ServerError)
    /// The server asked for a password and the admin URL has none.
    case passwordRequired
    /// The server asked for an authentication method pgringctl does not speak, or SCRAM failed.
    case authenticationFailed(String)
    /// The server broke the protocol (or sent something pgringctl does not handle, such as COPY).
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .unreachable(let endpoint, let reason):
            return "cannot reach pgring at \(endpoint): \(reason)"
        case .timedOut(let endpoint, let seconds):
            return "pgring at \(endpoint) did not answer within \(seconds) s"
        case .connectionClosed(let endpoint):
            return "pgring at \(endpoint) closed the connection before answering"
        case .server(let error):
            return error.description
        case .passwordRequired:
            return "pgring asks for a password but the admin URL has none (postgres://USER:PASSWORD@HOST:PORT/pgring)"
        case .authenticationFailed(let what):
            return "authentication failed: \(what)"
        case .protocolViolation(let what):
            return "protocol violation from pgring: \(what)"
        }
    }
}

extension AdminClientError {
    /// pgringctl's exit status for this failure: 2 when pgring cannot be reached or does not answer in
    /// time, 3 for permission denied (SQLSTATE 42501), 1 for any other error.
    public var exitCode: Int32 {
        switch self {
        case .unreachable, .timedOut, .connectionClosed:
            return 2
        case .server(let server) where server.sqlState == "42501":
            return 3
        case .server, .passwordRequired, .authenticationFailed, .protocolViolation:
            return 1
        }
    }

    /// What pgringctl prints for this failure: `cannot reach pgring at HOST:PORT: <reason>`,
    /// `permission denied: <message> (connect as an admin user)`, or the server's message with its detail
    /// and hint on their own lines. Never contains the password.
    public var operatorMessage: String {
        switch self {
        case .server(let server) where server.sqlState == "42501":
            // The console's own message may already say "permission denied: ..."; say it once.
            let prefix = "permission denied"
            let message = server.message.lowercased().hasPrefix(prefix)
                ? server.message.dropFirst(prefix.count).drop(while: { $0 == ":" || $0 == " " })
                : Substring(server.message)
            return "permission denied: \(message) (connect as an admin user)"
        case .server(let server):
            var message = server.message
            if let detail = server.detail, !detail.isEmpty { message += "\nDetail: \(detail)" }
            if let hint = server.hint, !hint.isEmpty { message += "\nHint: \(hint)" }
            return message
        case .unreachable, .timedOut, .connectionClosed, .passwordRequired, .authenticationFailed, .protocolViolation:
            return description
        }
    }
}
