/// A PostgreSQL write-ahead log position (`pg_lsn`, an `XLogRecPtr`): a byte offset into the WAL stream.
///
/// The text form is two hexadecimal numbers of one to eight digits each, separated by a slash: the high
/// and the low 32 bits, e.g. `16/B374D848` (PostgreSQL docs, "pg_lsn Type"; `pg_lsn_in`/`pg_lsn_out` in
/// `src/backend/utils/adt/pg_lsn.c`). Ordering is the ordering of the 64-bit offsets, so a replica whose
/// replay position is at or after an LSN has replayed everything written up to it.
public struct LSN: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The byte position in the WAL stream.
    public let value: UInt64

    /// The position `value`.
    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses PostgreSQL's text form, as `pg_lsn_in` does: `HEX/HEX`, each part 1 to 8 hexadecimal
    /// digits in either case, nothing before, between or after (no spaces, no sign). Nil when malformed.
    ///
    /// Zero-padded low parts (`0/0000ABCD`, the form newer PostgreSQL releases print) parse as well.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")),
              let high = Self.parseComponent(bytes[..<slash]),
              let low = Self.parseComponent(bytes[(slash + 1)...])
        else { return nil }
        self.value = UInt64(high) << 32 | UInt64(low)
    }

    /// One slash-separated part: 1 to 8 hexadecimal digits; nil otherwise (so a second slash fails too).
    private static func parseComponent(_ digits: ArraySlice<UInt8>) -> UInt32? {
        guard (1...8).contains(digits.count) else { return nil }
        var result: UInt32 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            // At most 8 digits, so this never overflows.
            result = result << 4 | UInt32(digit)
        }
        return result
    }

    /// The text form as `pg_lsn_out` prints it up to PostgreSQL 18: `%X/%X`, uppercase, no leading zeros
    /// (`0/0`, `16/B374D848`).
    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    /// The number of WAL bytes from `earlier` to `self` (PostgreSQL's `pg_lsn - pg_lsn`), or 0 when
    /// `earlier` is not before `self` (saturating: "how far behind" is never negative).
    public func bytes(since earlier: LSN) -> UInt64 {
        value >= earlier.value ? value - earlier.value : 0
    }

    /// Orders by WAL position.
    public static func < (lhs: LSN, rhs: LSN) -> Bool {
        lhs.value < rhs.value
    }
}
