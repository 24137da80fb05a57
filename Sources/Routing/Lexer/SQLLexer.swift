/// A PostgreSQL-aware SQL tokenizer.
///
/// Follows PostgreSQL's lexical structure (documentation section 4.1, `scan.l`) closely enough to find statement
/// boundaries, names, constants, parameters and comments correctly, with `standard_conforming_strings = on`
/// (the default since PostgreSQL 9.1): a backslash is an escape only inside `E'...'`.
///
/// Guarantees: it never traps on any input (any bytes, including invalid UTF-8), every byte of the input is part
/// of exactly one token or of whitespace, and it runs in time linear in the input length. A string, quoted
/// identifier, dollar-quoted string or block comment that is still open at the end of input becomes one token
/// with `isUnterminated == true`.
///
/// Not supported on purpose: `standard_conforming_strings = off`, `UESCAPE` clauses (the string is skipped
/// correctly, its `\XXXX` escapes are kept undecoded), psql variables (`:name`).
public struct SQLLexer: Sendable {
    /// The UTF-8 bytes being tokenized.
    let bytes: [UInt8]
    /// The offset of the next byte to read.
    var position: Int = 0

    /// Creates a lexer over `sql`.
    public init(_ sql: String) {
        self.bytes = Array(sql.utf8)
    }

    /// Creates a lexer over raw bytes (for example a Query message payload); invalid UTF-8 is tolerated.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Tokenizes the whole of `sql`, comments included.
    public static func tokenize(_ sql: String) -> [SQLToken] {
        var lexer = SQLLexer(sql)
        return lexer.allTokens()
    }

    /// Reads every remaining token.
    public mutating func allTokens() -> [SQLToken] {
        var tokens: [SQLToken] = []
        while let token = nextToken() {
            tokens.append(token)
        }
        return tokens
    }

    /// Reads the next token, skipping whitespace; nil at the end of input.
    public mutating func nextToken() -> SQLToken? {
        skipWhitespace()
        guard position < bytes.count else { return nil }
        let start = position
        let byte = bytes[start]
        switch byte {
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
            return lexLineComment()
        case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
            return lexBlockComment()
        case UInt8(ascii: "'"):
            return lexStandardString(prefixLength: 0)
        case UInt8(ascii: "\""):
            return lexQuotedIdentifier(prefixLength: 0)
        case UInt8(ascii: "$"):
            return lexDollar()
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return lexNumber()
        case UInt8(ascii: ".") where peek(1).map(Self.isDigit) == true:
            return lexNumber()
        case UInt8(ascii: ".") where peek(1) == UInt8(ascii: "."):
            // `..` (PL/pgSQL ranges) is one token in PostgreSQL's scanner.
            position += 2
            return SQLToken(kind: .punctuation, text: "..", range: start..<position)
        case UInt8(ascii: ":") where peek(1) == UInt8(ascii: ":"):
            position += 2
            return SQLToken(kind: .operator, text: "::", range: start..<position)
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "."), UInt8(ascii: ":"):
            position += 1
            return SQLToken(kind: .punctuation, text: String(UnicodeScalar(byte)), range: start..<position)
        default:
            if Self.isOperatorCharacter(byte) {
                return lexOperator()
            }
            if Self.isIdentifierStart(byte) {
                if let prefixed = lexPrefixedConstant() {
                    return prefixed
                }
                return lexWord()
            }
            // Any other byte (control characters, stray bytes): a one-byte operator token so nothing is lost.
            position += 1
            return SQLToken(kind: .operator, text: text(start..<position), range: start..<position)
        }
    }

    /// The byte `offset` places after the current one, if any.
    func peek(_ offset: Int) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    /// The source bytes in `range` as a String (invalid UTF-8 repaired).
    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Skips spaces, tabs, newlines, carriage returns, form feeds and vertical tabs.
    mutating func skipWhitespace() {
        while position < bytes.count, Self.isWhitespace(bytes[position]) {
            position += 1
        }
    }

    /// Reads an unquoted word: a keyword or an identifier, ASCII letters folded to lower case.
    mutating func lexWord() -> SQLToken {
        let start = position
        position += 1
        while position < bytes.count, Self.isIdentifierContinuation(bytes[position]) {
            position += 1
        }
        let folded = String(decoding: bytes[start..<position].map(Self.lowercased), as: UTF8.self)
        let kind: SQLTokenKind = SQLKeywords.all.contains(folded) ? .keyword : .identifier
        return SQLToken(kind: kind, text: folded, range: start..<position)
    }

    /// Reads `$1` (a parameter) or `$tag$...$tag$` (a dollar-quoted string); a lone `$` is an operator.
    mutating func lexDollar() -> SQLToken {
        let start = position
        if let next = peek(1), Self.isDigit(next) {
            position += 1
            while position < bytes.count, Self.isDigit(bytes[position]) {
                position += 1
            }
            return SQLToken(kind: .parameter, text: text(start + 1..<position), range: start..<position)
        }
        if let dollarString = lexDollarString() {
            return dollarString
        }
        position += 1
        return SQLToken(kind: .operator, text: "$", range: start..<position)
    }

    /// Reads an operator, applying PostgreSQL's rules: `--` and `/*` inside an operator start a comment, and a
    /// multi-character operator may end in `+` or `-` only if it contains one of `~ ! @ # % ^ & | \` ?`
    /// (so `=-1` is `=` followed by `-` `1`).
    mutating func lexOperator() -> SQLToken {
        let start = position
        var end = position
        while end < bytes.count, Self.isOperatorCharacter(bytes[end]) {
            if end > start {
                let previous = bytes[end - 1]
                let current = bytes[end]
                if (previous == UInt8(ascii: "-") && current == UInt8(ascii: "-"))
                    || (previous == UInt8(ascii: "/") && current == UInt8(ascii: "*")) {
                    end -= 1
                    break
                }
            }
            end += 1
        }
        if end - start > 1 {
            let hasSpecial = bytes[start..<end].contains { Self.allowsTrailingSign($0) }
            if !hasSpecial {
                while end - start > 1, bytes[end - 1] == UInt8(ascii: "+") || bytes[end - 1] == UInt8(ascii: "-") {
                    end -= 1
                }
            }
        }
        if end == start {
            end = start + 1
        }
        position = end
        return SQLToken(kind: .operator, text: text(start..<end), range: start..<end)
    }
}
