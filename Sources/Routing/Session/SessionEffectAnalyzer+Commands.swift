/// The other statements with session effects: `DISCARD`, `DEALLOCATE`, `LISTEN`, `UNLISTEN`, `PREPARE`,
/// `DECLARE`, `LOAD`, `CREATE ... TEMP`, `DO` and `EXPLAIN ANALYZE` (PostgreSQL 15 grammar, `gram.y`).
extension SessionEffectAnalyzer.Statement {
    /// `DISCARD {ALL | TEMP | TEMPORARY | PLANS | SEQUENCES}`; only ALL and TEMP[ORARY] matter to pooling
    /// (cached plans and sequence caches are invisible to the client's results).
    func discardEffects() -> [SessionEffect] {
        guard tokens.count == 2 else { return [] }
        if isWord("all", at: 1) { return [.discardAll] }
        if isWord("temp", at: 1) || isWord("temporary", at: 1) { return [.discardTemporary] }
        return []
    }

    /// `DEALLOCATE [PREPARE] {name | ALL}`; `DEALLOCATE prepare` deallocates the statement named `prepare`.
    func deallocateEffects() -> [SessionEffect] {
        let target = isWord("prepare", at: 1) && tokens.count == 3 ? 2 : 1
        guard target + 1 == tokens.count else { return [] }
        if isWord("all", at: target) { return [.deallocateAll] }
        guard let name = columnIdentifier(at: target) else { return [] }
        return [.deallocate(name: name)]
    }

    /// `LISTEN channel`, `UNLISTEN channel`, `UNLISTEN *`.
    func listenEffects() -> [SessionEffect] {
        guard tokens.count == 2 else { return [] }
        let isListen = isWord("listen", at: 0)
        if !isListen, isSymbol("*", at: 1) { return [.unlistenAll] }
        guard let channel = columnIdentifier(at: 1) else { return [] }
        return isListen ? [.listen(channel: channel)] : [.unlisten(channel: channel)]
    }

    /// `PREPARE name [(type, ...)] AS statement` pins; `PREPARE TRANSACTION 'id'` (two-phase commit) does not.
    func prepareEffects() -> [SessionEffect] {
        guard columnIdentifier(at: 1) != nil else { return [] }
        var index = 2
        if isSymbol("(", at: index) { index = matchingClose[index] + 1 }
        guard isWord("as", at: index), index + 1 < tokens.count else { return [] }
        return [.pin(.sqlPreparedStatement)]
    }

    /// `DECLARE name [BINARY] [ASENSITIVE|INSENSITIVE] [[NO] SCROLL] CURSOR WITH HOLD FOR query` pins; a cursor
    /// without hold closes with its transaction.
    func declareEffects() -> [SessionEffect] {
        guard columnIdentifier(at: 1) != nil else { return [] }
        let options: Set<String> = ["binary", "asensitive", "insensitive", "no", "scroll"]
        var index = 2
        while let option = token(at: index), Self.isUnquotedWord(option), options.contains(option.text) {
            index += 1
        }
        guard isWord("cursor", at: index), isWord("with", at: index + 1), isWord("hold", at: index + 2),
              isWord("for", at: index + 3), index + 4 < tokens.count
        else { return [] }
        return [.pin(.holdCursor)]
    }

    /// `LOAD 'library'` pins: a loaded library may define settings and hooks for the rest of the session.
    func loadEffects() -> [SessionEffect] {
        guard stringConstant(at: 1)?.next == tokens.count else { return [] }
        return [.pin(.untrackedSetting)]
    }

    /// The effects of a `CREATE` statement whose `CREATE` is at `start`:
    /// `CREATE [OR REPLACE] [GLOBAL|LOCAL] {TEMP|TEMPORARY} ...` pins, except a table created `ON COMMIT DROP`
    /// (it is gone when the transaction ends); so does any `CREATE` naming the `pg_temp` schema.
    func createEffects(from start: Int) -> [SessionEffect] {
        var index = start + 1
        if isWord("or", at: index), isWord("replace", at: index + 1) { index += 2 }
        if isWord("global", at: index) || isWord("local", at: index) { index += 1 }
        if isWord("temp", at: index) || isWord("temporary", at: index) {
            guard index + 1 < tokens.count else { return [] }
            if isWord("table", at: index + 1), hasOnCommitDrop(from: index + 2) { return [] }
            return [.pin(.temporaryObject)]
        }
        var position = start + 1
        while position < tokens.count {
            if isTemporarySchema(at: position), isSymbol(".", at: position + 1) { return [.pin(.temporaryObject)] }
            position += 1
        }
        return []
    }

