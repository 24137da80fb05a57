/// Why the pool could not give a request a server connection. Each case is a policy error that the I/O layer
/// turns into an ErrorResponse (PostgreSQL protocol 55.2.6 / message formats 55.7) for the waiting client,
/// using ``message`` and ``sqlState``.
public enum PoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request waited longer than ``PoolConfiguration/waitTimeout`` because every connection was busy.
    case waitTimeout
    /// Opening a server connection failed (refused, TLS or authentication failure, server ErrorResponse...);
    /// the text says why, as reported by the I/O layer. Waiting requests get this only when no other
    /// connection or attempt could serve them.
    case connectFailed(String)
    /// Opening a server connection took longer than ``PoolConfiguration/connectTimeout``.
    case connectTimeout
    /// The pool is shutting down (pgring is stopping or the pool was removed by a reload) and leases no more
    /// connections.
    case poolShuttingDown
    /// The request was withdrawn by the I/O layer (the client went away) before it got a connection.
    case requestCancelled

    /// A message a person can act on, suitable for the `M` field of an ErrorResponse.
    public var message: String {
        switch self {
        case .waitTimeout:
            return "timed out waiting for a free server connection: the pool is full; retry later or raise the pool size"
        case .connectFailed(let reason):
            return "could not connect to the database server: \(reason)"
        case .connectTimeout:
            return "timed out connecting to the database server"
        case .poolShuttingDown:
            return "the connection pool is shutting down; reconnect later"
        case .requestCancelled:
            return "the request for a server connection was cancelled"
        }
    }

    /// A suggested SQLSTATE for the `C` field of the ErrorResponse (PostgreSQL Appendix A).
    public var sqlState: String {
        switch self {
        case .waitTimeout:
            return "53300"  // too_many_connections
        case .connectFailed, .connectTimeout:
            return "08006"  // connection_failure
        case .poolShuttingDown:
            return "57P01"  // admin_shutdown
        case .requestCancelled:
            return "57014"  // query_canceled
        }
    }

    /// Same as ``message``.
    public var description: String { message }
}
