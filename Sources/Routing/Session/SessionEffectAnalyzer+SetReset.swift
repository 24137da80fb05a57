/// `SET` and `RESET`, exactly as PostgreSQL 15's grammar has them (`VariableSetStmt`, `set_rest`,
/// `set_rest_more`, `generic_set`, `VariableResetStmt`, `reset_rest` in `gram.y`; documentation: SQL Commands,
/// SET and RESET).
extension SessionEffectAnalyzer.Statement {
    /// The effects of a statement starting with `SET`.
    ///
    /// `SET [SESSION] var_name {TO|=} {var_list|DEFAULT}` is a `set` (or a `reset` for `DEFAULT`, and for
    /// `role` set to `none`, which PostgreSQL's `check_role` treats as `RESET ROLE`); `SET var_name FROM CURRENT`
    /// pins (`untrackedSetting`: it copies whatever value the parameter has right now, possibly a `SET LOCAL` one).
    /// `SET LOCAL ...`, `SET [SESSION] TRANSACTION ...`, `SET CONSTRAINTS ...`, `SET CATALOG ...` (always an
    /// error) and malformed statements have no effect. `LOCAL` and `SESSION` are also ordinary parameter-name
    /// words, as in PostgreSQL: `SET local.x = 1` sets the custom parameter `local.x`.
    func setEffects() -> [SessionEffect] {
        var index = 1
        if isWord("local", at: 1), !startsGenericSetting(at: 1) { return [] }
        if isWord("session", at: 1), !startsGenericSetting(at: 1),
           !isWord("authorization", at: 2), !isWord("characteristics", at: 2) {
            index = 2
        }
        if startsGenericSetting(at: index) { return genericSetEffects(at: index) }
        guard let first = token(at: index), Self.isUnquotedWord(first) else { return [] }
        let afterWord = index + 1
        switch first.text {
        case "time" where isWord("zone", at: afterWord):
            return timeZoneEffects(at: index + 2)
        case "names":
            return namesEffects(at: afterWord)
        case "schema":
            guard stringConstant(at: afterWord)?.next == tokens.count else { return [] }
            return [.set(name: "search_path", statement: text)]
        case "role":
            guard let value = wordOrString(at: afterWord), value.next == tokens.count else { return [] }
            return value.value == "none" ? [.reset(name: "role")] : [.set(name: "role", statement: text)]
        case "session" where isWord("authorization", at: afterWord):
            if isWord("default", at: index + 2), index + 3 == tokens.count {
                return [.reset(name: "session_authorization")]
            }
            guard wordOrString(at: index + 2)?.next == tokens.count else { return [] }
            return [.set(name: "session_authorization", statement: text)]
        case "session" where isWord("characteristics", at: afterWord):
            guard isWord("as", at: index + 2), isWord("transaction", at: index + 3),
                  isTransactionModeList(from: index + 4)
            else { return [] }
            return [.set(name: "default_transaction_characteristics", statement: text)]
        case "xml" where isWord("option", at: afterWord):
            guard index + 3 == tokens.count, isWord("document", at: index + 2) || isWord("content", at: index + 2)
            else { return [] }
            return [.set(name: "xmloption", statement: text)]
        default:
            // TRANSACTION, CONSTRAINTS, CATALOG (always rejected), or not a SET the grammar accepts.
            return []
        }
    }

    /// True when a `generic_set` (or `var_name FROM CURRENT`) starts at `position`: a name followed by `=`, `TO`,
    /// `.` or `FROM CURRENT`. A quoted identifier always starts one (no special form is quoted).
    func startsGenericSetting(at position: Int) -> Bool {
        guard let first = token(at: position) else { return false }
        if first.kind == .quotedIdentifier { return true }
        guard Self.isUnquotedWord(first) else { return false }
        let next = position + 1
        return isSymbol("=", at: next) || isWord("to", at: next) || isSymbol(".", at: next)
            || (isWord("from", at: next) && isWord("current", at: next + 1))
    }

    /// `var_name {TO|=} {var_list|DEFAULT}` or `var_name FROM CURRENT` from `position` to the end.
    func genericSetEffects(at position: Int) -> [SessionEffect] {
        guard let setting = settingName(at: position) else { return [] }
        if setting.isPgring { return [] }
        var index = setting.next
        if isWord("from", at: index), isWord("current", at: index + 1) {
            return index + 2 == tokens.count ? [.pin(.untrackedSetting)] : []
        }
        guard isSymbol("=", at: index) || isWord("to", at: index) else { return [] }
        index += 1
        if isWord("default", at: index), index + 1 == tokens.count { return [.reset(name: setting.name)] }
        var singleValue: String?
        guard isSettingValueList(from: index, singleValue: &singleValue) else { return [] }
        if setting.name == "role", singleValue == "none" { return [.reset(name: "role")] }
        return [.set(name: setting.name, statement: text)]
    }

