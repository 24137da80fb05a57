import NIOCore

/// PasswordMessage 'p' (frontend): a cleartext or MD5-hashed ("md5" + 32 hex digits) password
/// (PostgreSQL protocol, "Message Formats", PasswordMessage). Payload: String password.
///
/// 'p' is shared with SASLInitialResponse, SASLResponse and GSSResponse; the caller picks the decoder from
/// the authentication request it sent. The password must be valid UTF-8 (strict, so two byte strings never
/// compare equal after decoding). Its `description` never shows the password.
public struct PasswordMessage: Sendable, Equatable {
    /// The password (or "md5..." hash).
    public var password: String

    /// Creates a PasswordMessage value.
    public init(password: String) {
        self.password = password
    }

    /// Decodes a 'p' message as a PasswordMessage; throws if the id is not 'p' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> PasswordMessage {
        try message.requireID(FrontendMessageID.password.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'p' payload as a PasswordMessage: exactly one NUL-terminated string.
    public static func decode(payload: ByteBuffer) throws -> PasswordMessage {
        var reader = PayloadReader(payload, messageName: "PasswordMessage")
        let password = try reader.readCString(.strict)
        try reader.finish()
        return PasswordMessage(password: password)
    }

    /// Writes the whole frame: 'p', length, password, NUL.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.password.rawValue) { $0.writeCString(self.password) }
    }
}

extension PasswordMessage: CustomStringConvertible {
    /// Never shows the password.
    public var description: String { "PasswordMessage(<redacted>)" }
}
