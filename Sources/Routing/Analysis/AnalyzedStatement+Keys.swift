extension AnalyzedStatement {
    /// The key values the statement restricts the table reference at `tableIndex` to, when its sharding key is
    /// `keyColumn` (lower-cased, or as written when quoted); nil when the statement gives no restriction.
    ///
    /// - INSERT target: the `keyColumn` element of every VALUES row; nil if any row has another expression
    ///   there, if the column list lacks `keyColumn`, or if the rows do not come from VALUES.
    /// - Any other reference: the values of a WHERE/ON conjunct `keyColumn = constant` or
    ///   `keyColumn IN (...)` that belongs to it (qualified with its alias or name, or unqualified in its
    ///   scope). With several such conjuncts, the one with the fewest values (all must hold).
    public func keyValues(forTableAt tableIndex: Int, keyColumn: String) -> [KeyValue]? {
        guard tables.indices.contains(tableIndex) else { return nil }
        if let insert = insertRows[tableIndex] {
            guard let columns = insert.columns, let keyPosition = columns.firstIndex(of: keyColumn),
                  let rows = insert.rows, !rows.isEmpty
            else { return nil }
            var values: [KeyValue] = []
            for row in rows {
                guard keyPosition < row.count, let value = row[keyPosition] else { return nil }
                values.append(value)
            }
            return Self.uniqued(values)
        }
        var best: [KeyValue]?
        for equalityIndex in equalitiesByTable[tableIndex] ?? [] {
            let equality = equalities[equalityIndex]
            guard equality.column.column == keyColumn else { continue }
            if best == nil || equality.values.count < (best?.count ?? 0) {
                best = equality.values
            }
        }
        return best.map(Self.uniqued)
    }

    /// Resolved join links `a.x = b.y`: the two table indices and the two column names.
    public func tableLinks() -> [(left: Int, leftColumn: String, right: Int, rightColumn: String)] {
        resolvedLinks
    }

    /// True when a SET list (UPDATE, ON CONFLICT DO UPDATE, MERGE ... UPDATE) assigns `column` of the table
    /// at `tableIndex`.
    public func assigns(column: String, ofTableAt tableIndex: Int) -> Bool {
        assignments.contains { $0.tableIndex == tableIndex && $0.column == column }
    }

    /// Resolves every recorded equality and link to table indices, once, after the last statement.
    mutating func resolveColumns() {
        var tablesByScope: [Int: [Int]] = [:]
        for (index, table) in tables.enumerated() {
            tablesByScope[table.scope, default: []].append(index)
        }
        var byTable: [Int: [Int]] = [:]
        for (equalityIndex, equality) in equalities.enumerated() {
            let targets: [Int]
            if let qualifier = equality.column.qualifier {
                targets = resolve(qualifier: qualifier, scope: equality.scope, tablesByScope: tablesByScope)
            } else {
                targets = tablesByScope[equality.scope] ?? []
            }
            for target in targets {
                byTable[target, default: []].append(equalityIndex)
            }
        }
        equalitiesByTable = byTable
        resolvedLinks = columnLinks.compactMap { link in
            guard let left = uniqueReference(link.left.qualifier, link.scope, tablesByScope),
                  let right = uniqueReference(link.right.qualifier, link.scope, tablesByScope),
                  left != right
            else { return nil }
            return (left, link.left.column, right, link.right.column)
        }
    }

    /// The table index a column belongs to when that is certain: the qualified table, or the only table
    /// of the scope for an unqualified column.
    func uniqueReference(_ qualifier: String?, _ scope: Int, _ tablesByScope: [Int: [Int]]) -> Int? {
        let candidates: [Int]
        if let qualifier {
            candidates = resolve(qualifier: qualifier, scope: scope, tablesByScope: tablesByScope)
        } else {
            candidates = tablesByScope[scope] ?? []
        }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// The tables named `qualifier` (by alias, or by name when they have no alias) in the innermost scope,
    /// starting at `scope` and going outwards at most `maximumScopeSearch` levels, that has one.
    func resolve(qualifier: String, scope: Int, tablesByScope: [Int: [Int]]) -> [Int] {
        var current = scope
        var steps = 0
        while current >= 0, current < scopeParents.count, steps < Self.maximumScopeSearch {
            let matches = (tablesByScope[current] ?? []).filter { tables[$0].exposedName == qualifier }
            if !matches.isEmpty {
                return matches
            }
            current = scopeParents[current]
            steps += 1
        }
        return []
    }

    /// The values without repeats, in first-seen order.
    static func uniqued(_ values: [KeyValue]) -> [KeyValue] {
        var seen = Set<KeyValue>()
        return values.filter { seen.insert($0).inserted }
    }
}
