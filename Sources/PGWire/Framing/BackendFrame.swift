/// What the server sent, as produced by `BackendFrameDecoder`.
public enum BackendFrame: Sendable, Equatable {
    /// The single-byte answer to SSLRequest / GSSENCRequest: 'S' (TLS accepted), 'G' (GSS accepted) or
    /// 'N' (refused, continue in plain text). Only produced when the decoder was told to expect it.
    case encryptionResponse(UInt8)
    /// A typed message, forwarded as-is unless the handler decodes it for a decision.
    case message(RawMessage)
}
