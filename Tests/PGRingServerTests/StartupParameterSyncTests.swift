import PGWire
import Testing

@testable import PGRingServer

/// The statement (set_config calls) that re-applies a client's startup parameters on its server connection.
@Suite("StartupParameterSync")
struct StartupParameterSyncTests {
    static func startup(_ pairs: [(String, String)]) -> StartupMessage {
        StartupMessage(parameters: [StartupParameter(name: "user", value: "alice"), StartupParameter(name: "database", value: "app")]
            + pairs.map { StartupParameter(name: $0.0, value: $0.1) })
    }

    static func sql(_ pairs: [(String, String)]) -> String {
        StartupParameterSync.statements(for: startup(pairs))
    }

    @Test func onlyUserAndDatabaseGiveNoSQL() {
        #expect(Self.sql([]) == "")
    }

    /// Each carried parameter as a client sends it -> the statement (SQL names as PostgreSQL spells them).
    @Test(arguments: [
        ("application_name", "SELECT pg_catalog.set_config('application_name', 'v', false)"),
        ("client_encoding", "SELECT pg_catalog.set_config('client_encoding', 'v', false)"),
        ("DateStyle", "SELECT pg_catalog.set_config('DateStyle', 'v', false)"),
        ("datestyle", "SELECT pg_catalog.set_config('DateStyle', 'v', false)"),
        ("TimeZone", "SELECT pg_catalog.set_config('TimeZone', 'v', false)"),
        ("timezone", "SELECT pg_catalog.set_config('TimeZone', 'v', false)"),
        ("IntervalStyle", "SELECT pg_catalog.set_config('IntervalStyle', 'v', false)"),
        ("extra_float_digits", "SELECT pg_catalog.set_config('extra_float_digits', 'v', false)"),
        ("search_path", "SELECT pg_catalog.set_config('search_path', 'v', false)"),
        ("statement_timeout", "SELECT pg_catalog.set_config('statement_timeout', 'v', false)"),
        ("lock_timeout", "SELECT pg_catalog.set_config('lock_timeout', 'v', false)"),
        ("idle_in_transaction_session_timeout", "SELECT pg_catalog.set_config('idle_in_transaction_session_timeout', 'v', false)"),
        ("default_transaction_isolation", "SELECT pg_catalog.set_config('default_transaction_isolation', 'v', false)"),
        ("default_transaction_read_only", "SELECT pg_catalog.set_config('default_transaction_read_only', 'v', false)"),
        ("APPLICATION_NAME", "SELECT pg_catalog.set_config('application_name', 'v', false)"),
    ])
    func carriedParameter(name: String, expected: String) {
        #expect(Self.sql([(name, "v")]) == expected)
    }

    /// Parameters that never reach SQL: protocol-level ones, unknown settings, and names that try to inject.
    @Test(arguments: [
        "user", "database", "options", "replication", "_pq_.something", "work_mem", "role",
        "session_authorization", "application_name; DROP TABLE users; --", "search_path TO public; DROP TABLE t; --",
        "application_name ", " application_name", "application-name", "search_path'", "",
    ])
    func uncarriedParameterNeverReachesSQL(name: String) {
        #expect(Self.sql([(name, "x")]) == "")
    }

    @Test func fallbackApplicationNameIsUsedWhenNoApplicationName() {
        #expect(Self.sql([("fallback_application_name", "psql")]) == "SELECT pg_catalog.set_config('application_name', 'psql', false)")
    }

    @Test(arguments: [
        [("application_name", "mine"), ("fallback_application_name", "psql")],
        [("fallback_application_name", "psql"), ("application_name", "mine")],
    ])
    func applicationNameWinsOverTheFallback(pairs: [(String, String)]) {
        #expect(Self.sql(pairs) == "SELECT pg_catalog.set_config('application_name', 'mine', false)")
    }

    @Test func anEmptyApplicationNameStillWinsOverTheFallback() {
        #expect(Self.sql([("application_name", ""), ("fallback_application_name", "psql")]) == "SELECT pg_catalog.set_config('application_name', '', false)")
    }

    @Test func theLastOfDuplicateParametersWins() {
        #expect(Self.sql([("TimeZone", "UTC"), ("timezone", "Europe/Paris")]) == "SELECT pg_catalog.set_config('TimeZone', 'Europe/Paris', false)")
    }

    @Test func severalParametersGiveOneStatementInAStableOrder() {
        let expected = "SELECT pg_catalog.set_config('DateStyle', 'ISO, MDY', false), pg_catalog.set_config('TimeZone', 'UTC', false), "
            + "pg_catalog.set_config('application_name', 'psql', false), pg_catalog.set_config('client_encoding', 'UTF8', false), "
            + "pg_catalog.set_config('extra_float_digits', '3', false)"
        let forward = Self.sql([
            ("application_name", "psql"), ("client_encoding", "UTF8"), ("DateStyle", "ISO, MDY"),
            ("TimeZone", "UTC"), ("extra_float_digits", "3"), ("work_mem", "1GB"),
        ])
        let reversed = Self.sql([
            ("work_mem", "1GB"), ("extra_float_digits", "3"), ("TimeZone", "UTC"), ("DateStyle", "ISO, MDY"),
            ("client_encoding", "UTF8"), ("application_name", "psql"),
        ])
        #expect(forward == expected)
        #expect(reversed == expected)
    }

    /// Values are string literals: `'` doubled; a backslash makes it an E'' literal with `\` doubled,
    /// which reads the same whatever standard_conforming_strings is.
    @Test(arguments: [
        ("", "''"),
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("''", "''''''"),
        ("C:\\dir", "E'C:\\\\dir'"),
        ("\\", "E'\\\\'"),
        ("\\'", "E'\\\\'''"),
        ("'; DROP TABLE users; --", "'''; DROP TABLE users; --'"),
        ("x\\'; DROP TABLE users; --", "E'x\\\\''; DROP TABLE users; --'"),
        ("caf\u{E9} \u{1F418}", "'caf\u{E9} \u{1F418}'"),
        ("\"$user\", public", "'\"$user\", public'"),
        ("$$; DROP TABLE t; $$", "'$$; DROP TABLE t; $$'"),
        ("line\nbreak", "'line\nbreak'"),
    ])
    func quoteLiteral(value: String, expected: String) {
        #expect(StartupParameterSync.quoteLiteral(value) == expected)
    }

    /// search_path is a GUC_LIST_QUOTE setting: `SET search_path TO '"$user", public'` makes it ONE schema
    /// named `"$user", public` (PostgreSQL 15 answers `SHOW search_path` with `"""$user"", public"`), while
    /// the same value in a startup packet gives the two-element list `"$user", public`. Checked on a local
    /// PostgreSQL 15; `SELECT pg_catalog.set_config('search_path', '"$user", public', false)` keeps the list.
    @Test func aListValuedSearchPathIsNotTurnedIntoOneSchemaName() {
        let sql = Self.sql([("search_path", "\"$user\", public")])
        #expect(sql.contains("search_path"))
        #expect(sql == "SELECT pg_catalog.set_config('search_path', '\"$user\", public', false)")
    }

    @Test func anInjectionAttemptInAValueIsQuoted() {
        #expect(Self.sql([("application_name", "x'; DROP TABLE users; --")])
            == "SELECT pg_catalog.set_config('application_name', 'x''; DROP TABLE users; --', false)")
        #expect(Self.sql([("search_path", "public\\'; DROP TABLE users; --")])
            == "SELECT pg_catalog.set_config('search_path', E'public\\\\''; DROP TABLE users; --', false)")
    }
}
