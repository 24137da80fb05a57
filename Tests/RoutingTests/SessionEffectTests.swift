import Testing
@testable import Routing

/// One Query and the session effects it must have (written by hand from PostgreSQL's grammar, never computed).
struct SessionEffectCase: Sendable, CustomTestStringConvertible {
    /// The Query string.
    let sql: String
    /// The expected effects, in order.
    let expected: [SessionEffect]

    init(_ sql: String, _ expected: [SessionEffect]) {
        self.sql = sql
        self.expected = expected
    }

    var testDescription: String { sql.debugDescription }
}

/// A `set` whose statement text is the whole (trimmed) Query, the common case.
private func set(_ name: String, _ statement: String) -> SessionEffect {
    .set(name: name, statement: statement)
}

/// Shorthand for a case whose only effect is setting `name` with the whole `sql` as statement text.
private func setCase(_ sql: String, _ name: String) -> SessionEffectCase {
    SessionEffectCase(sql, [.set(name: name, statement: sql)])
}

/// `SessionEffectAnalyzer.effects(of:)` on every statement kind, one table per topic.
@Suite struct SessionEffectTests {
    static func check(_ testCase: SessionEffectCase, sourceLocation: SourceLocation = #_sourceLocation) {
        let effects = SessionEffectAnalyzer.effects(of: testCase.sql)
        #expect(effects == testCase.expected, sourceLocation: sourceLocation)
        if !testCase.expected.isEmpty {
            #expect(SessionEffectAnalyzer.mayHaveEffects(Array(testCase.sql.utf8)), sourceLocation: sourceLocation)
        }
    }

    static let genericSet: [SessionEffectCase] = [
        setCase("SET search_path = a, \"B\", public", "search_path"),
        setCase("set Search_Path TO public", "search_path"),
        setCase("SET SESSION work_mem = '64MB'", "work_mem"),
        SessionEffectCase("SET statement_timeout = 5000;", [set("statement_timeout", "SET statement_timeout = 5000")]),
        setCase("SET extra_float_digits = -3", "extra_float_digits"),
        setCase("SET x.y TO +1.5", "x.y"),
        setCase("SET myapp.tenant = 'acme'", "myapp.tenant"),
        setCase("SET \"MyApp\".\"Tenant\" = 'acme'", "myapp.tenant"),
        setCase("SET \"TimeZone\" = 'UTC'", "timezone"),
        setCase("SET enable_seqscan = off", "enable_seqscan"),
        setCase("SET enable_seqscan TO on", "enable_seqscan"),
        setCase("SET enable_hashjoin = true", "enable_hashjoin"),
        setCase("SET application_name = $$my app$$", "application_name"),
        setCase("SET application_name = E'it\\'s'", "application_name"),
        setCase("SET DateStyle = ISO, DMY", "datestyle"),
        setCase("SET x.y = left", "x.y"),
        setCase("SET x.y = 'a'\n'b'", "x.y"),
        setCase("SET x.y = U&'d!0061t' UESCAPE '!'", "x.y"),
        setCase("SET x.y = 'a' -- comment\n 'b'", "x.y"),
        setCase("SET x.y = E'a'\r'b'", "x.y"),
        setCase("SET x.y = U&'a'\n'b' UESCAPE '!'", "x.y"),
        setCase("SET local.x = 1", "local.x"),
        setCase("SET sort_mem = 1024", "work_mem"),
        setCase("SET \"pgring\".shard = 1", "pgring.shard"),
        SessionEffectCase("SET x.y = DEFAULT", [.reset(name: "x.y")]),
        SessionEffectCase("SET work_mem TO DEFAULT", [.reset(name: "work_mem")]),
        SessionEffectCase("SET x.y FROM CURRENT", [.pin(.untrackedSetting)]),
    ]

    @Test(arguments: genericSet) func genericSetStatements(_ testCase: SessionEffectCase) {
        Self.check(testCase)
    }

