import NIOCore

/// Bind 'B' (frontend): binds values to a prepared statement, creating a portal
/// (PostgreSQL protocol, "Message Formats", Bind). Payload: String portal, String statement,
/// Int16 n + n x Int16 parameter format codes, Int16 n + n x (Int32 length (-1 = NULL), bytes),
/// Int16 n + n x Int16 result format codes.
///
/// Every count is checked against the remaining payload before it sizes an allocation. Values are slices of
/// the frame (no copy). Its `description` never shows values: bind values must not be logged.
public struct Bind: Sendable, Equatable {
    /// Portal name; empty for the unnamed portal.
    public var portalName: String
    /// Prepared statement name; empty for the unnamed statement.
    public var statementName: String
    /// Parameter format codes: none (all text), one (applies to all), or one per parameter. 0 = text, 1 = binary.
    public var parameterFormats: [Int16]
    /// Parameter values in order; nil is SQL NULL.
    public var parameters: [ByteBuffer?]
    /// Result column format codes, same convention as `parameterFormats`.
    public var resultFormats: [Int16]

    /// Creates a Bind message value.
    public init(
        portalName: String,
        statementName: String,
        parameterFormats: [Int16],
        parameters: [ByteBuffer?],
        resultFormats: [Int16]
    ) {
        self.portalName = portalName
        self.statementName = statementName
        self.parameterFormats = parameterFormats
        self.parameters = parameters
        self.resultFormats = resultFormats
    }

    /// The format code (0 text, 1 binary) that applies to parameter `index`, following the protocol rule
    /// (no codes: text; one code: all; else one each). Nil if `index` has no code (a malformed combination
    /// PostgreSQL itself rejects).
    public func parameterFormat(at index: Int) -> Int16? {
        switch self.parameterFormats.count {
        case 0: return 0
        case 1: return self.parameterFormats[0]
        default: return self.parameterFormats.indices.contains(index) ? self.parameterFormats[index] : nil
        }
    }

    /// Decodes a 'B' message; throws if the id is not 'B' or the payload is malformed.
    public static func decode(from message: RawMessage) throws -> Bind {
        try message.requireID(FrontendMessageID.bind.rawValue)
        return try Self.decode(payload: message.payload)
    }

    /// Decodes a 'B' payload.
    public static func decode(payload: ByteBuffer) throws -> Bind {
        var reader = PayloadReader(payload, messageName: "Bind")
        let portal = try reader.readCString(.lossy)
        let statement = try reader.readCString(.lossy)
        let parameterFormats = try Self.readFormatCodes(&reader, what: "parameter format")

        let parameterCount = Int(try reader.readUInt16())
        try reader.requireRoom(forCount: parameterCount, minimumElementSize: 4, what: "parameter")
        var parameters: [ByteBuffer?] = []
        parameters.reserveCapacity(parameterCount)
        for _ in 0..<parameterCount {
            let length = try reader.readInt32()
            if length == -1 {
                parameters.append(nil)
            } else if length < 0 {
                throw reader.error("invalid parameter length \(length)")
            } else {
                parameters.append(try reader.readSlice(count: Int(length)))
            }
        }

        let resultFormats = try Self.readFormatCodes(&reader, what: "result format")
        try reader.finish()
        return Bind(
            portalName: portal,
            statementName: statement,
            parameterFormats: parameterFormats,
            parameters: parameters,
            resultFormats: resultFormats
        )
    }

    /// Reads an Int16 count followed by that many Int16 format codes.
    private static func readFormatCodes(_ reader: inout PayloadReader, what: String) throws -> [Int16] {
        let count = Int(try reader.readUInt16())
        try reader.requireRoom(forCount: count, minimumElementSize: 2, what: what)
        var codes: [Int16] = []
        codes.reserveCapacity(count)
        for _ in 0..<count {
            codes.append(try reader.readInt16())
        }
        return codes
    }

    /// Writes the whole frame: 'B', length, portal, statement, formats, values, result formats.
    /// More than 65,535 entries in a list is our own bug.
    public func encode(into buffer: inout ByteBuffer) {
        precondition(
            self.parameterFormats.count <= Int(UInt16.max) && self.parameters.count <= Int(UInt16.max)
                && self.resultFormats.count <= Int(UInt16.max),
            "too many Bind entries"
        )
        buffer.writeFrame(id: FrontendMessageID.bind.rawValue) { buffer in
            buffer.writeCString(self.portalName)
            buffer.writeCString(self.statementName)
            buffer.writeInteger(UInt16(self.parameterFormats.count))
            for code in self.parameterFormats { buffer.writeInteger(code) }
            buffer.writeInteger(UInt16(self.parameters.count))
            for parameter in self.parameters {
                if var value = parameter {
                    buffer.writeInteger(Int32(truncatingIfNeeded: value.readableBytes))
                    buffer.writeBuffer(&value)
                } else {
                    buffer.writeInteger(Int32(-1))
                }
            }
            buffer.writeInteger(UInt16(self.resultFormats.count))
            for code in self.resultFormats { buffer.writeInteger(code) }
        }
    }
}

extension Bind: CustomStringConvertible {
    /// Names and counts only; never parameter values.
    public var description: String {
        "Bind(portal: \"\(self.portalName)\", statement: \"\(self.statementName)\", \(self.parameters.count) parameter(s))"
    }
}
