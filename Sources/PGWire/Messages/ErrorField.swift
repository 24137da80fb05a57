import NIOCore

/// The one-byte field codes of ErrorResponse and NoticeResponse
/// (PostgreSQL protocol, "Error and Notice Message Fields"). Every field is optional on the wire.
public enum ErrorField: UInt8, Sendable, CaseIterable {
    /// Severity, possibly localized.
    case severity = 0x53 // 'S'
    /// Severity, never localized (PostgreSQL 9.6+).
    case severityNonLocalized = 0x56 // 'V'
    /// SQLSTATE code, e.g. "08P01".
    case sqlState = 0x43 // 'C'
    /// Primary human-readable message.
    case message = 0x4D // 'M'
    /// Detail.
    case detail = 0x44 // 'D'
    /// Hint.
    case hint = 0x48 // 'H'
    /// Cursor position in the query string (decimal, 1-based).
    case position = 0x50 // 'P'
    /// Position in an internally generated command.
    case internalPosition = 0x70 // 'p'
    /// The internally generated command.
    case internalQuery = 0x71 // 'q'
    /// Context / call stack.
    case whereContext = 0x57 // 'W'
    /// Schema name.
    case schemaName = 0x73 // 's'
    /// Table name.
    case tableName = 0x74 // 't'
    /// Column name.
    case columnName = 0x63 // 'c'
    /// Data type name.
    case dataTypeName = 0x64 // 'd'
    /// Constraint name.
    case constraintName = 0x6E // 'n'
    /// Source file name.
    case file = 0x46 // 'F'
    /// Source line number.
    case line = 0x4C // 'L'
    /// Source routine name.
    case routine = 0x52 // 'R'
}

/// Shared shape of ErrorResponse and NoticeResponse: a dictionary of fields keyed by field code.
public protocol DiagnosticFields {
    /// Every field received, keyed by its code byte (see `ErrorField`); unknown codes are kept too.
    var fields: [UInt8: String] { get }
}

extension DiagnosticFields {
    /// The field `field`, or nil when absent.
    public subscript(field: ErrorField) -> String? { self.fields[field.rawValue] }
    /// The severity, preferring the non-localized 'V' over 'S'.
    public var severity: String? { self[.severityNonLocalized] ?? self[.severity] }
    /// The SQLSTATE ('C').
    public var sqlState: String? { self[.sqlState] }
    /// The primary message ('M').
    public var message: String? { self[.message] }
    /// The detail ('D').
    public var detail: String? { self[.detail] }
    /// The hint ('H').
    public var hint: String? { self[.hint] }
}

/// Decoding and encoding of the field list shared by 'E' and 'N'.
enum DiagnosticFieldCoding {
    /// Reads (code byte, NUL-terminated string) pairs until a 0 code byte, which must be the last byte.
    /// Values are decoded lossily; a repeated code keeps the last value.
    static func decode(payload: ByteBuffer, messageName: String) throws -> [UInt8: String] {
        var reader = PayloadReader(payload, messageName: messageName)
        var fields: [UInt8: String] = [:]
        while true {
            let code = try reader.readUInt8()
            if code == 0 { break }
            fields[code] = try reader.readCString(.lossy)
        }
        try reader.finish()
        return fields
    }

    /// Writes the fields in a stable order: S, V, C, M, D, H, then the others by ascending code; then 0.
    static func encode(_ fields: [UInt8: String], into buffer: inout ByteBuffer) {
        let leading: [ErrorField] = [.severity, .severityNonLocalized, .sqlState, .message, .detail, .hint]
        let leadingCodes = Set(leading.map(\.rawValue))
        for field in leading {
            if let value = fields[field.rawValue] {
                buffer.writeInteger(field.rawValue)
                buffer.writeCString(value)
            }
        }
        for (code, value) in fields.sorted(by: { $0.key < $1.key }) where code != 0 && !leadingCodes.contains(code) {
            buffer.writeInteger(code)
            buffer.writeCString(value)
        }
        buffer.writeInteger(UInt8(0))
    }

    /// The fields of a message pgring composes: S and V = severity, C, M, optional D and H.
    static func make(severity: ErrorSeverity, code: String, message: String, detail: String?, hint: String?) -> [UInt8: String] {
        var fields: [UInt8: String] = [
            ErrorField.severity.rawValue: severity.rawValue,
            ErrorField.severityNonLocalized.rawValue: severity.rawValue,
            ErrorField.sqlState.rawValue: code,
            ErrorField.message.rawValue: message,
        ]
        if let detail { fields[ErrorField.detail.rawValue] = detail }
        if let hint { fields[ErrorField.hint.rawValue] = hint }
        return fields
    }
}

