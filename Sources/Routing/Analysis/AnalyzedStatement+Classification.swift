extension AnalyzedStatement {
    /// True when the statement only reads, so a replica may run it.
    ///
    /// A read is a SELECT, VALUES, SHOW, TABLE, WITH without data modification, or EXPLAIN (with or without
    /// ANALYZE) of one of those, with no
    /// `FOR UPDATE/NO KEY UPDATE/SHARE/KEY SHARE`, no `SELECT ... INTO`, no INSERT/UPDATE/DELETE/MERGE
    /// anywhere, and no call to one of `volatileFunctions` (names lower case, e.g. `nextval`,
    /// `pg_advisory_lock`). Every statement of a multi-statement Query must be a read. Everything else
    /// (including SET, transaction control and all utility commands) is a write.
    public func isRead(volatileFunctions: Set<String>) -> Bool {
        guard !commands.isEmpty else { return false }
        for command in commands {
            switch command {
            case .select, .values, .show, .table:
                continue
            case .with(let containsDataModification):
                if containsDataModification { return false }
            case .explain:
                continue
            case .insert, .update, .delete, .merge, .set, .reset, .begin, .commit, .rollback, .savepoint, .prepare,
                 .execute, .deallocate, .copy, .listen, .unlisten, .notify, .discard, .utility, .empty:
                return false
            }
        }
        if hasLockingClause || hasSelectInto || hasDataModification {
            return false
        }
        return functionCalls.isDisjoint(with: volatileFunctions)
    }
}
