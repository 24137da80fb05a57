extension TOMLDocumentParser {
    /// Parses the value at the cursor: string, number, boolean, array or inline table.
    mutating func parseValue() throws(TOMLSyntaxError) -> TOMLValue {
        guard let scalar = peek() else {
            throw error("expected a value, found end of file")
        }
        switch scalar {
        case "\"":
            if lookingAt("\"\"\"") { return .string(try parseMultilineBasicString()) }
            return .string(try parseBasicString())
        case "'":
            if lookingAt("'''") { return .string(try parseMultilineLiteralString()) }
            return .string(try parseLiteralString())
        case "[":
            return try parseArray()
        case "{":
            return try parseInlineTable()
        case "t", "f":
            return try parseBoolean()
        case "+", "-", "0"..."9", "i", "n":
            return try parseNumber()
        default:
            throw error("expected a value (string, number, boolean, array or inline table), found \(describeCurrent())")
        }
    }

    /// `true` or `false`.
    private mutating func parseBoolean() throws(TOMLSyntaxError) -> TOMLValue {
        let start = position
        let word = readWord()
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default:
            throw error(
                "expected a value, found `\(word)` (strings must be quoted; booleans are `true` and `false`)",
                at: start)
        }
    }

    /// Reads letters, digits and `_+-.:` (the characters numbers, dates and keywords are made of).
    mutating func readWord() -> String {
        var word = ""
        while let scalar = peek() {
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "_", "+", "-", ".", ":":
                word.unicodeScalars.append(scalar)
                advance()
            default:
                return word
            }
        }
        return word
    }

    /// Enters one level of array / inline-table nesting, refusing documents nested too deep.
    private mutating func enterNesting() throws(TOMLSyntaxError) {
        guard nestingDepth < TOMLParser.maximumNestingDepth else {
            throw error("arrays and inline tables are nested more than \(TOMLParser.maximumNestingDepth) deep")
        }
        nestingDepth += 1
    }

    /// `[ v, v, … ]`, across lines, with comments and an optional trailing comma.
    private mutating func parseArray() throws(TOMLSyntaxError) -> TOMLValue {
        try enterNesting()
        defer { nestingDepth -= 1 }
        advance()
        var elements: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            if peek() == "]" {
                advance()
                return .array(elements)
            }
            elements.append(try parseValue())
            try skipWhitespaceCommentsAndNewlines()
            switch peek() {
            case ",":
                advance()
            case "]":
                advance()
                return .array(elements)
            default:
                throw error("expected `,` or `]` in the array, found \(describeCurrent())")
            }
        }
    }

    /// `{ k = v, k.j = v }` on one line, no trailing comma (TOML 1.0).
    private mutating func parseInlineTable() throws(TOMLSyntaxError) -> TOMLValue {
        try enterNesting()
        defer { nestingDepth -= 1 }
        advance()
        let table = TOMLTableBuilder(kind: .inline)
        skipWhitespace()
        if peek() == "}" {
            advance()
            return .table(table.build())
        }
        while true {
            skipWhitespace()
            if peek() == "\n" || peek() == "\r" {
                throw error("an inline table must be on a single line")
            }
            try parseKeyValue(into: table, tablePath: [])
            skipWhitespace()
            switch peek() {
            case ",":
                advance()
                skipWhitespace()
                if peek() == "}" {
                    throw error("a trailing comma is not allowed in an inline table")
                }
            case "}":
                advance()
                return .table(table.build())
            case "\n", "\r":
                throw error("an inline table must be on a single line; expected `,` or `}`")
            default:
                throw error("expected `,` or `}` in the inline table, found \(describeCurrent())")
            }
        }
    }
}
