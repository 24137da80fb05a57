import NIOCore

/// Authentication 'R' (backend): every Authentication* message
/// (PostgreSQL protocol, "Message Formats", AuthenticationOk ... AuthenticationSASLFinal).
/// Payload: Int32 request code, then code-specific data.
///
/// pgring decodes it on its connections to PostgreSQL and encodes it towards its own clients.
public enum AuthenticationRequest: Sendable, Equatable {
    /// Code 0, AuthenticationOk: authentication succeeded.
    case ok
    /// Code 3, AuthenticationCleartextPassword: send the password in clear.
    case cleartextPassword
    /// Code 5, AuthenticationMD5Password: send md5 of the password with this 4-byte salt.
    case md5Password(salt: [UInt8])
    /// Code 10, AuthenticationSASL: the SASL mechanisms the server offers, in preference order.
    case sasl(mechanisms: [String])
    /// Code 11, AuthenticationSASLContinue: SASL challenge data (SCRAM server-first-message).
    case saslContinue(data: [UInt8])
    /// Code 12, AuthenticationSASLFinal: SASL outcome data (SCRAM server-final-message).
    case saslFinal(data: [UInt8])
    /// Any other code (2 KerberosV5, 6 SCMCredential, 7 GSS, 8 GSSContinue, 9 SSPI, or unknown):
    /// pgring does not speak it; the remaining payload is ignored.
    case unsupported(Int32)

    /// The request code on the wire.
    public var code: Int32 {
        switch self {
        case .ok: return 0
        case .cleartextPassword: return 3
        case .md5Password: return 5
        case .sasl: return 10
        case .saslContinue: return 11
        case .saslFinal: return 12
        case .unsupported(let code): return code
        }
    }

    /// Decodes an 'R' message; throws if the id is not 'R' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> AuthenticationRequest {
        try message.requireID(BackendMessageID.authentication.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes an 'R' payload.
    public static func decode(payload: ByteBuffer) throws -> AuthenticationRequest {
        var reader = PayloadReader(payload, messageName: "Authentication")
        let code = try reader.readInt32()
        let request: AuthenticationRequest
        switch code {
        case 0:
            request = .ok
        case 3:
            request = .cleartextPassword
        case 5:
            request = .md5Password(salt: try reader.readBytes(count: WireLimits.md5SaltLength))
        case 10:
            var mechanisms: [String] = []
            while true {
                let mechanism = try reader.readCString(.strict)
                if mechanism.isEmpty { break }
                mechanisms.append(mechanism)
            }
            request = .sasl(mechanisms: mechanisms)
        case 11:
            request = .saslContinue(data: reader.readRemainingBytes())
        case 12:
            request = .saslFinal(data: reader.readRemainingBytes())
        default:
            return .unsupported(code)
        }
        try reader.finish()
        return request
    }

    /// Writes the whole frame: 'R', length, code, data.
    ///
    /// `md5Password` must carry exactly 4 salt bytes (our own value: a wrong count is a programming error).
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.authentication.rawValue) { buffer in
            buffer.writeInteger(self.code)
            switch self {
            case .ok, .cleartextPassword, .unsupported:
                break
            case .md5Password(let salt):
                precondition(salt.count == WireLimits.md5SaltLength, "MD5 salt must be 4 bytes")
                buffer.writeBytes(salt)
            case .sasl(let mechanisms):
                for mechanism in mechanisms { buffer.writeCString(mechanism) }
                buffer.writeInteger(UInt8(0))
            case .saslContinue(let data), .saslFinal(let data):
                buffer.writeBytes(data)
            }
        }
    }
}
