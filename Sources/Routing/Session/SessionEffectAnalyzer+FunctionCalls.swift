/// Calls of the built-in functions that change session state, found anywhere in a statement (select lists,
/// subqueries, `CALL` arguments, `VALUES`...): a name token followed by `(`, the name unqualified or qualified
/// by `pg_catalog` (quoted names match exactly, as PostgreSQL matches them).
extension SessionEffectAnalyzer.Statement {
    /// The session-level advisory lock functions (PostgreSQL docs 9.27.10); the `*_xact_*` variants are
    /// released at the end of the transaction and are not listed.
    static let sessionAdvisoryLockFunctions: Set<String> = [
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
    ]

    /// The pins of the function calls from `start`, in call order: `advisoryLock` for a session-level advisory
    /// lock, `untrackedSetting` for a `set_config` whose third argument is not literally true.
    func functionCallPins(from start: Int) -> [SessionEffect] {
        var found: [SessionEffect] = []
        var open = start + 1
        while open < tokens.count {
            defer { open += 1 }
            guard tokens[open].isSymbol("("), let name = calledFunctionName(before: open) else { continue }
            if Self.sessionAdvisoryLockFunctions.contains(name) {
                found.append(.pin(.advisoryLock))
            } else if name == "set_config", !isTransactionLocalSetConfig(open: open) {
                found.append(.pin(.untrackedSetting))
            }
        }
        return found
    }

    /// The name of the function called by the `(` at `open`: the name token before it, when it is unqualified
    /// or qualified by `pg_catalog`; nil otherwise.
    func calledFunctionName(before open: Int) -> String? {
        guard let name = token(at: open - 1), Self.isUnquotedWord(name) || name.kind == .quotedIdentifier
        else { return nil }
        guard isSymbol(".", at: open - 2) else { return name.text }
        guard let schema = token(at: open - 3), Self.isUnquotedWord(schema) || schema.kind == .quotedIdentifier,
              schema.text == "pg_catalog", !isSymbol(".", at: open - 4)
        else { return nil }
        return name.text
    }

    /// True when the `set_config` call whose `(` is at `open` has exactly three arguments and the third is one
    /// literal true: the keyword `TRUE` or a string PostgreSQL's boolean input reads as true (`'t'`, `'true'`,
    /// `'on'`, `'yes'`, `'1'` and their accepted prefixes). Nested parentheses are skipped in one step, so
    /// the scan is linear over all calls of a statement.
    func isTransactionLocalSetConfig(open: Int) -> Bool {
        let close = matchingClose[open]
        var separators = 0
        var thirdArgument: [SQLToken] = []
        var index = open + 1
        while index < close {
            let current = tokens[index]
            if current.isSymbol(",") {
                separators += 1
            } else if separators == 2 {
                thirdArgument.append(current)
            }
            if current.isSymbol("(") {
                if separators == 2 { thirdArgument.append(current) }
                index = matchingClose[index] + 1
            } else {
                index += 1
            }
        }
        guard separators == 2, thirdArgument.count == 1, let value = thirdArgument.first else { return false }
        if Self.isUnquotedWord(value) { return value.text == "true" }
        guard value.kind == .string else { return false }
        let trueSpellings: Set<String> = ["t", "tr", "tru", "true", "y", "ye", "yes", "on", "1"]
        let spaces: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        let trimmed = value.text.lowercased().drop(while: { spaces.contains($0) })
        return trueSpellings.contains(String(trimmed.reversed().drop(while: { spaces.contains($0) }).reversed()))
    }
}
