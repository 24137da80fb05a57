import NIOCore

/// Sync 'S' (frontend): ends an extended-protocol batch; the server answers ReadyForQuery.
/// Empty payload (PostgreSQL protocol, "Message Formats", Sync).
public struct Sync: Sendable, Equatable {
    /// Creates a Sync message value.
    public init() {}

    /// Writes the whole frame: 'S', length 4.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: FrontendMessageID.sync.rawValue) { _ in }
    }
}
