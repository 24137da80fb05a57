extension StatementWalker {
    /// Dispatches on a keyword at `index`.
    mutating func handleKeyword(_ word: String) {
        let inFunction = frames[frames.count - 1].isFunctionCall
        switch word {
        case "from":
            guard !inFunction, !isKeyword("distinct", at: index - 1) else { return }
            if deleteTargetPending {
                deleteTargetPending = false
                index = parseTableReference(at: index + 1, usage: .modified, allowsAlias: true) - 1
            } else {
                index = parseTableReference(at: index + 1, usage: .read, allowsAlias: true) - 1
                frames[frames.count - 1].inFromList = true
            }
        case "join":
            var before = index - 1
            if isKeyword("outer", at: before) { before -= 1 }
            frames[frames.count - 1].lastJoinIsOuter = isKeyword("left", at: before) || isKeyword("right", at: before)
                || isKeyword("full", at: before)
            index = parseTableReference(at: index + 1, usage: .read, allowsAlias: true) - 1
        case "using":
            guard !isSymbol("(", at: index + 1) else { return }
            switch command {
            case .delete, .merge, .with:
                index = parseTableReference(at: index + 1, usage: .read, allowsAlias: true) - 1
                frames[frames.count - 1].inFromList = true
            case .select, .insert, .update, .values, .table, .show, .set, .reset, .begin, .commit, .rollback,
                 .savepoint, .prepare, .execute, .deallocate, .copy, .listen, .unlisten, .notify, .discard,
                 .explain, .utility, .empty:
                return
            }
        case "into":
            handleInto()
        case "update":
            if isKeyword("do", at: index - 1) {
                assignmentTarget = result.lastInsertTarget
                return
            }
            if isKeyword("then", at: index - 1) {
                assignmentTarget = result.tables.lastIndex { $0.usage == .modified }
                return
            }
            guard isCommandPosition(index) else { return }
            modifiesData = true
            let before = result.tables.count
            index = parseTableReference(at: index + 1, usage: .modified, allowsAlias: true) - 1
            assignmentTarget = result.tables.count > before ? result.tables.count - 1 : nil
        case "delete":
            guard isCommandPosition(index) else { return }
            modifiesData = true
            deleteTargetPending = true
        case "insert", "merge":
            if isCommandPosition(index) {
                modifiesData = true
                if word == "merge" { inMerge = true }
            }
        case "table":
            handleTableKeyword()
        case "truncate", "lock":
            guard index == bodyStart else { return }
            var position = index + 1
            if isKeyword("table", at: position) { position += 1 }
            position = parseTableReference(at: position, usage: .modified, allowsAlias: false)
            while isSymbol(",", at: position) {
                position = parseTableReference(at: position + 1, usage: .modified, allowsAlias: false)
            }
            index = position - 1
        case "with":
            if isCommandPosition(index) {
                collectCTENames(after: index)
            }
        case "where":
            guard !inFunction else { return }
            frames[frames.count - 1].inFromList = false
            scanConditions(from: index + 1)
        case "on":
            guard !inFunction, !isKeyword("conflict", at: index + 1), !inMerge,
                  !frames[frames.count - 1].lastJoinIsOuter
            else { return }
            scanConditions(from: index + 1)
        case "union", "intersect", "except":
            guard !inFunction else { return }
            // Each branch of a set operation is its own scope: a key in one branch says nothing of the other.
            frames[frames.count - 1].inFromList = false
            let scope = result.scopeParents.count
            result.scopeParents.append(result.scopeParents[currentScope])
            frames[frames.count - 1].scope = scope
        case "set":
            frames[frames.count - 1].inFromList = false
            if let target = assignmentTarget {
                assignmentTarget = nil
                recordAssignments(from: index + 1, tableIndex: target)
            }
        case "for":
            if isLockingClause(at: index + 1) {
                result.hasLockingClause = true
            }
        case "group", "order", "having", "limit", "offset", "fetch", "window", "returning", "select", "values":
            frames[frames.count - 1].inFromList = false
        default:
            break
        }
    }

    /// `INSERT INTO t ...`, `MERGE INTO t ...` or `SELECT ... INTO new_table`.
    mutating func handleInto() {
        if isKeyword("insert", at: index - 1) {
            parseInsert(at: index + 1)
        } else if isKeyword("merge", at: index - 1) {
            index = parseTableReference(at: index + 1, usage: .modified, allowsAlias: true) - 1
        } else if !frames[frames.count - 1].isFunctionCall {
            switch command {
            case .select, .with, .explain:
                result.hasSelectInto = true
            case .insert, .update, .delete, .merge, .values, .table, .show, .set, .reset, .begin, .commit,
                 .rollback, .savepoint, .prepare, .execute, .deallocate, .copy, .listen, .unlisten, .notify,
                 .discard, .utility, .empty:
                break
            }
        }
    }

    /// `TABLE name` at command position (also after UNION/INTERSECT/EXCEPT); other uses of TABLE
    /// (`CREATE TABLE`, `LOCK TABLE`) are not table reads.
    mutating func handleTableKeyword() {
        let isQuery = isCommandPosition(index) || isKeyword("union", at: index - 1)
            || isKeyword("intersect", at: index - 1) || isKeyword("except", at: index - 1)
            || isKeyword("all", at: index - 1) || isKeyword("distinct", at: index - 1)
        guard isQuery else { return }
        index = parseTableReference(at: index + 1, usage: .read, allowsAlias: false) - 1
    }

    /// True when the tokens at `position` are `UPDATE`, `SHARE`, `NO KEY UPDATE` or `KEY SHARE` (after FOR).
    func isLockingClause(at position: Int) -> Bool {
        if isKeyword("update", at: position) || isKeyword("share", at: position) { return true }
        if isKeyword("no", at: position), isKeyword("key", at: position + 1), isKeyword("update", at: position + 2) {
            return true
        }
        return isKeyword("key", at: position) && isKeyword("share", at: position + 1)
    }

    /// Records the names of a WITH list: `WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (...) [, ...]`.
    mutating func collectCTENames(after withIndex: Int) {
        var position = withIndex + 1
        if isKeyword("recursive", at: position) { position += 1 }
        while let name = token(at: position), Self.isPlainName(name) {
            cteNames.insert(name.text)
            position += 1
            if isSymbol("(", at: position) {
                position = matchingClose[position] + 1
            }
            guard isKeyword("as", at: position) else { return }
            position += 1
            if isKeyword("not", at: position) { position += 1 }
            if isKeyword("materialized", at: position) { position += 1 }
            guard isSymbol("(", at: position) else { return }
            position = matchingClose[position] + 1
            guard isSymbol(",", at: position) else { return }
            position += 1
        }
    }

    /// `COPY table [(cols)] FROM|TO ...`: the table is modified by COPY FROM, read by COPY TO. The query form
    /// `COPY (SELECT ...) TO ...` is left to the normal walk.
    mutating func walkCopy() {
        guard !isSymbol("(", at: 1) else { return }
        var direction = 2
        while direction < tokens.count, !isKeyword("from", at: direction), !isKeyword("to", at: direction) {
            direction += 1
        }
        let usage: TableUsage = isKeyword("from", at: direction) ? .modified : .read
        _ = parseTableReference(at: 1, usage: usage, allowsAlias: false, allowsColumnList: true)
        bodyStart = tokens.count
    }

    /// For `EXPLAIN [ANALYZE] [VERBOSE] [(options)] statement`, the index of `statement`; else 0.
    func explainBodyStart() -> Int {
        guard case .explain = command else { return 0 }
        var position = 1
        if isSymbol("(", at: position) {
            position = matchingClose[position] + 1
        }
        while isKeyword("analyze", at: position) || isKeyword("analyse", at: position)
            || isKeyword("verbose", at: position) {
            position += 1
        }
        return position
    }
}

