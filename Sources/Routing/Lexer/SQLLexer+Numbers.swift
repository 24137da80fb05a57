extension SQLLexer {
    /// Reads a numeric constant: decimal digits with optional `_` separators, an optional fraction and an optional
    /// exponent (`1.5e-3`, `.5`, `5.`), or an integer with a `0x`/`0o`/`0b` prefix. A sign is never part of
    /// the number (PostgreSQL treats a leading `-` as an operator); trailing identifier characters are left for
    /// the next token, as PostgreSQL 15 does.
    mutating func lexNumber() -> SQLToken {
        let start = position
        if bytes[position] == UInt8(ascii: "0"), let marker = peek(1).map(Self.lowercased),
           marker == UInt8(ascii: "x") || marker == UInt8(ascii: "o") || marker == UInt8(ascii: "b"),
           let firstDigit = peek(2), Self.isRadixDigit(firstDigit, marker: marker) {
            position += 2
            while position < bytes.count,
                  Self.isRadixDigit(bytes[position], marker: marker) || bytes[position] == UInt8(ascii: "_") {
                position += 1
            }
            return SQLToken(kind: .number, text: text(start..<position), range: start..<position)
        }
        skipDigits()
        if position < bytes.count, bytes[position] == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
            position += 1
            skipDigits()
        }
        if position < bytes.count, Self.lowercased(bytes[position]) == UInt8(ascii: "e") {
            var exponentStart = position + 1
            if exponentStart < bytes.count,
               bytes[exponentStart] == UInt8(ascii: "+") || bytes[exponentStart] == UInt8(ascii: "-") {
                exponentStart += 1
            }
            if exponentStart < bytes.count, Self.isDigit(bytes[exponentStart]) {
                position = exponentStart
                skipDigits()
            }
        }
        return SQLToken(kind: .number, text: text(start..<position), range: start..<position)
    }

    /// Skips decimal digits and `_` separators.
    mutating func skipDigits() {
        while position < bytes.count, Self.isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
            position += 1
        }
    }

    /// True when `byte` is a digit of the radix named by `marker` (`x`, `o` or `b`, lower case).
    static func isRadixDigit(_ byte: UInt8, marker: UInt8) -> Bool {
        switch marker {
        case UInt8(ascii: "x"): return hexValue(byte) != nil
        case UInt8(ascii: "o"): return (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte)
        default: return byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1")
        }
    }
}
