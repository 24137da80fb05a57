/// Parses TOML 1.0 text (https://toml.io/en/v1.0.0) into a `TOMLTable`.
///
/// Strict: duplicate keys, redefined tables, stray characters and bad escapes are errors that carry the
/// line and column where they were found. Not supported (reported as errors): date and time values.
public enum TOMLParser {
    /// The deepest nesting of arrays and inline tables accepted (protects the stack from hostile input).
    public static let maximumNestingDepth = 64

    /// Parses a whole document. Throws the first syntax error, with its position.
    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLDocumentParser(text: text)
        return try parser.parseDocument()
    }
}

/// A point in the document, kept so that an error can point at the start of a token.
struct TOMLSourcePosition {
    /// Index into the scalar array.
    var index: Int
    /// 1-based line.
    var line: Int
    /// Index of the first scalar of `line`.
    var lineStart: Int
    /// 1-based column.
    var column: Int { index - lineStart + 1 }
}

/// The parser's cursor and state; one instance parses one document.
///
/// Invariant: `position.index` is always in `0...scalars.count`; `position.line` counts the `\n` before it.
struct TOMLDocumentParser {
    /// The document, as Unicode scalars so columns are counted the way editors count them.
    let scalars: [Unicode.Scalar]
    /// The cursor.
    var position = TOMLSourcePosition(index: 0, line: 1, lineStart: 0)
    /// The document's root table.
    let root = TOMLTableBuilder(kind: .root)
    /// The table that key/value lines go to: the root, or the last `[header]` / `[[header]]`.
    var currentTable: TOMLTableBuilder
    /// The key path of `currentTable`, for messages.
    var currentPath: [String] = []
    /// How many arrays / inline tables enclose the cursor.
    var nestingDepth = 0

    init(text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" {
            scalars.removeFirst()
        }
        self.scalars = scalars
        self.currentTable = root
    }

    // MARK: Cursor

    /// The scalar `offset` places after the cursor, or nil past the end.
    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = position.index + offset
        return index < scalars.count ? scalars[index] : nil
    }

    /// True when the scalars at the cursor spell `text`.
    func lookingAt(_ text: String) -> Bool {
        var offset = 0
        for scalar in text.unicodeScalars {
            guard peek(offset) == scalar else { return false }
            offset += 1
        }
        return true
    }

    /// Moves past one scalar, keeping line and column right.
    mutating func advance() {
        guard position.index < scalars.count else { return }
        let scalar = scalars[position.index]
        position.index += 1
        if scalar == "\n" {
            position.line += 1
            position.lineStart = position.index
        }
    }

    /// Moves past `count` scalars.
    mutating func advance(by count: Int) {
        for _ in 0..<count {
            advance()
        }
    }

    /// An error at `at` (default: the cursor).
    func error(_ message: String, at: TOMLSourcePosition? = nil) -> TOMLSyntaxError {
        let where_ = at ?? position
        return TOMLSyntaxError(line: where_.line, column: where_.column, message: message)
    }

    /// How the scalar at the cursor is named in a message: "`x`", "end of line", "end of file".
    func describeCurrent() -> String {
        guard let scalar = peek() else { return "end of file" }
        return Self.describe(scalar)
    }

    /// How a scalar is named in a message.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n", "\r": return "end of line"
        case "`": return "a backtick"
        default:
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "control character U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
            return "`\(scalar)`"
        }
    }

    /// Control characters TOML forbids in strings and comments (tab is allowed and not included).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }

    // MARK: Whitespace, comments, line ends

    /// Skips spaces and tabs.
    mutating func skipWhitespace() {
        while let scalar = peek(), scalar == " " || scalar == "\t" {
            advance()
        }
    }

    /// Skips a `#` comment up to (not including) the line end. The cursor must be on `#`.
    mutating func skipComment() throws(TOMLSyntaxError) {
        advance()
        while let scalar = peek(), scalar != "\n" {
            if scalar == "\r", peek(1) == "\n" { return }
            if Self.isControl(scalar) {
                throw error("\(Self.describe(scalar)) is not allowed in a comment")
            }
            advance()
        }
    }

    /// Consumes a line end (`\n` or `\r\n`) if the cursor is on one; a lone `\r` is an error.
    /// Returns false when the cursor is not on a line end.
    mutating func consumeNewline() throws(TOMLSyntaxError) -> Bool {
        switch peek() {
        case "\n":
            advance()
            return true
        case "\r":
            guard peek(1) == "\n" else { throw error("a carriage return must be followed by a line feed") }
            advance(by: 2)
            return true
        default:
            return false
        }
    }

    /// Skips whitespace, comments and line ends (inside arrays).
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLSyntaxError) {
        while true {
            skipWhitespace()
            if peek() == "#" {
                try skipComment()
            } else if try !consumeNewline() {
                return
            }
        }
    }

    /// After a key/value pair or a header: only whitespace and a comment may follow on the line.
    mutating func expectEndOfLine(after what: String) throws(TOMLSyntaxError) {
        skipWhitespace()
        if peek() == "#" {
            try skipComment()
        }
        if peek() == nil { return }
        if try consumeNewline() { return }
        throw error("expected the end of the line after \(what), found \(describeCurrent())")
    }

    // MARK: Document

    /// Parses every line, then freezes the tables into values.
    mutating func parseDocument() throws(TOMLSyntaxError) -> TOMLTable {
        while true {
            skipWhitespace()
            guard let scalar = peek() else { break }
            switch scalar {
            case "#":
                try skipComment()
            case "\n", "\r":
                _ = try consumeNewline()
            case "[":
                try parseTableHeader()
                try expectEndOfLine(after: "the table header")
            default:
                try parseKeyValue(into: currentTable, tablePath: currentPath)
                try expectEndOfLine(after: "the value")
            }
        }
        return root.build()
    }
}
