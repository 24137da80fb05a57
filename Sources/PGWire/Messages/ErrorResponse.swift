import NIOCore

/// ErrorResponse 'E' (backend): an error (PostgreSQL protocol, "Message Formats", ErrorResponse, and
/// "Error and Notice Message Fields"). Payload: repeated (Byte1 field code, String value), then a 0 byte.
///
/// Every field is optional: accessors (`severity`, `sqlState`, `message`, ...) return nil when absent.
public struct ErrorResponse: Sendable, Equatable, DiagnosticFields {
    /// Every field, keyed by code byte.
    public var fields: [UInt8: String]

    /// Wraps raw fields.
    public init(fields: [UInt8: String]) {
        self.fields = fields
    }

    /// An error pgring itself reports: S and V = `severity`, C = `code` (SQLSTATE), M = `message`,
    /// plus D and H when given.
    public init(severity: ErrorSeverity, code: String, message: String, detail: String? = nil, hint: String? = nil) {
        self.fields = DiagnosticFieldCoding.make(severity: severity, code: code, message: message, detail: detail, hint: hint)
    }

    /// The FATAL error to send before closing a connection whose peer broke the protocol.
    public init(_ error: WireProtocolError) {
        self.init(severity: .fatal, code: error.sqlState, message: error.description)
    }

    /// Decodes an 'E' backend message; throws if the id is not 'E' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> ErrorResponse {
        try message.requireID(BackendMessageID.errorResponse.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes an 'E' payload. Values are decoded lossily (the server may use another encoding).
    public static func decode(payload: ByteBuffer) throws -> ErrorResponse {
        ErrorResponse(fields: try DiagnosticFieldCoding.decode(payload: payload, messageName: "ErrorResponse"))
    }

    /// Writes the whole frame: 'E', length, fields (S, V, C, M, D, H first, then the rest by code), 0.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFrame(id: BackendMessageID.errorResponse.rawValue) { DiagnosticFieldCoding.encode(self.fields, into: &$0) }
    }
}
