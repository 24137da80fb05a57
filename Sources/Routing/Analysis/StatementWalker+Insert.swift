extension StatementWalker {
    /// Parses `INSERT INTO table [AS alias] [(columns)] [OVERRIDING ... VALUE] VALUES (...), (...)` starting at
    /// the table name, records the target and its rows, and moves `index` so the walk continues after the
    /// column list (VALUES expressions and ON CONFLICT / RETURNING are still walked for function calls).
    ///
    /// Each VALUES element is kept when it is a constant or parameter (see `constantValue(in:)`), else nil.
    /// `INSERT ... SELECT`, `DEFAULT VALUES` and a missing column list give no key.
    mutating func parseInsert(at start: Int) {
        let before = result.tables.count
        var position = parseTableReference(at: start, usage: .modified, allowsAlias: false, allowsColumnList: true)
        guard result.tables.count > before else { return }
        let tableIndex = result.tables.count - 1
        if isKeyword("as", at: position), let alias = token(at: position + 1), Self.isPlainName(alias) {
            result.tables[tableIndex].alias = alias.text
            position += 2
        }
        var columns: [String]?
        if isSymbol("(", at: position), let next = token(at: position + 1), Self.isPlainName(next) {
            let close = matchingClose[position]
            var names: [String] = []
            var cursor = position + 1
            while cursor < close {
                if let name = token(at: cursor), Self.isPlainName(name) {
                    names.append(name.text)
                    cursor += 1
                    // Skip subscripts or field selections (`col[1]`, `col.field`) up to the next comma.
                    while cursor < close, !isSymbol(",", at: cursor) { cursor += 1 }
                }
                cursor += 1
            }
            columns = names
            position = min(close + 1, tokens.count)
        }
        if isKeyword("overriding", at: position) {
            position += 3
        }
        var rows: [[KeyValue?]]?
        if isKeyword("values", at: position) {
            rows = valuesRows(at: position + 1)
        }
        result.insertRows[tableIndex] = InsertRows(tableIndex: tableIndex, columns: columns, rows: rows)
        result.lastInsertTarget = tableIndex
        index = position - 1
    }

    /// Parses the rows `(e, e, ...), (e, ...)` after VALUES: each element a constant/parameter or nil.
    func valuesRows(at start: Int) -> [[KeyValue?]] {
        var rows: [[KeyValue?]] = []
        var position = start
        while isSymbol("(", at: position) {
            let close = matchingClose[position]
            var row: [KeyValue?] = []
            for element in splitTopLevel(position + 1..<close, separator: ",") {
                row.append(constantValue(in: element))
            }
            rows.append(row)
            position = close + 1
            guard isSymbol(",", at: position) else { break }
            position += 1
        }
        return rows
    }

    /// Splits `range` at the tokens `separator` that are not inside parentheses or brackets.
    func splitTopLevel(_ range: Range<Int>, separator: String) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var partStart = range.lowerBound
        let upper = min(range.upperBound, tokens.count)
        forEachTopLevel(range) { position in
            if tokens[position].isSymbol(separator) {
                parts.append(partStart..<position)
                partStart = position + 1
            }
            return true
        }
        parts.append(partStart..<max(partStart, upper))
        return parts
    }
}
