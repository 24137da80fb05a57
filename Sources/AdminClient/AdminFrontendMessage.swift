import NIOCore
import PGWire

/// A message pgringctl sends to pgring (frontend), as the connection state machine asks for it.
public enum AdminFrontendMessage: Sendable, Equatable {
    /// The StartupMessage (protocol 3.0).
    case startup(StartupMessage)
    /// PasswordMessage: a cleartext password or an md5 response. Its text never reaches a log.
    case password(String)
    /// SASLInitialResponse with the SCRAM client-first-message.
    case saslInitialResponse(mechanism: String, data: [UInt8])
    /// SASLResponse with the SCRAM client-final-message.
    case saslResponse([UInt8])
    /// Query: one simple-protocol query.
    case query(String)
    /// Terminate: the session ends.
    case terminate

    /// Appends the whole frame to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .startup(let message):
            message.encode(into: &buffer)
        case .password(let password):
            PasswordMessage(password: password).encode(into: &buffer)
        case .saslInitialResponse(let mechanism, let data):
            SASLInitialResponse(mechanism: mechanism, data: data).encode(into: &buffer)
        case .saslResponse(let data):
            SASLResponse(data: data).encode(into: &buffer)
        case .query(let sql):
            Query(sql: sql).encode(into: &buffer)
        case .terminate:
            Terminate().encode(into: &buffer)
        }
    }
}

extension AdminFrontendMessage: CustomStringConvertible {
    /// The message kind; never a password or SASL data.
    public var description: String {
        switch self {
        case .startup: return "StartupMessage"
        case .password: return "PasswordMessage(<redacted>)"
        case .saslInitialResponse(let mechanism, _): return "SASLInitialResponse(\(mechanism))"
        case .saslResponse: return "SASLResponse(<redacted>)"
        case .query(let sql): return "Query(\(sql))"
        case .terminate: return "Terminate"
        }
    }
}
