import NIOCore

/// EmptyQueryResponse 'I' (backend): answer to an empty query string, in place of CommandComplete.
/// Empty payload (PostgreSQL protocol, "Message Formats", EmptyQueryResponse).
public struct EmptyQueryResponse: Sendable, Equatable {
    /// Creates an EmptyQueryResponse value.
    public init() {}

    /// Writes the whole frame: 'I', length 4.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.emptyQueryResponse.rawValue) { _ in }
    }
}