    static let specialSet: [SessionEffectCase] = [
        setCase("SET TIME ZONE 'Europe/Paris'", "timezone"),
        setCase("SET TIME ZONE UTC", "timezone"),
        setCase("SET TIME ZONE \"Europe/Paris\"", "timezone"),
        setCase("SET TIME ZONE INTERVAL (2) '+00:00'", "timezone"),
        setCase("SET TIME ZONE -8", "timezone"),
        setCase("SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE", "timezone"),
        setCase("set timezone = 'UTC'", "timezone"),
        SessionEffectCase("SET TIME ZONE DEFAULT", [.reset(name: "timezone")]),
        SessionEffectCase("SET TIME ZONE LOCAL", [.reset(name: "timezone")]),
        setCase("SET NAMES 'UTF8'", "client_encoding"),
        SessionEffectCase("SET NAMES", [.reset(name: "client_encoding")]),
        SessionEffectCase("SET NAMES DEFAULT", [.reset(name: "client_encoding")]),
        setCase("SET SCHEMA 'app'", "search_path"),
        setCase("SET ROLE admin", "role"),
        setCase("SET SESSION ROLE 'Admin'", "role"),
        setCase("SET ROLE \"NONE\"", "role"),
        setCase("SET role TO admin", "role"),
        SessionEffectCase("SET ROLE NONE", [.reset(name: "role")]),
        SessionEffectCase("SET role = 'none'", [.reset(name: "role")]),
        SessionEffectCase("SET role TO DEFAULT", [.reset(name: "role")]),
        setCase("SET SESSION AUTHORIZATION 'bob'", "session_authorization"),
        setCase("SET SESSION SESSION AUTHORIZATION bob", "session_authorization"),
        setCase("SET session_authorization = bob", "session_authorization"),
        SessionEffectCase("SET SESSION AUTHORIZATION DEFAULT", [.reset(name: "session_authorization")]),
        setCase("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                "default_transaction_characteristics"),
        setCase("SET SESSION CHARACTERISTICS AS TRANSACTION NOT DEFERRABLE READ WRITE",
                "default_transaction_characteristics"),
        setCase("SET XML OPTION DOCUMENT", "xmloption"),
        setCase("set xml option content", "xmloption"),
    ]

    @Test(arguments: specialSet) func specialSetForms(_ testCase: SessionEffectCase) {
        Self.check(testCase)
    }

    /// Statements with no session effect: transaction-scoped, pgring's own, or rejected by the server.
    static let noEffect: [String] = [
        "SET LOCAL x.y = 1", "SET LOCAL TIME ZONE 'UTC'", "SET LOCAL ROLE admin", "SET LOCAL search_path = a",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "SET SESSION TRANSACTION READ ONLY",
        "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'", "SET CONSTRAINTS ALL DEFERRED", "SET CATALOG 'db'",
        "SET pgring.shard_key = 42", "SET SESSION pgring.shard = 'beta'", "SET pgring.target TO DEFAULT",
        "RESET pgring.shard", "SET LOCAL pgring.shard_key = 1",
        "SET", "SET x", "SET x =", "SET x = 1 2", "SET x = 1,", "SET x = null", "SET x = B'101'", "SET left = 1",
        "SET search_path = DEFAULT, public", "SET x = 'a' 'b'", "SET x.y = 'a' /* c */\n'b'", "SET x.y = 'a'\nE'b'",
        "SET x.y = 'a'\n$$b$$", "SET TIME ZONE local.x", "SET TIME ZONE key", "SET x.y = N'a'", "SET x.\"\" = 1",
        "SET ROLE DEFAULT", "SET x.y FROM CURRENT 1", "SET TIME ZONE",
        "SET NAMES utf8", "SET SCHEMA app", "SET ROLE", "SET XML OPTION foo",
        "SET SESSION CHARACTERISTICS AS TRANSACTION", "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY,",
        "RESET", "RESET ALL x", "RESET TRANSACTION ISOLATION LEVEL", "RESET x y",
        "DISCARD PLANS", "DISCARD SEQUENCES", "DISCARD", "DISCARD ALL TEMP",
        "DEALLOCATE", "DEALLOCATE PREPARE ALL x", "LISTEN", "LISTEN *", "UNLISTEN", "LISTEN a b", "NOTIFY jobs, 'x'",
        "SHOW search_path", "SHOW ALL", "UPDATE t SET x = 1", "ALTER ROLE r SET search_path = x",
        "ALTER DATABASE d RESET ALL", "SELECT 1 OFFSET 5", "EXECUTE q(1)", "PREPARE q", "PREPARE TRANSACTION 'gid'",
        "DECLARE c CURSOR FOR SELECT 1", "DECLARE c CURSOR WITHOUT HOLD FOR SELECT 1", "DECLARE c CURSOR WITH HOLD",
        "LOAD auto_explain", "CREATE UNLOGGED TABLE t (a int)", "CREATE TABLE temp (a int)",
        "CREATE TEMP TABLE t (id int) ON COMMIT DROP", "CREATE TEMP TABLE t ON COMMIT DROP AS SELECT 1",
        "INSERT INTO temp VALUES (1)", "SELECT 1 INTO temp FROM x", "SELECT * FROM pg_temp.t",
        "SELECT pg_advisory_xact_lock(1)", "SELECT pg_try_advisory_xact_lock_shared(1)", "SELECT pg_advisory_unlock(1)",
        "SELECT myschema.pg_advisory_lock(1)", "SELECT pg_advisory_lock", "SELECT set_config('x', 'y', true)",
        "SELECT set_config('x', 'y', 't')", "SELECT pg_catalog.set_config('x', coalesce('a', 'b'), TRUE)",
        "EXPLAIN SELECT pg_advisory_lock(1)", "EXPLAIN (ANALYZE false) SELECT pg_advisory_lock(1)",
        "EXPLAIN CREATE TEMP TABLE t AS SELECT 1", "EXPLAIN SET x = 1",
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ SET x.y = 1; SELECT pg_advisory_lock(1) $$",
        "DO $$BEGIN RAISE NOTICE 'hi'; END$$", "BEGIN", "COMMIT",
        "SELECT abalance FROM pgbench_accounts WHERE aid = 42;",
    ]

    @Test(arguments: noEffect) func statementsWithoutSessionEffect(_ sql: String) {
        #expect(SessionEffectAnalyzer.effects(of: sql) == [])
    }

    static let otherStatements: [SessionEffectCase] = [
        SessionEffectCase("RESET ALL", [.resetAll]),
        SessionEffectCase("RESET work_mem", [.reset(name: "work_mem")]),
        SessionEffectCase("RESET TIME ZONE", [.reset(name: "timezone")]),
        SessionEffectCase("RESET myapp.Tenant", [.reset(name: "myapp.tenant")]),
        SessionEffectCase("reset \"TimeZone\"", [.reset(name: "timezone")]),
        SessionEffectCase("RESET ROLE", [.reset(name: "role")]),
        SessionEffectCase("RESET SESSION AUTHORIZATION", [.reset(name: "session_authorization")]),
        SessionEffectCase("DISCARD ALL", [.discardAll]),
        SessionEffectCase("DISCARD TEMP", [.discardTemporary]),
        SessionEffectCase("discard temporary;", [.discardTemporary]),
        SessionEffectCase("DEALLOCATE p1", [.deallocate(name: "p1")]),
        SessionEffectCase("deallocate Foo", [.deallocate(name: "foo")]),
        SessionEffectCase("DEALLOCATE PREPARE \"MyStmt\"", [.deallocate(name: "MyStmt")]),
        SessionEffectCase("DEALLOCATE prepare", [.deallocate(name: "prepare")]),
        SessionEffectCase("DEALLOCATE ALL", [.deallocateAll]),
        SessionEffectCase("DEALLOCATE PREPARE ALL", [.deallocateAll]),
        SessionEffectCase("LISTEN Jobs", [.listen(channel: "jobs")]),
        SessionEffectCase("LISTEN \"Jobs\"", [.listen(channel: "Jobs")]),
        SessionEffectCase("UNLISTEN jobs", [.unlisten(channel: "jobs")]),
        SessionEffectCase("UNLISTEN *", [.unlistenAll]),
    ]

    @Test(arguments: otherStatements) func resetDiscardDeallocateListen(_ testCase: SessionEffectCase) {
        Self.check(testCase)
    }

    static let pins: [SessionEffectCase] = [
        SessionEffectCase("CREATE TEMP TABLE t (id int)", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE TEMPORARY TABLE t AS SELECT 1", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE LOCAL TEMP TABLE t ()", [.pin(.temporaryObject)]),
        SessionEffectCase("create global temporary table t (a int)", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE TEMP VIEW v AS SELECT 1", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE OR REPLACE TEMP RECURSIVE VIEW v (n) AS SELECT 1", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE TEMP SEQUENCE s", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE TEMP TABLE t (a int) ON COMMIT DELETE ROWS", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE TABLE pg_temp.t (a int)", [.pin(.temporaryObject)]),
        SessionEffectCase("CREATE VIEW v AS SELECT * FROM pg_temp_3.t", [.pin(.temporaryObject)]),
        SessionEffectCase("SELECT * INTO TEMP t FROM x", [.pin(.temporaryObject)]),
        SessionEffectCase("SELECT 1 AS a INTO TEMPORARY TABLE t", [.pin(.temporaryObject)]),
        SessionEffectCase("WITH a AS (SELECT 1) SELECT * INTO LOCAL TEMP t FROM a", [.pin(.temporaryObject)]),
        SessionEffectCase("SELECT 1 INTO pg_temp.t", [.pin(.temporaryObject)]),
        SessionEffectCase("SELECT pg_advisory_lock(42)", [.pin(.advisoryLock)]),
        SessionEffectCase("select PG_ADVISORY_LOCK_SHARED(1)", [.pin(.advisoryLock)]),
        SessionEffectCase("SELECT pg_catalog.pg_try_advisory_lock_shared(1, 2)", [.pin(.advisoryLock)]),
        SessionEffectCase("SELECT * FROM jobs WHERE pg_try_advisory_lock(id) LIMIT 1", [.pin(.advisoryLock)]),
        SessionEffectCase("CALL p(pg_advisory_lock(1))", [.pin(.advisoryLock)]),
        SessionEffectCase("SELECT \"pg_advisory_lock\" (1)", [.pin(.advisoryLock)]),
        SessionEffectCase("SELECT pg_advisory_lock/* c */(1)", [.pin(.advisoryLock)]),
        SessionEffectCase("SELECT set_config('x', 'y', false)", [.pin(.untrackedSetting)]),
        SessionEffectCase("SELECT pg_catalog.set_config('x', 'y', $1)", [.pin(.untrackedSetting)]),
        SessionEffectCase("SELECT set_config('x', 'y')", [.pin(.untrackedSetting)]),
        SessionEffectCase("SELECT set_config('a', set_config('b', 'c', true), false)", [.pin(.untrackedSetting)]),
        SessionEffectCase("DECLARE c CURSOR WITH HOLD FOR SELECT 1", [.pin(.holdCursor)]),
        SessionEffectCase("DECLARE c NO SCROLL CURSOR WITH HOLD FOR SELECT 1", [.pin(.holdCursor)]),
        SessionEffectCase("PREPARE q (int) AS SELECT $1", [.pin(.sqlPreparedStatement)]),
        SessionEffectCase("prepare q as select 1", [.pin(.sqlPreparedStatement)]),
        SessionEffectCase("LOAD 'auto_explain'", [.pin(.untrackedSetting)]),
        SessionEffectCase("DO $$BEGIN PERFORM pg_advisory_lock(1); END$$", [.pin(.untrackedSetting)]),
        SessionEffectCase("DO LANGUAGE plpgsql 'BEGIN SET search_path = x; END'", [.pin(.untrackedSetting)]),
        SessionEffectCase("EXPLAIN ANALYZE SELECT pg_advisory_lock(1)", [.pin(.advisoryLock)]),
        SessionEffectCase("EXPLAIN (ANALYZE, BUFFERS) CREATE TEMP TABLE t AS SELECT 1", [.pin(.temporaryObject)]),
        SessionEffectCase("EXPLAIN (ANALYZE) SELECT * INTO TEMP t FROM x", [.pin(.temporaryObject)]),
        SessionEffectCase("SELECT pg_advisory_lock(1), pg_advisory_lock(2), set_config('a', 'b', false)",
                          [.pin(.advisoryLock), .pin(.untrackedSetting)]),
        SessionEffectCase("CREATE TEMP TABLE t AS SELECT pg_advisory_lock(1)",
                          [.pin(.temporaryObject), .pin(.advisoryLock)]),
    ]

    @Test(arguments: pins) func pinningStatements(_ testCase: SessionEffectCase) {
        Self.check(testCase)
    }

    static let quotingAndMultiStatement: [SessionEffectCase] = [
        SessionEffectCase("SELECT 'SET x = 1'", []),
        SessionEffectCase("SELECT \"set\" FROM t", []),
        SessionEffectCase("SELECT 1 -- ; SET x.y = 1", []),
        SessionEffectCase("/* SET x.y = 1; */ SELECT 1", []),
        SessionEffectCase("/* a /* nested */ SET x.y = 1; */ SELECT 1", []),
        SessionEffectCase("SELECT $tag$ ; SET x.y = 1; $tag$", []),
        SessionEffectCase("SELECT E'\\'; SET x.y = 1; --'", []),
        SessionEffectCase("SELECT 'pg_advisory_lock(1)', \"LISTEN\"", []),
        SessionEffectCase("SELECT 'it''s'; SET x.y = 1", [set("x.y", "SET x.y = 1")]),
        SessionEffectCase("SET x.y = 1; SELECT 'oops", []),
        SessionEffectCase("SET x.y = 1 /* never closed", []),
        SessionEffectCase("SELECT (1; SET x.y = 1", []),
        SessionEffectCase("/* leading */ SET /* mid */ x.y = 1 /* trailing */;",
                          [set("x.y", "SET /* mid */ x.y = 1")]),
        SessionEffectCase("-- note\nSET x.y = 1 -- trailing\n", [set("x.y", "SET x.y = 1")]),
        SessionEffectCase("sEt SeSsIoN AuThOrIzAtIoN 'Bob'",
                          [set("session_authorization", "sEt SeSsIoN AuThOrIzAtIoN 'Bob'")]),
        SessionEffectCase("LiStEn Foo; UnLiStEn *", [.listen(channel: "foo"), .unlistenAll]),
        SessionEffectCase("BEGIN; SET LOCAL a.b = 1; SET b.c = 2; LISTEN c; COMMIT;",
                          [set("b.c", "SET b.c = 2"), .listen(channel: "c")]),
        SessionEffectCase("SET a.b = 1;RESET a.b;DISCARD ALL",
                          [set("a.b", "SET a.b = 1"), .reset(name: "a.b"), .discardAll]),
        SessionEffectCase("SELECT 1;;SET a.b TO 1;", [set("a.b", "SET a.b TO 1")]),
        SessionEffectCase("SET application_name = 'x;y'; SELECT 1",
                          [set("application_name", "SET application_name = 'x;y'")]),
        SessionEffectCase("CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b); LISTEN a",
                          [.listen(channel: "a")]),
        SessionEffectCase("SELECT pg_advisory_lock(1); SELECT pg_advisory_lock(2)",
                          [.pin(.advisoryLock), .pin(.advisoryLock)]),
        SessionEffectCase("SET search_path TO \"$user\", public; PREPARE p AS SELECT 1; DEALLOCATE p",
                          [set("search_path", "SET search_path TO \"$user\", public"), .pin(.sqlPreparedStatement),
                           .deallocate(name: "p")]),
    ]

    @Test(arguments: quotingAndMultiStatement)
    func quotingCommentsAndMultipleStatements(_ testCase: SessionEffectCase) {
        Self.check(testCase)
    }
}
