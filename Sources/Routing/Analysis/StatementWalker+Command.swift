extension StatementWalker {
    /// The command kind of one statement, from its first words (leading `(` skipped, for `(SELECT ...)`).
    static func commandKind(of tokens: [SQLToken]) -> CommandKind {
        var start = 0
        while start < tokens.count, tokens[start].isSymbol("(") {
            start += 1
        }
        guard start < tokens.count else { return tokens.isEmpty ? .empty : .utility(keyword: "") }
        let first = tokens[start]
        guard first.kind == .keyword || first.kind == .identifier else { return .utility(keyword: "") }
        let next = start + 1 < tokens.count ? tokens[start + 1] : nil
        let rest = tokens[(start + 1)...]
        switch first.text {
        case "select": return .select
        case "insert": return .insert
        case "update": return .update
        case "delete": return .delete
        case "merge": return .merge
        case "with": return .with(containsDataModification: false)
        case "values": return .values
        case "table": return .table
        case "show": return .show
        case "set":
            if next?.isKeyword("local") == true { return .set(isLocal: true) }
            return .set(isLocal: false)
        case "reset": return .reset
        case "begin":
            return .begin(isReadOnly: containsReadOnly(rest))
        case "start":
            guard next?.isKeyword("transaction") == true else { return .utility(keyword: first.text) }
            return .begin(isReadOnly: containsReadOnly(rest))
        case "commit", "end":
            if next?.isKeyword("prepared") == true { return .utility(keyword: first.text) }
            return .commit
        case "rollback", "abort":
            if next?.isKeyword("prepared") == true { return .utility(keyword: first.text) }
            if rest.contains(where: { $0.isKeyword("to") }) { return .savepoint }
            return .rollback
        case "savepoint", "release": return .savepoint
        case "prepare":
            if next?.isKeyword("transaction") == true { return .utility(keyword: first.text) }
            return .prepare
        case "execute": return .execute
        case "deallocate": return .deallocate
        case "copy": return .copy
        case "listen": return .listen
        case "unlisten": return .unlisten
        case "notify": return .notify
        case "discard": return .discard
        case "explain":
            let isAnalyze = rest.prefix(while: { !$0.isKeyword("select") }).contains {
                $0.isKeyword("analyze") || $0.isKeyword("analyse")
            }
            return .explain(isAnalyze: isAnalyze)
        default:
            return .utility(keyword: first.text)
        }
    }

    /// True when the transaction modes contain `READ ONLY` (and no later `READ WRITE`).
    static func containsReadOnly(_ tokens: ArraySlice<SQLToken>) -> Bool {
        var isReadOnly = false
        var previous: SQLToken?
        for current in tokens {
            if previous?.isKeyword("read") == true {
                if current.isKeyword("only") { isReadOnly = true }
                if current.isKeyword("write") { isReadOnly = false }
            }
            previous = current
        }
        return isReadOnly
    }
}