    /// True when `ON COMMIT DROP` appears at parenthesis depth 0 from `position`, before a top-level `AS`.
    func hasOnCommitDrop(from position: Int) -> Bool {
        var index = position
        while index < tokens.count {
            if isSymbol("(", at: index) {
                index = matchingClose[index] + 1
                continue
            }
            if isWord("as", at: index) { return false }
            if isWord("on", at: index), isWord("commit", at: index + 1), isWord("drop", at: index + 2) { return true }
            index += 1
        }
        return false
    }

    /// True when the token at `position` names a temporary schema: `pg_temp` or `pg_temp_<n>` (quoted or not).
    func isTemporarySchema(at position: Int) -> Bool {
        guard let schema = token(at: position),
              Self.isUnquotedWord(schema) || schema.kind == .quotedIdentifier
        else { return false }
        return schema.text == "pg_temp" || schema.text.hasPrefix("pg_temp_")
    }

    /// True when the statement from `start` holds `SELECT ... INTO [GLOBAL|LOCAL] {TEMP|TEMPORARY} [TABLE] name`
    /// or `INTO [UNLOGGED] [TABLE] pg_temp.name` (an `INTO` not right after `INSERT` or `MERGE`).
    func selectsIntoTemporaryTable(from start: Int) -> Bool {
        var index = start
        while index < tokens.count {
            defer { index += 1 }
            guard isWord("into", at: index), !isWord("insert", at: index - 1), !isWord("merge", at: index - 1)
            else { continue }
            var target = index + 1
            if isWord("global", at: target) || isWord("local", at: target) { target += 1 }
            if isWord("temp", at: target) || isWord("temporary", at: target) {
                target += 1
                if isWord("table", at: target) { target += 1 }
                if columnIdentifier(at: target) != nil { return true }
                continue
            }
            target = index + 1
            if isWord("unlogged", at: target) { target += 1 }
            if isWord("table", at: target) { target += 1 }
            if isTemporarySchema(at: target), isSymbol(".", at: target + 1) { return true }
        }
        return false
    }

    /// `DO [LANGUAGE name] code [LANGUAGE name]` runs its body at once, and the body may change anything: it pins
    /// (`untrackedSetting`) when the body's source holds any trigger word of
    /// `SessionEffectAnalyzer.mayHaveEffects`. The body is scanned bytewise, never analyzed recursively.
    func doEffects() -> [SessionEffect] {
        var index = 1
        while let body = token(at: index) {
            if body.kind == .string || body.kind == .dollarString {
                let bodySource = source[body.range]
                let mentionsTrigger = bodySource.withUnsafeBufferPointer {
                    SessionEffectAnalyzer.TriggerWordScanner.containsTrigger($0)
                }
                return mentionsTrigger ? [.pin(.untrackedSetting)] : []
            }
            index += 1
        }
        return []
    }

    /// For `EXPLAIN ANALYZE ...` / `EXPLAIN (ANALYZE [true], ...) ...`, the index of the explained statement
    /// (which `ANALYZE` runs); nil for a plain `EXPLAIN`, which runs nothing.
    func explainAnalyzeBodyStart() -> Int? {
        if isSymbol("(", at: 1) {
            let close = matchingClose[1]
            guard close + 1 < tokens.count else { return nil }
            var isAnalyze = false
            var optionStart = 2
            var index = 2
            while index <= close {
                if index == close || isSymbol(",", at: index) {
                    if isWord("analyze", at: optionStart) || isWord("analyse", at: optionStart) {
                        isAnalyze = !isFalseOption(from: optionStart + 1, to: index)
                    }
                    optionStart = index + 1
                }
                if isSymbol("(", at: index), index != close {
                    index = max(index + 1, matchingClose[index])
                    continue
                }
                index += 1
            }
            return isAnalyze ? close + 1 : nil
        }
        guard isWord("analyze", at: 1) || isWord("analyse", at: 1) else { return nil }
        let body = isWord("verbose", at: 2) ? 3 : 2
        return body < tokens.count ? body : nil
    }

    /// True when the option value in `start..<end` is exactly one false boolean (`false`, `off`, `0`, or such a
    /// string); any other value (or none) counts as true.
    func isFalseOption(from start: Int, to end: Int) -> Bool {
        guard end == start + 1, let value = token(at: start) else { return false }
        let falseWords: Set<String> = ["false", "off", "0", "f", "n", "no"]
        switch value.kind {
        case .keyword, .identifier, .number, .string:
            return falseWords.contains(value.text.lowercased())
        case .quotedIdentifier, .dollarString, .parameter, .operator, .punctuation, .lineComment, .blockComment:
            return false
        }
    }
}
