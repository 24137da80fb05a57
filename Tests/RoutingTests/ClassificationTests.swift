import Testing
@testable import Routing

/// Read/write classification and command kinds.
@Suite struct ClassificationTests {
    static let volatile = RoutingConfiguration(defaultShard: "alpha", volatileFunctions: ["my_counter"]).volatileFunctions

    static func isRead(_ sql: String) -> Bool {
        StatementAnalyzer().analyze(sql).isRead(volatileFunctions: volatile)
    }

    @Test(arguments: [
        "SELECT 1",
        "select * from t where a = 1",
        "(SELECT 1) UNION (SELECT 2)",
        "VALUES (1), (2)",
        "TABLE t",
        "SHOW search_path",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "EXPLAIN SELECT * FROM t",
        "EXPLAIN ANALYZE SELECT * FROM t",
        "SELECT 'nextval(' FROM t",
        "SELECT $$ pg_advisory_lock(1) $$",
        "SELECT * FROM t -- FOR UPDATE",
        "SELECT 1; SELECT 2",
        "SELECT lower(name) FROM t",
    ])
    func reads(sql: String) {
        #expect(Self.isRead(sql))
    }

    @Test(arguments: [
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET a = 1",
        "DELETE FROM t",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
        "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
        "SELECT * FROM t FOR UPDATE",
        "SELECT * FROM t FOR NO KEY UPDATE",
        "SELECT * FROM t FOR SHARE",
        "SELECT * FROM t FOR KEY SHARE SKIP LOCKED",
        "SELECT * INTO new_t FROM t",
        "SELECT nextval('seq')",
        "SELECT NEXTVAL('seq')",
        "SELECT pg_catalog.setval('seq', 1)",
        "SELECT pg_advisory_lock(1)",
        "SELECT my_counter()",
        "SELECT 1; DELETE FROM t",
        "EXPLAIN ANALYZE DELETE FROM t",
        "SET x = 1",
        "BEGIN",
        "CREATE TABLE t (a int)",
        "VACUUM",
        "COPY t FROM STDIN",
        "LISTEN ch",
        "NOTIFY ch",
        "",
    ])
    func writes(sql: String) {
        #expect(!Self.isRead(sql))
    }

    @Test(arguments: [
        ("SELECT 1", CommandKind.select),
        ("(select 1)", .select),
        ("insert into t values (1)", .insert),
        ("UPDATE t SET a = 1", .update),
        ("DELETE FROM t", .delete),
        ("MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE", .merge),
        ("WITH x AS (SELECT 1) SELECT * FROM x", .with(containsDataModification: false)),
        ("WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x", .with(containsDataModification: true)),
        ("VALUES (1)", .values),
        ("TABLE t", .table),
        ("SHOW ALL", .show),
        ("SET search_path = x", .set(isLocal: false)),
        ("SET SESSION search_path = x", .set(isLocal: false)),
        ("SET LOCAL search_path = x", .set(isLocal: true)),
        ("RESET ALL", .reset),
        ("BEGIN", .begin(isReadOnly: false)),
        ("BEGIN TRANSACTION READ ONLY", .begin(isReadOnly: true)),
        ("START TRANSACTION", .begin(isReadOnly: false)),
        ("COMMIT", .commit),
        ("END", .commit),
        ("ROLLBACK", .rollback),
        ("ABORT", .rollback),
        ("ROLLBACK TO SAVEPOINT a", .savepoint),
        ("SAVEPOINT a", .savepoint),
        ("RELEASE SAVEPOINT a", .savepoint),
        ("COMMIT PREPARED 'x'", .utility(keyword: "commit")),
        ("PREPARE q AS SELECT 1", .prepare),
        ("PREPARE TRANSACTION 'x'", .utility(keyword: "prepare")),
        ("EXECUTE q", .execute),
        ("DEALLOCATE q", .deallocate),
        ("COPY t TO STDOUT", .copy),
        ("LISTEN c", .listen),
        ("UNLISTEN *", .unlisten),
        ("NOTIFY c, 'x'", .notify),
        ("DISCARD ALL", .discard),
        ("EXPLAIN SELECT 1", .explain(isAnalyze: false)),
        ("EXPLAIN (ANALYZE, BUFFERS) SELECT 1", .explain(isAnalyze: true)),
        ("CREATE TABLE t (a int)", .utility(keyword: "create")),
        ("  -- only a comment", .empty),
        (";;", .empty),
    ])
    func commandKinds(sql: String, kind: CommandKind) {
        #expect(StatementAnalyzer().analyze(sql).kind == kind)
    }

    @Test func statementCount() {
        #expect(StatementAnalyzer().analyze("SELECT 1; SELECT ';'; ; SELECT $$;$$;").statementCount == 3)
        #expect(StatementAnalyzer().analyze("").statementCount == 0)
    }

    @Test func routingRoleFollowsClassification() {
        #expect(Fixture.route("SELECT nextval('s')") == .shard("alpha", role: .primary, reason: .noTable))
        #expect(Fixture.route("SELECT 1") == .shard("alpha", role: .replica, reason: .noTable))
    }
}
