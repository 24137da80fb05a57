import NIOCore

/// DataRow 'D' (backend): one row (PostgreSQL protocol, "Message Formats", DataRow).
/// Payload: Int16 count, then per column Int32 length (-1 = NULL) and the value bytes.
///
/// pgring only composes text rows (admin console), so values are `String?` written as UTF-8.
public struct DataRow: Sendable, Equatable {
    /// Column values in order; nil is SQL NULL.
    public var values: [String?]

    /// Creates a row.
    public init(values: [String?]) {
        self.values = values
    }

    /// Writes the whole frame: 'D', length, count, values. More than 65,535 values is our own bug.
    public func encode(into buffer: inout ByteBuffer) {
        precondition(self.values.count <= Int(UInt16.max), "too many columns")
        buffer.writeFrame(id: BackendMessageID.dataRow.rawValue) { buffer in
            buffer.writeInteger(UInt16(self.values.count))
            for value in self.values {
                if let value {
                    let utf8 = value.utf8
                    buffer.writeInteger(Int32(truncatingIfNeeded: utf8.count))
                    buffer.writeBytes(utf8)
                } else {
                    buffer.writeInteger(Int32(-1))
                }
            }
        }
    }
}
