/// One lexical token of PostgreSQL SQL, as produced by `SQLLexer`.
///
/// Follows the lexical rules of the PostgreSQL documentation, section 4.1 "Lexical Structure"
/// (and `src/backend/parser/scan.l`), with `standard_conforming_strings = on`.
public struct SQLToken: Sendable, Hashable {
    /// What kind of token this is.
    public var kind: SQLTokenKind
    /// The token's value:
    /// - unquoted words (keywords and identifiers): folded to lower case (ASCII letters only, as PostgreSQL does);
    /// - quoted identifiers: the name with the quotes removed and `""` unescaped, case kept;
    /// - strings: the decoded string value (quotes removed, escapes resolved as far as pgring needs);
    /// - comments: the comment body without `--`, `/*` and `*/`;
    /// - parameters: the digits after `$`;
    /// - everything else: the source text.
    public var text: String
    /// The byte offsets of the token in the UTF-8 source.
    public var range: Range<Int>
    /// True when the input ended before the token's closing delimiter (quote, `*/`, `$tag$`).
    public var isUnterminated: Bool

    /// Creates a token.
    public init(kind: SQLTokenKind, text: String, range: Range<Int>, isUnterminated: Bool = false) {
        self.kind = kind
        self.text = text
        self.range = range
        self.isUnterminated = isUnterminated
    }

    /// True when this is the unquoted keyword `word` (given in lower case).
    @inlinable
    public func isKeyword(_ word: String) -> Bool {
        kind == .keyword && text == word
    }

    /// True when this is the punctuation or operator `symbol`.
    @inlinable
    public func isSymbol(_ symbol: String) -> Bool {
        (kind == .punctuation || kind == .operator) && text == symbol
    }

    /// True for a word that may name something: an identifier, a quoted identifier or an unquoted keyword
    /// (PostgreSQL lets many keywords be column or table names, e.g. `key`, `name`, `value`).
    @inlinable
    public var isName: Bool {
        switch kind {
        case .identifier, .quotedIdentifier, .keyword: return true
        case .number, .string, .dollarString, .parameter, .operator, .punctuation, .lineComment, .blockComment:
            return false
        }
    }

    /// True for comments, which carry no meaning for the parser (but may carry pgring hints).
    @inlinable
    public var isComment: Bool {
        kind == .lineComment || kind == .blockComment
    }
}

/// The kinds of SQL token.
public enum SQLTokenKind: Sendable, Hashable {
    /// An unquoted word that is a known SQL keyword (`SELECT`, `from`, ...), folded to lower case.
    case keyword
    /// An unquoted identifier, folded to lower case.
    case identifier
    /// A `"quoted identifier"` (also `U&"..."`): case kept, `""` stands for one `"`.
    case quotedIdentifier
    /// A numeric constant: `42`, `3.5`, `.5`, `1e-3`, `0x1F`, `1_000`. A leading minus is a separate operator.
    case number
    /// A string constant: `'...'`, `E'...'`, `U&'...'`, `N'...'`, `B'...'`, `X'...'`.
    case string
    /// A dollar-quoted string constant: `$$...$$` or `$tag$...$tag$`.
    case dollarString
    /// A positional parameter `$1`, `$2`, ...; `text` holds the digits.
    case parameter
    /// An operator: `=`, `<>`, `::` (cast), `->>`, `-`, ...
    case `operator`
    /// Punctuation: `(`, `)`, `[`, `]`, `,`, `;`, `.`, `..`, `:`.
    case punctuation
    /// A `-- ...` comment up to the end of the line.
    case lineComment
    /// A `/* ... */` comment, which may nest.
    case blockComment
}

extension Array where Element == SQLToken {
    /// For each `(`, the index of its matching `)`; `count` for one left open; -1 for every other token.
    /// Linear, no recursion (input may nest deeply).
    func matchingCloseParentheses() -> [Int] {
        var matching = [Int](repeating: -1, count: count)
        var open: [Int] = []
        for (position, token) in enumerated() {
            if token.isSymbol("(") {
                open.append(position)
            } else if token.isSymbol(")"), let opening = open.popLast() {
                matching[opening] = position
            }
        }
        for opening in open {
            matching[opening] = count
        }
        return matching
    }
}