extension StatementWalker {
    /// Records the columns of a SET list starting at `start`: `col = ...`, `col[1] = ...`,
    /// `(col, col) = ...`, separated by top-level commas, up to WHERE/FROM/RETURNING/WHEN or the frame's end.
    mutating func recordAssignments(from start: Int, tableIndex: Int) {
        var columns: [String] = []
        var atItemStart = true
        var position = start
        while position < tokens.count {
            let current = tokens[position]
            if atItemStart {
                atItemStart = false
                if current.isSymbol("("), let name = token(at: position + 1), Self.isPlainName(name) {
                    // `(a, b) = (...)`: the names up to the matching `)`.
                    var cursor = position + 1
                    while cursor < matchingClose[position], cursor < tokens.count {
                        if let item = token(at: cursor), Self.isPlainName(item) { columns.append(item.text) }
                        cursor += 1
                    }
                } else if Self.isPlainName(current) {
                    columns.append(current.text)
                }
            }
            if current.isSymbol("(") {
                position = matchingClose[position] + 1
                continue
            }
            if current.isSymbol(")") { break }
            if current.isSymbol(",") {
                atItemStart = true
            } else if current.kind == .keyword, ["where", "from", "returning", "when", "on"].contains(current.text) {
                break
            }
            position += 1
        }
        for column in columns where result.assignments.count < AnalyzedStatement.maximumConditions {
            result.assignments.append(ColumnAssignment(tableIndex: tableIndex, column: column))
        }
    }
}
