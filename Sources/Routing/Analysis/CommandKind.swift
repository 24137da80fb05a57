/// What kind of SQL command a statement is, decided from its first keywords.
public enum CommandKind: Sendable, Hashable {
    /// `SELECT ...` (also `(SELECT ...)` and `SELECT ... INTO`, which `AnalyzedStatement.hasSelectInto` flags).
    case select
    /// `INSERT INTO ...`.
    case insert
    /// `UPDATE ...`.
    case update
    /// `DELETE FROM ...`.
    case delete
    /// `MERGE INTO ...`.
    case merge
    /// `WITH ... <statement>`; `containsDataModification` is true when a CTE or the main statement is an
    /// INSERT, UPDATE, DELETE or MERGE.
    case with(containsDataModification: Bool)
    /// `VALUES (...)`.
    case values
    /// `TABLE name` (short for `SELECT * FROM name`).
    case table
    /// `SHOW name`.
    case show
    /// `SET ...`; `isLocal` for `SET LOCAL` (lasts until the end of the transaction).
    case set(isLocal: Bool)
    /// `RESET name` / `RESET ALL`.
    case reset
    /// `BEGIN` or `START TRANSACTION`; `isReadOnly` when the modes include `READ ONLY`.
    case begin(isReadOnly: Bool)
    /// `COMMIT`, `END` (also `COMMIT AND CHAIN`). Not `COMMIT PREPARED`, which is `.utility`.
    case commit
    /// `ROLLBACK` or `ABORT` (whole transaction). Not `ROLLBACK TO SAVEPOINT` (`.savepoint`).
    case rollback
    /// `SAVEPOINT x`, `RELEASE [SAVEPOINT] x`, `ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] x`.
    case savepoint
    /// SQL-level `PREPARE name AS ...` (not the protocol's Parse message).
    case prepare
    /// SQL-level `EXECUTE name(...)`.
    case execute
    /// `DEALLOCATE [PREPARE] name|ALL`.
    case deallocate
    /// `COPY ...`.
    case copy
    /// `LISTEN channel`.
    case listen
    /// `UNLISTEN channel|*`.
    case unlisten
    /// `NOTIFY channel[, payload]`.
    case notify
    /// `DISCARD ALL|PLANS|SEQUENCES|TEMP`.
    case discard
    /// `EXPLAIN [ANALYZE] [VERBOSE] [(options)] statement`; the inner statement's tables are analyzed too.
    case explain(isAnalyze: Bool)
    /// Any other statement (DDL such as CREATE/ALTER/DROP, VACUUM, LOCK, TRUNCATE, CALL, DO, GRANT...);
    /// `keyword` is its first word in lower case.
    case utility(keyword: String)
    /// An empty statement (only whitespace, comments or `;`).
    case empty
}
