import NIOCore

/// Flush 'H' (frontend): asks the server to deliver what it has produced so far, without ending the
/// extended-protocol batch. Empty payload (PostgreSQL protocol, "Message Formats", Flush).
public struct Flush: Sendable, Equatable {
    /// Creates a Flush message value.
    public init() {}

    /// Writes the whole frame: 'H', length 4.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.flush.rawValue) { _ in }
    }
}
