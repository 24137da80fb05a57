/// One change a simple-protocol Query makes to the *session* state of the server connection that runs it.
///
/// Used by transaction pooling (a client holds a server connection only for one transaction): every effect must
/// either be carried to the next server connection the client gets (replayed, or undone there) or pin the client
/// to its server for the rest of its session. Produced by `SessionEffectAnalyzer.effects(of:)`.
///
/// Parameter names are canonical: ASCII letters folded to lower case, quoted identifiers included, because
/// PostgreSQL compares configuration parameter names case-insensitively (`guc_name_compare`), so
/// `SET "TimeZone" = 'UTC'` and `SET timezone = 'UTC'` change the same setting. Dotted custom names
/// (`myapp.tenant`) are kept whole. The special forms map to: `SET TIME ZONE` → "timezone", `SET NAMES` →
/// "client_encoding", `SET SCHEMA` → "search_path", `SET ROLE` → "role", `SET SESSION AUTHORIZATION` →
/// "session_authorization", `SET SESSION CHARACTERISTICS` → "default_transaction_characteristics",
/// `SET XML OPTION` → "xmloption"; the old aliases `sort_mem` and `vacuum_mem` map to "work_mem" and
/// "maintenance_work_mem" as the server maps them.
public enum SessionEffect: Sendable, Hashable {
    /// A session-level `SET`: `SET [SESSION] name {TO|=} value[, ...]`, `SET TIME ZONE ...`, `SET NAMES ...`,
    /// `SET SCHEMA ...`, `SET ROLE ...`, `SET SESSION AUTHORIZATION ...`,
    /// `SET SESSION CHARACTERISTICS AS TRANSACTION ...`, `SET XML OPTION ...` (PostgreSQL docs: SQL Commands, SET).
    /// `name` is the canonical parameter name (see the type's documentation). `statement` is the exact source text
    /// of that one statement, from its first token to its last token (comments before the first token, comments
    /// after the last token and the `;` excluded; comments between tokens kept), so it can be replayed verbatim.
    case set(name: String, statement: String)
    /// A parameter returned to its session default: `RESET name`, `SET name {TO|=} DEFAULT`, `RESET ROLE`,
    /// `SET ROLE NONE`, `RESET SESSION AUTHORIZATION`, `SET SESSION AUTHORIZATION DEFAULT`, `RESET TIME ZONE`,
    /// `SET TIME ZONE DEFAULT` / `LOCAL`, `SET NAMES` / `SET NAMES DEFAULT` (canonical names as for `set`).
    case reset(name: String)
    /// `RESET ALL`: every parameter back to its default, except those PostgreSQL marks `GUC_NO_RESET_ALL`
    /// (notably `role`, `session_authorization` and the transaction parameters), which keep their values.
    case resetAll
    /// `DISCARD ALL`: the server runs the equivalent of `CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT;
    /// RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP;
    /// DISCARD SEQUENCES`. It cannot run inside a transaction block.
    case discardAll
    /// `DISCARD TEMP` / `DISCARD TEMPORARY`: drops every temporary object of the session.
    case discardTemporary
    /// `DEALLOCATE [PREPARE] name`: drops one prepared statement (SQL-level or protocol-level; they share one
    /// namespace). `name` is as the server folds it: unquoted names lower-cased, quoted names kept.
    case deallocate(name: String)
    /// `DEALLOCATE [PREPARE] ALL`: drops every prepared statement of the session.
    case deallocateAll
    /// `LISTEN channel`; `channel` folded as the server folds it (unquoted lower-cased, quoted kept).
    case listen(channel: String)
    /// `UNLISTEN channel`; `channel` folded as for `listen`.
    case unlisten(channel: String)
    /// `UNLISTEN *`.
    case unlistenAll
    /// Something whose effect lasts for the whole session and cannot be replayed on another server connection:
    /// the client must keep this server connection until it disconnects (or until the state is discarded).
    case pin(SessionPinReason)
}

/// Why a Query pins its client to its current server connection (see `SessionEffect.pin`).
public enum SessionPinReason: String, Sendable, Hashable {
    /// A temporary object lives in the session: `CREATE [OR REPLACE] [GLOBAL|LOCAL] {TEMP|TEMPORARY}
    /// {TABLE|VIEW|SEQUENCE} ...` (also `... TABLE ... AS`, not when the table is `ON COMMIT DROP`),
    /// `SELECT ... INTO [GLOBAL|LOCAL] {TEMP|TEMPORARY} [TABLE] name`, or any `CREATE` naming the `pg_temp`
    /// schema (`CREATE TABLE pg_temp.t ...`, a view over `pg_temp.t`, which PostgreSQL makes temporary too).
    case temporaryObject
    /// A session-level advisory lock is taken: a call of `pg_advisory_lock`, `pg_advisory_lock_shared`,
    /// `pg_try_advisory_lock` or `pg_try_advisory_lock_shared` (unqualified or `pg_catalog.`-qualified). The
    /// `*_xact_*` variants end with the transaction and do not pin.
    case advisoryLock
    /// A cursor outlives its transaction: `DECLARE name ... CURSOR WITH HOLD FOR ...`.
    case holdCursor
    /// A SQL-level prepared statement is created: `PREPARE name [(types)] AS statement`.
    case sqlPreparedStatement
    /// Session settings change in a way pgring cannot replay: a call of `set_config(name, value, is_local)` whose
    /// third argument is not literally true, `LOAD 'library'`, `SET name FROM CURRENT`, or a `DO` block whose body
    /// mentions any trigger word of `SessionEffectAnalyzer.mayHaveEffects` (a `DO` body runs at once and may do
    /// anything, so it is judged conservatively).
    case untrackedSetting
}
