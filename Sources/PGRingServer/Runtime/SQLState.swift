/// The SQLSTATE codes pgring itself reports (PostgreSQL Appendix A, "PostgreSQL Error Codes").
public enum SQLState {
    /// 08P01 protocol_violation: a peer sent bytes that break the protocol.
    public static let protocolViolation = "08P01"
    /// 08006 connection_failure: the server connection behind a session was lost.
    public static let connectionFailure = "08006"
    /// 08001 sqlclient_unable_to_establish_sqlconnection: pgring could not reach a server.
    public static let cannotConnectNow = "08001"
    /// 28000 invalid_authorization_specification: e.g. no user name in the startup packet.
    public static let invalidAuthorizationSpecification = "28000"
    /// 28P01 invalid_password: authentication failed (same text for unknown user and bad password).
    public static let invalidPassword = "28P01"
    /// 3D000 invalid_catalog_name: unknown database.
    public static let invalidCatalogName = "3D000"
    /// 53300 too_many_connections: a limit was reached.
    public static let tooManyConnections = "53300"
    /// 57014 query_canceled: e.g. waited too long for a server connection.
    public static let queryCanceled = "57014"
    /// 57P01 admin_shutdown: pgring is shutting down.
    public static let adminShutdown = "57P01"
    /// 0A000 feature_not_supported.
    public static let featureNotSupported = "0A000"
    /// idle_session_timeout: a client idle too long.
    public static let idleSessionTimeout = "57P05"
    /// idle_in_transaction_session_timeout: a transaction left idle too long.
    public static let idleInTransactionSessionTimeout = "25P03"
    /// XX000 internal_error: a bug in pgring.
    public static let internalError = "XX000"
}

/// An error pgring reports to a client as an ErrorResponse: a policy error, not a crash.
public struct ClientFacingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ERROR keeps the session; FATAL closes it after the ErrorResponse.
    public var isFatal: Bool
    /// The SQLSTATE (five characters).
    public var sqlState: String
    /// The primary message: one line a person can act on.
    public var message: String
    /// Optional detail.
    public var detail: String?
    /// Optional hint.
    public var hint: String?

    public init(fatal: Bool, sqlState: String, message: String, detail: String? = nil, hint: String? = nil) {
        self.isFatal = fatal
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public var description: String { "\(isFatal ? "FATAL" : "ERROR") \(sqlState): \(message)" }
}
