extension SQLLexer {
    /// Reads a string with a letter prefix (`E'..'`, `U&'..'`, `U&".."`, `N'..'`, `B'..'`, `X'..'`) if one starts
    /// at the current position; nil (position unchanged) when the word is not such a prefix.
    mutating func lexPrefixedConstant() -> SQLToken? {
        let first = Self.lowercased(bytes[position])
        switch first {
        case UInt8(ascii: "e") where peek(1) == UInt8(ascii: "'"):
            return lexEscapeString()
        case UInt8(ascii: "n"), UInt8(ascii: "b"), UInt8(ascii: "x"):
            guard peek(1) == UInt8(ascii: "'") else { return nil }
            return lexStandardString(prefixLength: 1)
        case UInt8(ascii: "u") where peek(1) == UInt8(ascii: "&"):
            if peek(2) == UInt8(ascii: "'") {
                return lexStandardString(prefixLength: 2)
            }
            if peek(2) == UInt8(ascii: "\"") {
                return lexQuotedIdentifier(prefixLength: 2)
            }
            return nil
        default:
            return nil
        }
    }

    /// Reads a standard-conforming string `'...'` after `prefixLength` prefix bytes: `''` is one quote and a
    /// backslash is an ordinary character.
    mutating func lexStandardString(prefixLength: Int) -> SQLToken {
        let start = position
        let (value, terminated) = scanQuoted(from: start + prefixLength, quote: UInt8(ascii: "'"))
        return SQLToken(kind: .string, text: value, range: start..<position, isUnterminated: !terminated)
    }

    /// Reads a `"quoted identifier"` after `prefixLength` prefix bytes: case kept, `""` is one `"`.
    mutating func lexQuotedIdentifier(prefixLength: Int) -> SQLToken {
        let start = position
        let (value, terminated) = scanQuoted(from: start + prefixLength, quote: UInt8(ascii: "\""))
        return SQLToken(kind: .quotedIdentifier, text: value, range: start..<position, isUnterminated: !terminated)
    }

    /// Scans from the opening `quote` at `offset` to the matching close, where a doubled quote stands for one.
    /// Leaves `position` after the close (or at the end of input). Returns the unescaped body and whether the
    /// closing quote was found.
    mutating func scanQuoted(from offset: Int, quote: UInt8) -> (String, Bool) {
        var value: [UInt8] = []
        position = offset + 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == quote {
                if peek(1) == quote {
                    value.append(quote)
                    position += 2
                    continue
                }
                position += 1
                return (String(decoding: value, as: UTF8.self), true)
            }
            value.append(byte)
            position += 1
        }
        return (String(decoding: value, as: UTF8.self), false)
    }

    /// Reads an escape string `E'...'`: `''` and `\'` are quotes, and the C-like escapes `\b \f \n \r \t`,
    /// `\ooo` (octal), `\xhh` (hex), `\uXXXX` and `\UXXXXXXXX` are decoded; any other `\c` is `c`.
    mutating func lexEscapeString() -> SQLToken {
        let start = position
        var value: [UInt8] = []
        position = start + 2
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "'") {
                if peek(1) == UInt8(ascii: "'") {
                    value.append(byte)
                    position += 2
                    continue
                }
                position += 1
                return SQLToken(kind: .string, text: String(decoding: value, as: UTF8.self), range: start..<position)
            }
            if byte == UInt8(ascii: "\\") {
                position += 1
                guard position < bytes.count else { break }
                appendEscape(into: &value)
                continue
            }
            value.append(byte)
            position += 1
        }
        return SQLToken(kind: .string, text: String(decoding: value, as: UTF8.self), range: start..<position,
                        isUnterminated: true)
    }

    /// Decodes the escape whose first byte after the backslash is at `position`, advancing past it.
    mutating func appendEscape(into value: inout [UInt8]) {
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "b"): value.append(0x08)
        case UInt8(ascii: "f"): value.append(0x0C)
        case UInt8(ascii: "n"): value.append(0x0A)
        case UInt8(ascii: "r"): value.append(0x0D)
        case UInt8(ascii: "t"): value.append(0x09)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var code = UInt32(byte - UInt8(ascii: "0"))
            var count = 1
            while count < 3, position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[position]) {
                code = code * 8 + UInt32(bytes[position] - UInt8(ascii: "0"))
                position += 1
                count += 1
            }
            value.append(UInt8(truncatingIfNeeded: code))
        case UInt8(ascii: "x"):
            var code: UInt32 = 0
            var count = 0
            while count < 2, position < bytes.count, let digit = Self.hexValue(bytes[position]) {
                code = code * 16 + digit
                position += 1
                count += 1
            }
            if count == 0 {
                value.append(byte)
            } else {
                value.append(UInt8(truncatingIfNeeded: code))
            }
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = byte == UInt8(ascii: "u") ? 4 : 8
            var code: UInt32 = 0
            var count = 0
            while count < digits, position < bytes.count, let digit = Self.hexValue(bytes[position]) {
                code = code &* 16 &+ digit
                position += 1
                count += 1
            }
            if count == digits, let scalar = Unicode.Scalar(code) {
                value.append(contentsOf: Array(String(Character(scalar)).utf8))
            } else {
                // Invalid or short escape: PostgreSQL rejects the statement; keep the text so nothing is lost.
                value.append(byte)
            }
        default:
            value.append(byte)
        }
    }

    /// Reads a dollar-quoted string `$tag$...$tag$` starting at the current `$`; nil (position unchanged) when
    /// the `$` does not open a valid tag. The tag follows identifier rules without `$`, and may be empty.
    mutating func lexDollarString() -> SQLToken? {
        let start = position
        var tagEnd = start + 1
        if tagEnd < bytes.count, Self.isIdentifierStart(bytes[tagEnd]) {
            tagEnd += 1
            while tagEnd < bytes.count, Self.isIdentifierContinuation(bytes[tagEnd]), bytes[tagEnd] != UInt8(ascii: "$") {
                tagEnd += 1
            }
        }
        guard tagEnd < bytes.count, bytes[tagEnd] == UInt8(ascii: "$") else { return nil }
        let delimiter = bytes[start...tagEnd]
        let bodyStart = tagEnd + 1
        // Each candidate close is compared only up to its first mismatch, and the matched bytes contain no `$`,
        // so the matched regions never overlap: the scan is linear in the input.
        var index = bodyStart
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), matches(delimiter, at: index) {
                position = index + delimiter.count
                return SQLToken(kind: .dollarString, text: text(bodyStart..<index), range: start..<position)
            }
            index += 1
        }
        position = bytes.count
        return SQLToken(kind: .dollarString, text: text(bodyStart..<bytes.count), range: start..<position,
                        isUnterminated: true)
    }

    /// True when `delimiter` occurs in the input at `offset`.
    func matches(_ delimiter: ArraySlice<UInt8>, at offset: Int) -> Bool {
        guard offset <= bytes.count - delimiter.count else { return false }
        var index = offset
        for byte in delimiter {
            if bytes[index] != byte { return false }
            index += 1
        }
        return true
    }
}
