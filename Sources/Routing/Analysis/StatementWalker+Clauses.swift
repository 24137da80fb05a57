extension StatementWalker {
    /// Keywords that end a WHERE or ON condition when met outside parentheses.
    static let conditionTerminators: Set<String> = [
        "group", "order", "having", "limit", "offset", "fetch", "for", "window", "union", "intersect", "except",
        "returning", "on", "do", "when", "then", "join", "inner", "left", "right", "full", "cross", "natural",
        "where", "using", "select", "values", "insert", "update", "delete", "set",
    ]

    /// Scans the condition starting at `start` (after WHERE or ON) and records its usable conjuncts.
    ///
    /// The condition runs to the closing parenthesis of the current frame, the end of the statement, or a
    /// terminator keyword (`conditionTerminators`) outside parentheses. It is split at the top-level `AND`s
    /// (the `AND` of `BETWEEN x AND y` excepted). If a top-level `OR` appears, nothing is recorded: a key in
    /// one branch does not restrict the rows. Each conjunct is recorded only when it is exactly one of:
    /// - `column = constant` or `constant = column`,
    /// - `column IN (constant, constant, ...)`,
    /// - `column = column` (a join link, used to carry a key from one table to another),
    /// where `column` is `name`, `qualifier.name` or `schema.table.name` and `constant` is as in
    /// `constantValue(in:)`. A parenthesised group of AND-ed conjuncts is opened (up to 32 levels deep).
    /// Anything else (`NOT`, functions of the column, `= ANY($1)`, groups containing OR) is ignored, which can
    /// only lose a key, never invent one.
    mutating func scanConditions(from start: Int) {
        var end = tokens.count
        forEachTopLevel(start..<tokens.count) { position in
            let current = tokens[position]
            let terminates = current.isSymbol(")")
                || (current.kind == .keyword && Self.conditionTerminators.contains(current.text))
            if terminates { end = position }
            return !terminates
        }
        recordConjuncts(in: start..<end, nesting: 0)
    }

    /// Splits a condition at its top-level ANDs and records each conjunct; records nothing when a top-level
    /// OR appears. A conjunct wrapped in parentheses (`(a = 1 AND b = 2)`) is split the same way, unless it
    /// is a subquery.
    mutating func recordConjuncts(in range: Range<Int>, nesting: Int) {
        guard nesting <= 32 else { return }
        var conjunctStart = range.lowerBound
        var conjuncts: [Range<Int>] = []
        var pendingBetween = false
        var hasOr = false
        forEachTopLevel(range) { position in
            let current = tokens[position]
            guard current.kind == .keyword else { return true }
            switch current.text {
            case "or":
                hasOr = true
                return false
            case "between":
                pendingBetween = true
            case "and":
                if pendingBetween {
                    pendingBetween = false
                } else {
                    conjuncts.append(conjunctStart..<position)
                    conjunctStart = position + 1
                }
            default:
                break
            }
            return true
        }
        guard !hasOr else { return }
        conjuncts.append(conjunctStart..<range.upperBound)
        for conjunct in conjuncts {
            if conjunct.count >= 2, isSymbol("(", at: conjunct.lowerBound),
               matchingClose[conjunct.lowerBound] == conjunct.upperBound - 1 {
                let inner = conjunct.lowerBound + 1..<conjunct.upperBound - 1
                let opensQuery = isKeyword("select", at: inner.lowerBound) || isKeyword("with", at: inner.lowerBound)
                    || isKeyword("values", at: inner.lowerBound)
                if !opensQuery {
                    recordConjuncts(in: inner, nesting: nesting + 1)
                }
            } else {
                record(conjunct: conjunct)
            }
        }
    }

    /// Records one conjunct if it has one of the accepted shapes (at most `maximumConditions` in all).
    mutating func record(conjunct range: Range<Int>) {
        guard range.count >= 3,
              result.equalities.count < AnalyzedStatement.maximumConditions,
              result.columnLinks.count < AnalyzedStatement.maximumConditions
        else { return }
        if let inIndex = topLevelIndex(ofKeyword: "in", in: range) {
            guard let column = columnName(in: range.lowerBound..<inIndex),
                  isSymbol("(", at: inIndex + 1), matchingClose[inIndex + 1] == range.upperBound - 1
            else { return }
            var values: [KeyValue] = []
            for element in splitTopLevel(inIndex + 2..<range.upperBound - 1, separator: ",") {
                guard let value = constantValue(in: element) else { return }
                values.append(value)
            }
            guard !values.isEmpty else { return }
            result.equalities.append(ColumnEquality(column: column, values: values, scope: currentScope))
            return
        }
        var equalsIndex: Int?
        var equalsCount = 0
        forEachTopLevel(range) { position in
            let current = tokens[position]
            if current.kind == .operator, current.text == "=" {
                equalsIndex = position
                equalsCount += 1
            }
            return equalsCount < 2
        }
        guard equalsCount == 1 else { return }
        guard let equals = equalsIndex else { return }
        let left = range.lowerBound..<equals
        let right = equals + 1..<range.upperBound
        if let column = columnName(in: left) {
            if let value = constantValue(in: right) {
                result.equalities.append(ColumnEquality(column: column, values: [value], scope: currentScope))
            } else if let other = columnName(in: right) {
                result.columnLinks.append(ColumnLink(left: column, right: other, scope: currentScope))
            }
        } else if let column = columnName(in: right), let value = constantValue(in: left) {
            result.equalities.append(ColumnEquality(column: column, values: [value], scope: currentScope))
        }
    }

    /// Calls `body` with the position of every token of `range` that is outside parentheses and brackets
    /// (a parenthesised group is jumped over in one step, so a scan costs only the tokens at its own level);
    /// stops when `body` returns false. A stray `)` is passed to `body`.
    func forEachTopLevel(_ range: Range<Int>, _ body: (Int) -> Bool) {
        var position = range.lowerBound
        let upper = min(range.upperBound, tokens.count)
        var bracketDepth = 0
        while position < upper {
            let current = tokens[position]
            if current.isSymbol("(") {
                position = matchingClose[position] + 1
                continue
            }
            if current.isSymbol("[") {
                bracketDepth += 1
            } else if current.isSymbol("]") {
                bracketDepth = max(0, bracketDepth - 1)
            } else if bracketDepth == 0, !body(position) {
                return
            }
            position += 1
        }
    }

    /// The column named by exactly the tokens in `range`: `name`, `qualifier.name` or `schema.table.name`.
    func columnName(in range: Range<Int>) -> ColumnName? {
        let parts = range.count
        guard parts == 1 || parts == 3 || parts == 5 else { return nil }
        var names: [String] = []
        for (offset, position) in range.enumerated() {
            guard let current = token(at: position) else { return nil }
            if offset % 2 == 0 {
                guard Self.isPlainName(current) else { return nil }
                names.append(current.text)
            } else {
                guard current.isSymbol(".") else { return nil }
            }
        }
        let column = names[names.count - 1]
        let qualifier = names.count >= 2 ? names[names.count - 2] : nil
        return ColumnName(qualifier: qualifier, column: column)
    }
}