    /// `SET TIME ZONE zone_value`, the value starting at `position`: a string, an identifier, a signed number,
    /// `INTERVAL '...' [qualifier]`, `INTERVAL (p) '...'`, or `DEFAULT` / `LOCAL` (a reset).
    func timeZoneEffects(at position: Int) -> [SessionEffect] {
        let end = tokens.count
        if isWord("default", at: position) || isWord("local", at: position), position + 1 == end {
            return [.reset(name: "timezone")]
        }
        let isValue: Bool
        if let string = stringConstant(at: position) {
            isValue = string.next == end
        } else if let number = signedNumber(at: position) {
            isValue = number == end
        } else if isWord("interval", at: position) {
            isValue = intervalEnd(after: position) == end
        } else {
            // The grammar wants an IDENT here (no keyword): a quoted identifier or a word the lexer does not
            // know as a keyword (every word it knows is a PostgreSQL keyword).
            let kind = token(at: position)?.kind
            isValue = (kind == .identifier || kind == .quotedIdentifier) && position + 1 == end
        }
        return isValue ? [.set(name: "timezone", statement: text)] : []
    }

    /// The index after `INTERVAL [(p)] 'value' [fields]` whose `INTERVAL` is at `position`, or nil.
    /// Fields are `YEAR`, `MONTH`, `DAY`, `HOUR`, `MINUTE`, `SECOND [(p)]` joined by `TO`.
    func intervalEnd(after position: Int) -> Int? {
        var index = position + 1
        if isSymbol("(", at: index) {
            guard token(at: index + 1)?.kind == .number, isSymbol(")", at: index + 2) else { return nil }
            index += 3
        }
        guard let value = stringConstant(at: index) else { return nil }
        index = value.next
        let fields: Set<String> = ["year", "month", "day", "hour", "minute", "second", "to"]
        while let field = token(at: index), Self.isUnquotedWord(field), fields.contains(field.text) {
            index += 1
            if field.text == "second", isSymbol("(", at: index) {
                guard token(at: index + 1)?.kind == .number, isSymbol(")", at: index + 2) else { return nil }
                index += 3
            }
        }
        return index
    }

    /// `SET NAMES [Sconst | DEFAULT]`, the value starting at `position`; no value or `DEFAULT` is a reset.
    func namesEffects(at position: Int) -> [SessionEffect] {
        if position == tokens.count || (isWord("default", at: position) && position + 1 == tokens.count) {
            return [.reset(name: "client_encoding")]
        }
        guard stringConstant(at: position)?.next == tokens.count else { return [] }
        return [.set(name: "client_encoding", statement: text)]
    }

    /// True when the tokens from `position` to the end are a `transaction_mode_list`: one or more of
    /// `ISOLATION LEVEL {SERIALIZABLE | REPEATABLE READ | READ COMMITTED | READ UNCOMMITTED}`,
    /// `READ {ONLY|WRITE}`, `[NOT] DEFERRABLE`, separated by commas or spaces.
    func isTransactionModeList(from position: Int) -> Bool {
        var index = position
        var modes = 0
        while index < tokens.count {
            if modes > 0, isSymbol(",", at: index) { index += 1 }
            guard let next = transactionModeEnd(at: index) else { return false }
            index = next
            modes += 1
        }
        return modes > 0
    }

    /// The index after one transaction mode starting at `position`, or nil.
    func transactionModeEnd(at position: Int) -> Int? {
        if isWord("isolation", at: position), isWord("level", at: position + 1) {
            let level = position + 2
            if isWord("serializable", at: level) { return level + 1 }
            if isWord("repeatable", at: level), isWord("read", at: level + 1) { return level + 2 }
            if isWord("read", at: level), isWord("committed", at: level + 1) || isWord("uncommitted", at: level + 1) {
                return level + 2
            }
            return nil
        }
        if isWord("read", at: position), isWord("only", at: position + 1) || isWord("write", at: position + 1) {
            return position + 2
        }
        if isWord("deferrable", at: position) { return position + 1 }
        if isWord("not", at: position), isWord("deferrable", at: position + 1) { return position + 2 }
        return nil
    }

    /// The effects of a statement starting with `RESET`: `RESET ALL`, `RESET TIME ZONE`,
    /// `RESET SESSION AUTHORIZATION`, `RESET var_name`; `RESET TRANSACTION ISOLATION LEVEL` (transaction-scoped),
    /// `RESET pgring.<name>` and malformed statements have no effect.
    func resetEffects() -> [SessionEffect] {
        let end = tokens.count
        if isWord("all", at: 1), end == 2 { return [.resetAll] }
        if isWord("time", at: 1), isWord("zone", at: 2), end == 3 { return [.reset(name: "timezone")] }
        if isWord("session", at: 1), isWord("authorization", at: 2), end == 3 {
            return [.reset(name: "session_authorization")]
        }
        guard let setting = settingName(at: 1), setting.next == end, !setting.isPgring else { return [] }
        return [.reset(name: setting.name)]
    }
}
