/// The pieces of PostgreSQL 15's grammar (`src/backend/parser/gram.y`) that the session-effect statements use:
/// names (`ColId`, `NonReservedWord`), string constants (`Sconst`) and setting values (`var_list`).
extension SessionEffectAnalyzer.Statement {
    /// The source byte at `index`, nil when out of range.
    func sourceByte(at index: Int) -> UInt8? {
        index >= 0 && index < source.count ? source[index] : nil
    }

    /// PostgreSQL 15's reserved keywords (documentation appendix C, `kwlist.h` `RESERVED_KEYWORD`): never a
    /// name unless quoted.
    static let reservedKeywords: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
        "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
        "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
        "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
        "session_user", "some", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user",
        "using", "variadic", "when", "where", "window", "with",
    ]

    /// PostgreSQL 15's type-or-function-name keywords (`TYPE_FUNC_NAME_KEYWORD`): allowed as a
    /// `NonReservedWord` but not as a `ColId`.
    static let typeFunctionNameKeywords: Set<String> = [
        "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
        "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
        "right", "similar", "tablesample", "verbose",
    ]

    /// True when `token` is an unquoted word (the lexer's keyword or identifier).
    static func isUnquotedWord(_ token: SQLToken) -> Bool {
        token.kind == .keyword || token.kind == .identifier
    }

    /// The name a `ColId` at `position` denotes (unquoted words folded, quoted identifiers kept), or nil when the
    /// token cannot be a `ColId` (a reserved or type/function-name keyword, a zero-length quoted identifier, not a
    /// word at all).
    func columnIdentifier(at position: Int) -> String? {
        guard let name = token(at: position) else { return nil }
        if name.kind == .quotedIdentifier { return name.text.isEmpty ? nil : name.text }
        guard Self.isUnquotedWord(name),
              !Self.reservedKeywords.contains(name.text),
              !Self.typeFunctionNameKeywords.contains(name.text)
        else { return nil }
        return name.text
    }

    /// The text of a `NonReservedWord` (identifier, unreserved, column-name or type/function-name keyword) at
    /// `position`, or nil.
    func nonReservedWord(at position: Int) -> String? {
        guard let word = token(at: position) else { return nil }
        if word.kind == .quotedIdentifier { return word.text.isEmpty ? nil : word.text }
        guard Self.isUnquotedWord(word), !Self.reservedKeywords.contains(word.text) else { return nil }
        return word.text
    }

    /// Parses an `Sconst` at `position`: a string constant `'...'`, `E'...'` or `U&'...'`, continued by plain
    /// `'...'` constants on following lines (PostgreSQL documentation 4.1.2.1), a `U&` constant optionally
    /// followed by `UESCAPE '<c>'`; or a dollar-quoted string. `B'...'`, `X'...'` and `N'...'` are other kinds
    /// of constant. Returns the decoded value (escapes of `U&` constants left as written) and the index after
    /// the constant, or nil.
    func stringConstant(at position: Int) -> (value: String, next: Int)? {
        guard let constant = token(at: position) else { return nil }
        if constant.kind == .dollarString { return (constant.text, position + 1) }
        guard constant.kind == .string, let opening = sourceByte(at: constant.range.lowerBound) else { return nil }
        let isUnicode: Bool
        switch opening {
        case UInt8(ascii: "'"), UInt8(ascii: "e"), UInt8(ascii: "E"): isUnicode = false
        case UInt8(ascii: "u"), UInt8(ascii: "U"): isUnicode = true
        default: return nil
        }
        var value = constant.text
        var next = position + 1
        while let following = token(at: next), following.kind == .string,
              sourceByte(at: following.range.lowerBound) == UInt8(ascii: "'"),
              let previous = token(at: next - 1),
              isLineContinuation(previous.range.upperBound..<following.range.lowerBound) {
            value += following.text
            next += 1
        }
        if isUnicode, isWord("uescape", at: next), token(at: next + 1)?.kind == .string {
            next += 2
        }
        return (value, next)
    }

    /// True when the source bytes in `gap` join two string constants into one: whitespace and `--` comments
    /// holding at least one newline (block comments break the continuation, as in PostgreSQL's scanner).
    func isLineContinuation(_ gap: Range<Int>) -> Bool {
        var sawNewline = false
        var index = gap.lowerBound
        while index < gap.upperBound {
            guard let byte = sourceByte(at: index) else { return false }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                sawNewline = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0B, 0x0C:
                break
            case UInt8(ascii: "-") where sourceByte(at: index + 1) == UInt8(ascii: "-"):
                while index + 1 < gap.upperBound, let next = sourceByte(at: index + 1),
                      next != UInt8(ascii: "\n"), next != UInt8(ascii: "\r") {
                    index += 1
                }
            default:
                return false
            }
            index += 1
        }
        return sawNewline
    }

    /// Parses a `NonReservedWord_or_Sconst` at `position`: returns its value and the index after it, or nil.
    func wordOrString(at position: Int) -> (value: String, next: Int)? {
        if let word = nonReservedWord(at: position) { return (word, position + 1) }
        return stringConstant(at: position)
    }

    /// Parses a `NumericOnly` at `position` (a number with an optional `+`/`-` sign); returns the index after it.
    func signedNumber(at position: Int) -> Int? {
        var index = position
        if isSymbol("-", at: index) || isSymbol("+", at: index) { index += 1 }
        guard token(at: index)?.kind == .number else { return nil }
        return index + 1
    }

    /// Parses one `var_value` at `position`: `TRUE`, `FALSE`, `ON`, a `NonReservedWord_or_Sconst`, or a signed
    /// number. Returns its value (nil for a number) and the index after it, or nil when it is not a value.
    func settingValue(at position: Int) -> (value: String?, next: Int)? {
        if let next = signedNumber(at: position) { return (nil, next) }
        if let word = token(at: position), Self.isUnquotedWord(word),
           word.text == "true" || word.text == "false" || word.text == "on" {
            return (word.text, position + 1)
        }
        guard let parsed = wordOrString(at: position) else { return nil }
        return (parsed.value, parsed.next)
    }

    /// True when the tokens from `position` to the end are a `var_list`: values separated by commas.
    /// `singleValue` receives the value when the list is one word or string (nil otherwise).
    func isSettingValueList(from position: Int, singleValue: inout String?) -> Bool {
        guard let first = settingValue(at: position) else { return false }
        var index = first.next
        singleValue = index == tokens.count ? first.value : nil
        while index < tokens.count {
            guard isSymbol(",", at: index), let next = settingValue(at: index + 1) else { return false }
            index = next.next
        }
        return true
    }

    /// Parses a `var_name` (`ColId` components joined by `.`) at `position`: returns the canonical name (see
    /// `SessionEffect`), the index after it, and whether it is one of pgring's own names (the unquoted word
    /// `pgring` followed by `.`, exactly as `StatementAnalyzer` recognises them).
    func settingName(at position: Int) -> (name: String, next: Int, isPgring: Bool)? {
        guard let first = columnIdentifier(at: position) else { return nil }
        let isPgring = token(at: position)?.kind == .identifier && first == "pgring" && isSymbol(".", at: position + 1)
        var name = first
        var index = position + 1
        while isSymbol(".", at: index) {
            guard let component = columnIdentifier(at: index + 1) else { return nil }
            name += "." + component
            index += 2
        }
        return (Self.canonicalSettingName(name), index, isPgring)
    }

    /// `name` with ASCII letters folded to lower case (PostgreSQL's `guc_name_compare`) and the old aliases
    /// mapped as the server maps them (`map_old_guc_names` in `guc.c`).
    static func canonicalSettingName(_ name: String) -> String {
        let folded = String(decoding: name.utf8.map(SQLLexer.lowercased), as: UTF8.self)
        switch folded {
        case "sort_mem": return "work_mem"
        case "vacuum_mem": return "maintenance_work_mem"
        default: return folded
        }
    }
}
