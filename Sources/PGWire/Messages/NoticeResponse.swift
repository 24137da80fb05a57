import NIOCore

/// NoticeResponse 'N' (backend): a warning or notice, same field layout as ErrorResponse
/// (PostgreSQL protocol, "Message Formats", NoticeResponse). Every field is optional.
public struct NoticeResponse: Sendable, Equatable, DiagnosticFields {
    /// Every field, keyed by code byte.
    public var fields: [UInt8: String]

    /// Wraps raw fields.
    public init(fields: [UInt8: String]) {
        self.fields = fields
    }

    /// A notice pgring itself sends: S and V = `severity` (normally `.notice` or `.warning`), C, M, D, H.
    public init(severity: ErrorSeverity, code: String, message: String, detail: String? = nil, hint: String? = nil) {
        self.fields = DiagnosticFieldCoding.make(severity: severity, code: code, message: message, detail: detail, hint: hint)
    }

    /// Decodes an 'N' message; throws if the id is not 'N' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> NoticeResponse {
        try message.requireID(BackendMessageID.noticeResponse.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes an 'N' payload. Values are decoded lossily.
    public static func decode(payload: ByteBuffer) throws -> NoticeResponse {
        NoticeResponse(fields: try DiagnosticFieldCoding.decode(payload: payload, messageName: "NoticeResponse"))
    }

    /// Writes the whole frame: 'N', length, fields, 0.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.noticeResponse.rawValue) { DiagnosticFieldCoding.encode(self.fields, into: &$0) }
    }
}
