import NIOCore

/// RowDescription 'T' (backend): the columns of the rows that follow (PostgreSQL protocol, "Message Formats",
/// RowDescription). Payload: Int16 count, then per column: String name, Int32 table OID, Int16 column
/// attribute number, Int32 type OID, Int16 type size, Int32 type modifier, Int16 format code.
///
/// pgring sends it for its admin console (text columns) and decodes it only in tests and diagnostics.
public struct RowDescription: Sendable, Equatable {
    /// One column.
    public struct Column: Sendable, Equatable {
        /// The column name.
        public var name: String
        /// OID of the source table, or 0.
        public var tableOID: UInt32
        /// Attribute number in the source table, or 0.
        public var columnAttributeNumber: Int16
        /// The data type OID (25 = text, 20 = int8, 23 = int4, 16 = bool).
        public var dataTypeOID: UInt32
        /// pg_type.typlen: -1 for variable length.
        public var dataTypeSize: Int16
        /// pg_attribute.atttypmod: -1 when not applicable.
        public var typeModifier: Int32
        /// 0 = text, 1 = binary.
        public var formatCode: Int16

        /// Creates a column; defaults describe a text-format column not from a table.
        public init(
            name: String,
            tableOID: UInt32 = 0,
            columnAttributeNumber: Int16 = 0,
            dataTypeOID: UInt32 = RowDescription.textOID,
            dataTypeSize: Int16 = -1,
            typeModifier: Int32 = -1,
            formatCode: Int16 = 0
        ) {
            self.name = name
            self.tableOID = tableOID
            self.columnAttributeNumber = columnAttributeNumber
            self.dataTypeOID = dataTypeOID
            self.dataTypeSize = dataTypeSize
            self.typeModifier = typeModifier
            self.formatCode = formatCode
        }
    }

    /// OID of `text`.
    public static let textOID: UInt32 = 25
    /// OID of `int8`.
    public static let int8OID: UInt32 = 20
    /// OID of `int4`.
    public static let int4OID: UInt32 = 23
    /// OID of `bool`.
    public static let boolOID: UInt32 = 16

    /// The columns in order.
    public var columns: [Column]

    /// Creates a RowDescription.
    public init(columns: [Column]) {
        self.columns = columns
    }

    /// Decodes a 'T' message; throws if the id is not 'T' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> RowDescription {
        try message.requireID(BackendMessageID.rowDescription.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'T' payload.
    public static func decode(payload: ByteBuffer) throws -> RowDescription {
        var reader = PayloadReader(payload, messageName: "RowDescription")
        let count = Int(try reader.readUInt16())
        // Each column is at least a NUL (empty name) plus 18 bytes of fixed fields.
        try reader.requireRoom(forCount: count, minimumElementSize: 19, what: "column")
        var columns: [Column] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            columns.append(
                Column(
                    name: try reader.readCString(.lossy),
                    tableOID: try reader.readUInt32(),
                    columnAttributeNumber: try reader.readInt16(),
                    dataTypeOID: try reader.readUInt32(),
                    dataTypeSize: try reader.readInt16(),
                    typeModifier: try reader.readInt32(),
                    formatCode: try reader.readInt16()
                )
            )
        }
        try reader.finish()
        return RowDescription(columns: columns)
    }

    /// Writes the whole frame: 'T', length, count, columns. More than 65,535 columns is our own bug.
    public func encode(into buffer: inout ByteBuffer) {
        precondition(self.columns.count <= Int(UInt16.max), "too many columns")
        buffer.writeFrame(id: BackendMessageID.rowDescription.rawValue) { buffer in
            buffer.writeInteger(UInt16(self.columns.count))
            for column in self.columns {
                buffer.writeCString(column.name)
                buffer.writeInteger(column.tableOID)
                buffer.writeInteger(column.columnAttributeNumber)
                buffer.writeInteger(column.dataTypeOID)
                buffer.writeInteger(column.dataTypeSize)
                buffer.writeInteger(column.typeModifier)
                buffer.writeInteger(column.formatCode)
            }
        }
    }
}
