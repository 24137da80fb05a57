/// A UUID as PostgreSQL stores it: 16 bytes in the order they are written in text.
public struct PostgresUUID: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bytes, first byte = first two hex digits of the text form.
    public var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                       UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// A UUID from exactly 16 bytes; nil for any other count.
    public init?(bytes array: [UInt8]) {
        guard array.count == 16 else { return nil }
        var value = PostgresUUID.zero
        withUnsafeMutableBytes(of: &value.bytes) { destination in
            destination.copyBytes(from: array)
        }
        self = value
    }

    /// The all-zero UUID.
    public static let zero = PostgresUUID(rawBytes: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    private init(rawBytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        bytes = rawBytes
    }

    /// Parses the text forms PostgreSQL's `uuid_in` accepts: 32 hex digits (either case), optionally in
    /// braces, with an optional hyphen after any group of four digits except the last
    /// (e.g. `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11`, `{A0EEBC99...}`, `a0ee-bc99-...`).
    /// Nil for anything else (no surrounding spaces, as in PostgreSQL).
    public init?(_ text: String) {
        var digits = Array(text.utf8)[...]
        var hasBraces = false
        if digits.first == UInt8(ascii: "{") {
            hasBraces = true
            digits = digits.dropFirst()
        }
        var result = [UInt8]()
        result.reserveCapacity(16)
        for index in 0..<16 {
            guard digits.count >= 2,
                  let high = Self.hexValue(digits[digits.startIndex]),
                  let low = Self.hexValue(digits[digits.startIndex + 1])
            else { return nil }
            result.append(high << 4 | low)
            digits = digits.dropFirst(2)
            if digits.first == UInt8(ascii: "-"), index % 2 == 1, index < 15 {
                digits = digits.dropFirst()
            }
        }
        if hasBraces {
            guard digits.first == UInt8(ascii: "}") else { return nil }
            digits = digits.dropFirst()
        }
        guard digits.isEmpty, let uuid = PostgresUUID(bytes: result) else { return nil }
        self = uuid
    }

    /// The value of one ASCII hex digit.
    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The bytes as an array.
    public var byteArray: [UInt8] {
        withUnsafeBytes(of: bytes) { Array($0) }
    }

    /// Canonical PostgreSQL output form: lowercase, 8-4-4-4-12.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for (index, byte) in byteArray.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public static func == (lhs: PostgresUUID, rhs: PostgresUUID) -> Bool {
        lhs.byteArray == rhs.byteArray
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(byteArray)
    }
}
