/// Bad bytes from a peer: the connection that sent them must be closed.
///
/// Every case has a `description` written for a person, suitable as the message of a FATAL
/// ErrorResponse with SQLSTATE `sqlState` (08P01, protocol_violation, unless said otherwise), as
/// PostgreSQL itself reports these problems.
public enum WireProtocolError: Error, Equatable, Sendable {
    /// A length field below the minimum for its context (typed message: 4; startup packet: 8), negative included.
    case invalidLength(Int)
    /// A typed message whose length field exceeds the configured limit (`maxMessageSize`).
    case messageTooLarge(Int, limit: Int)
    /// A startup-phase packet whose body exceeds `WireLimits.maxStartupPacketLength` (10,000 bytes). This is also
    /// what a client that skips the startup packet and sends a typed message first (e.g. 'Q') produces.
    case startupPacketTooLarge
    /// A StartupMessage with a major protocol version other than 3 (the raw 32-bit version code is carried).
    case unsupportedProtocolVersion(UInt32)
    /// Bytes arrived in the same read as an SSLRequest / GSSENCRequest, i.e. before TLS could be set up
    /// (CVE-2021-23214). They might have been injected by a man-in-the-middle and are never processed.
    case bytesAfterEncryptionRequest
    /// Bytes arrived in the same read as the server's 'S' answer to SSLRequest, i.e. before the TLS
    /// handshake (CVE-2021-23222). They are never processed.
    case bytesAfterEncryptionResponse
    /// Bytes arrived after a CancelRequest, which must be the only packet on its connection.
    case bytesAfterCancelRequest
    /// The server answered an SSLRequest / GSSENCRequest with a byte other than 'S', 'N', 'G' or 'E'.
    case unexpectedEncryptionResponse(UInt8)
    /// A typed decoder was handed a message with another id (our own routing mistake or a confused peer).
    case unexpectedMessageID(expected: UInt8, actual: UInt8)
    /// The bytes inside a frame do not follow the message format (missing NUL, counts that overrun the
    /// payload, trailing bytes, bad enum values...). The text says which message and what is wrong.
    case malformed(String)
}

extension WireProtocolError: CustomStringConvertible {
    /// A human message in the style of PostgreSQL's own protocol-violation errors.
    public var description: String {
        switch self {
        case .invalidLength(let length):
            return "invalid message length \(length)"
        case .messageTooLarge(let length, let limit):
            return "message length \(length) exceeds the limit of \(limit) bytes"
        case .startupPacketTooLarge:
            return "invalid length of startup packet (more than \(WireLimits.maxStartupPacketLength) bytes)"
        case .unsupportedProtocolVersion(let version):
            return "unsupported frontend protocol \(version >> 16).\(version & 0xFFFF): server supports 3.0 to 3.x"
        case .bytesAfterEncryptionRequest:
            return "received unencrypted data after SSL request"
        case .bytesAfterEncryptionResponse:
            return "received unencrypted data after SSL response"
        case .bytesAfterCancelRequest:
            return "unexpected data after cancel request"
        case .unexpectedEncryptionResponse(let byte):
            return "received invalid response to SSL negotiation: byte \(byte)"
        case .unexpectedMessageID(let expected, let actual):
            return "expected message type \(describeMessageID(expected)), got \(describeMessageID(actual))"
        case .malformed(let text):
            return text
        }
    }

    /// The SQLSTATE to report: 0A000 (feature_not_supported) for an unsupported protocol version, as
    /// PostgreSQL does; 08P01 (protocol_violation) for everything else.
    public var sqlState: String {
        switch self {
        case .unsupportedProtocolVersion:
            return "0A000"
        case .invalidLength, .messageTooLarge, .startupPacketTooLarge, .bytesAfterEncryptionRequest,
            .bytesAfterEncryptionResponse, .bytesAfterCancelRequest, .unexpectedEncryptionResponse,
            .unexpectedMessageID, .malformed:
            return "08P01"
        }
    }
}

/// Renders a message id as `'Q' (0x51)` for error texts; non-printable ids only in hex.
func describeMessageID(_ id: UInt8) -> String {
    let hex = "0x" + String(id, radix: 16, uppercase: true)
    if id >= 0x20 && id < 0x7F {
        return "'\(Character(Unicode.Scalar(id)))' (\(hex))"
    }
    return hex
}
