extension StatementWalker {
    /// Parses one table reference at `position` and records it; returns the index after it (and its alias).
    ///
    /// Accepted: `[ONLY] [catalog.][schema.]name [*] [[AS] alias]`. Not a table (nothing recorded, `position`
    /// returned): a subquery `(`, `LATERAL`, a function call `name(` (unless `allowsColumnList`, for INSERT and
    /// COPY, where `name (` opens a column list), a keyword, a CTE name.
    /// The alias is an identifier or quoted identifier, or any non-reserved word after AS.
    mutating func parseTableReference(
        at start: Int,
        usage: TableUsage,
        allowsAlias: Bool,
        allowsColumnList: Bool = false
    ) -> Int {
        var position = start
        if isKeyword("only", at: position) { position += 1 }
        guard let first = token(at: position), Self.isPlainName(first) else { return start }
        var parts = [first.text]
        position += 1
        while isSymbol(".", at: position), let next = token(at: position + 1), Self.isPlainName(next) {
            parts.append(next.text)
            position += 2
        }
        if isSymbol("(", at: position), !allowsColumnList {
            return start
        }
        if isSymbol("*", at: position) { position += 1 }
        let name = parts[parts.count - 1]
        let schema = parts.count >= 2 ? parts[parts.count - 2] : nil
        var alias: String?
        if allowsAlias {
            if isKeyword("as", at: position), let aliasToken = token(at: position + 1), Self.isPlainName(aliasToken) {
                alias = aliasToken.text
                position += 2
            } else if let aliasToken = token(at: position),
                      aliasToken.kind == .identifier || aliasToken.kind == .quotedIdentifier {
                alias = aliasToken.text
                position += 1
            }
        }
        if schema == nil, cteNames.contains(name) {
            return position
        }
        result.tables.append(
            TableReference(name: name, schema: schema, alias: alias, usage: usage, scope: currentScope)
        )
        return position
    }

    /// True for a token that can be a table, column or alias name: an identifier, a quoted identifier, or a
    /// keyword that is not reserved (e.g. `key`, `value`, `level`).
    static func isPlainName(_ token: SQLToken) -> Bool {
        switch token.kind {
        case .identifier, .quotedIdentifier:
            return true
        case .keyword:
            return !SQLKeywords.reserved.contains(token.text)
        case .number, .string, .dollarString, .parameter, .operator, .punctuation, .lineComment, .blockComment:
            return false
        }
    }
}
