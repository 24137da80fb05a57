extension TOMLDocumentParser {
    /// `"…"` with escapes, on one line.
    mutating func parseBasicString() throws(TOMLSyntaxError) -> String {
        let start = position
        advance()
        var result = ""
        while true {
            guard let scalar = peek() else {
                throw error("unterminated string (started at line \(start.line), column \(start.column))")
            }
            switch scalar {
            case "\"":
                advance()
                return result
            case "\\":
                result.unicodeScalars.append(try parseEscape())
            case "\n", "\r":
                throw error("unterminated string: a \"…\" string must end on the line it starts; use \"\"\"…\"\"\" for several lines")
            default:
                guard !Self.isControl(scalar) else {
                    throw error("\(Self.describe(scalar)) must be escaped in a string")
                }
                result.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    /// `'…'`: no escapes, on one line.
    mutating func parseLiteralString() throws(TOMLSyntaxError) -> String {
        let start = position
        advance()
        var result = ""
        while true {
            guard let scalar = peek() else {
                throw error("unterminated string (started at line \(start.line), column \(start.column))")
            }
            switch scalar {
            case "'":
                advance()
                return result
            case "\n", "\r":
                throw error("unterminated string: a '…' string must end on the line it starts; use '''…''' for several lines")
            default:
                guard !Self.isControl(scalar) else {
                    throw error("\(Self.describe(scalar)) is not allowed in a literal string")
                }
                result.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    /// `"""…"""`: escapes, line breaks, a newline right after the opening quotes is dropped, and a
    /// backslash at the end of a line removes the line break and the whitespace that follows.
    mutating func parseMultilineBasicString() throws(TOMLSyntaxError) -> String {
        let start = position
        advance(by: 3)
        _ = try consumeNewline()
        var result = ""
        while true {
            guard let scalar = peek() else {
                throw error("unterminated multi-line string (started at line \(start.line), column \(start.column))")
            }
            switch scalar {
            case "\"":
                if try closeMultiline(quote: "\"", into: &result) { return result }
            case "\\":
                if try skipLineEndingBackslash() { continue }
                result.unicodeScalars.append(try parseEscape())
            case "\n", "\r":
                _ = try consumeNewline()
                result += "\n"
            default:
                guard !Self.isControl(scalar) else {
                    throw error("\(Self.describe(scalar)) must be escaped in a string")
                }
                result.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    /// `'''…'''`: no escapes, line breaks allowed, a newline right after the opening quotes is dropped.
    mutating func parseMultilineLiteralString() throws(TOMLSyntaxError) -> String {
        let start = position
        advance(by: 3)
        _ = try consumeNewline()
        var result = ""
        while true {
            guard let scalar = peek() else {
                throw error("unterminated multi-line string (started at line \(start.line), column \(start.column))")
            }
            switch scalar {
            case "'":
                if try closeMultiline(quote: "'", into: &result) { return result }
            case "\n", "\r":
                _ = try consumeNewline()
                result += "\n"
            default:
                guard !Self.isControl(scalar) else {
                    throw error("\(Self.describe(scalar)) is not allowed in a literal string")
                }
                result.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    /// At a quote inside a multi-line string: one or two quotes are content; three to five end the
    /// string (the extra one or two are content); six or more are an error. Returns true when closed.
    private mutating func closeMultiline(quote: Unicode.Scalar, into result: inout String) throws(TOMLSyntaxError) -> Bool {
        var count = 0
        while peek(count) == quote {
            count += 1
        }
        if count < 3 {
            for _ in 0..<count {
                result.unicodeScalars.append(quote)
            }
            advance(by: count)
            return false
        }
        guard count <= 5 else {
            throw error("too many quotes: a multi-line string ends with three quotes, at most two more may precede them")
        }
        for _ in 0..<(count - 3) {
            result.unicodeScalars.append(quote)
        }
        advance(by: count)
        return true
    }

    /// A backslash followed only by whitespace up to the line end: skips it, the line end and all
    /// whitespace and line ends after it. Returns false (consuming nothing) for an ordinary escape.
    private mutating func skipLineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var offset = 1
        while let scalar = peek(offset), scalar == " " || scalar == "\t" {
            offset += 1
        }
        guard peek(offset) == "\n" || (peek(offset) == "\r" && peek(offset + 1) == "\n") else {
            return false
        }
        advance(by: offset)
        while true {
            skipWhitespace()
            if try !consumeNewline() { return true }
        }
    }

    /// One escape sequence; the cursor is on the backslash.
    private mutating func parseEscape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        let start = position
        advance()
        guard let letter = peek() else {
            throw error("unterminated escape sequence at end of file")
        }
        advance()
        switch letter {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u": return try parseUnicodeEscape(digits: 4, start: start)
        case "U": return try parseUnicodeEscape(digits: 8, start: start)
        default:
            throw error(
                "invalid escape sequence `\\\(letter)`; valid ones are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX",
                at: start)
        }
    }

    /// The hex digits of `\uXXXX` / `\UXXXXXXXX`, which must name a Unicode scalar value.
    private mutating func parseUnicodeEscape(digits: Int, start: TOMLSourcePosition) throws(TOMLSyntaxError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let scalar = peek(), let digit = Self.hexDigitValue(scalar) else {
                throw error("expected \(digits) hexadecimal digits in the escape sequence, found \(describeCurrent())")
            }
            value = value &* 16 &+ digit
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            let hex = String(value, radix: 16, uppercase: true)
            throw error("escape sequence U+\(hex) is not a Unicode scalar value", at: start)
        }
        return scalar
    }

    /// The value of an ASCII hex digit, or nil.
    static func hexDigitValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "a"..."f": return scalar.value - 0x61 + 10
        case "A"..."F": return scalar.value - 0x41 + 10
        default: return nil
        }
    }
}
