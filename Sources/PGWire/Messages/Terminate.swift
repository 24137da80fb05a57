import NIOCore

/// Terminate 'X' (frontend): the client closes the session.
/// Empty payload (PostgreSQL protocol, "Message Formats", Terminate).
public struct Terminate: Sendable, Equatable {
    /// Creates a Terminate message value.
    public init() {}

    /// Writes the whole frame: 'X', length 4.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.terminate.rawValue) { _ in }
    }
}
