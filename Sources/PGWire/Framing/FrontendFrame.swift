/// What the client sent, as produced by `FrontendFrameDecoder`.
public enum FrontendFrame: Sendable, Equatable {
    /// A startup-phase packet (StartupMessage, SSLRequest, GSSENCRequest or CancelRequest).
    case startup(StartupPacket)
    /// A typed message, forwarded as-is unless the handler decodes it for a decision.
    case message(RawMessage)
}
