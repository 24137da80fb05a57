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

    /// Decodes a 'D' backend message with text values (lossy UTF-8); throws if the id is not 'D' or the payload
    /// is malformed (every length is checked against what is left).
    public static func decode(from message: RawMessage) throws -> DataRow {
        try message.requireID(BackendMessageID.dataRow.rawValue)
        var reader = PayloadReader(message.payload, messageName: "DataRow")
        let count = Int(try reader.readUInt16())
        try reader.requireRoom(forCount: count, minimumElementSize: 4, what: "column")
        var values: [String?] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            let length = try reader.readInt32()
            if length < 0 {
                values.append(nil)
            } else {
                let slice = try reader.readSlice(count: Int(length))
                values.append(try reader.makeString(slice.readableBytesView, .lossy))
            }
        }
        try reader.finish()
        return DataRow(values: values)
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
