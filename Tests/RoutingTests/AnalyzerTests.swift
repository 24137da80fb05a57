import Testing
@testable import Routing

/// Tables, aliases, schemas, functions and key candidates found by `StatementAnalyzer`.
@Suite struct AnalyzerTests {
    static func tables(_ sql: String) -> [String] {
        StatementAnalyzer().analyze(sql).tables.map { table in
            [table.schema, table.name, table.alias].map { $0 ?? "-" }.joined(separator: ".")
                + (table.usage == .modified ? "!" : "")
        }
    }

    @Test(arguments: [
        ("SELECT * FROM a", ["-.a.-"]),
        ("SELECT * FROM app.a x JOIN b AS y ON x.id = y.id LEFT JOIN c USING (id)", ["app.a.x", "-.b.y", "-.c.-"]),
        ("SELECT * FROM a, b bb, \"Mixed Case\" m", ["-.a.-", "-.b.bb", "-.Mixed Case.m"]),
        ("SELECT * FROM \"Sch\".\"T\"\"q\"", ["Sch.T\"q.-"]),
        ("SELECT * FROM ONLY a", ["-.a.-"]),
        ("SELECT * FROM generate_series(1, 3) g", []),
        ("SELECT * FROM (SELECT * FROM a) s, lateral (select 1 from b) l", ["-.a.-", "-.b.-"]),
        ("SELECT extract(year FROM ts), substring(x FROM 2) FROM a", ["-.a.-"]),
        ("SELECT * FROM a WHERE x IS DISTINCT FROM y", ["-.a.-"]),
        ("INSERT INTO a (x) SELECT x FROM b", ["-.a.-!", "-.b.-"]),
        ("UPDATE a SET x = 1 FROM b WHERE a.id = b.id", ["-.a.-!", "-.b.-"]),
        ("DELETE FROM a USING b WHERE a.id = b.id", ["-.a.-!", "-.b.-"]),
        ("MERGE INTO a t USING b s ON t.id = s.id WHEN MATCHED THEN DELETE", ["-.a.t!", "-.b.s"]),
        ("WITH x AS (SELECT * FROM a), y AS MATERIALIZED (SELECT * FROM x) SELECT * FROM y JOIN b ON true", ["-.a.-", "-.b.-"]),
        ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r", []),
        ("TABLE a", ["-.a.-"]),
        ("SELECT 1 UNION TABLE a", ["-.a.-"]),
        ("COPY a (x, y) FROM STDIN", ["-.a.-!"]),
        ("COPY a TO STDOUT", ["-.a.-"]),
        ("COPY (SELECT * FROM a) TO STDOUT", ["-.a.-"]),
        ("TRUNCATE TABLE a, b", ["-.a.-!", "-.b.-!"]),
        ("LOCK TABLE a IN ACCESS EXCLUSIVE MODE", ["-.a.-!"]),
        ("SELECT * FROM a FOR UPDATE OF a", ["-.a.-"]),
        ("EXPLAIN (COSTS OFF) UPDATE a SET x = 1", ["-.a.-!"]),
        ("SELECT * FROM a; SELECT * FROM b", ["-.a.-", "-.b.-"]),
    ])
    func tableReferences(sql: String, expected: [String]) {
        #expect(Self.tables(sql) == expected)
    }

    @Test func functionCalls() {
        let statement = StatementAnalyzer().analyze("SELECT lower(x), pg_catalog.NOW(), \"MyFunc\"(1), coalesce(a, b) FROM t WHERE x IN (1)")
        #expect(statement.functionCalls == ["lower", "now", "MyFunc", "coalesce"])
    }

    @Test func keyValuesForTableReferences() {
        let statement = StatementAnalyzer().analyze(
            "SELECT * FROM a x JOIN b y ON y.k = x.k WHERE x.k IN ($1, 'v', -3) AND y.other = 5 AND k2 = 9"
        )
        #expect(statement.keyValues(forTableAt: 0, keyColumn: "k") == [.parameter(1), .literal("v"), .literal("-3")])
        #expect(statement.keyValues(forTableAt: 1, keyColumn: "k") == nil)
        #expect(statement.keyValues(forTableAt: 1, keyColumn: "other") == [.literal("5")])
        #expect(statement.keyValues(forTableAt: 0, keyColumn: "k2") == [.literal("9")])
        #expect(statement.keyValues(forTableAt: 1, keyColumn: "k2") == [.literal("9")])
        #expect(statement.keyValues(forTableAt: 7, keyColumn: "k") == nil)
        #expect(statement.tableLinks().count == 1)
    }

    @Test func insertKeyValues() {
        let statement = StatementAnalyzer().analyze(
            "INSERT INTO t (a, k, \"B\") VALUES (1, $2::int8, 'x'), (2, (7), E'y'), (3, 7, now()) ON CONFLICT (a) DO NOTHING"
        )
        #expect(statement.keyValues(forTableAt: 0, keyColumn: "k") == [.parameter(2), .literal("7")])
        #expect(statement.keyValues(forTableAt: 0, keyColumn: "B") == nil)
        #expect(statement.keyValues(forTableAt: 0, keyColumn: "a") == [.literal("1"), .literal("2"), .literal("3")])
        #expect(statement.functionCalls.contains("now"))
    }

    @Test func unterminatedInputIsFlagged() {
        #expect(StatementAnalyzer().analyze("SELECT 'abc").hasUnterminatedToken)
        #expect(!StatementAnalyzer().analyze("SELECT 'abc'").hasUnterminatedToken)
    }
}

/// The per-table key values the router sees, with join links applied.
@Suite struct TableKeyValuesTests {
    @Test func keyValuesPerShardedTable() {
        let router = Router(configuration: Fixture.configuration())
        let statement = StatementAnalyzer().analyze(
            "SELECT * FROM orders o JOIN order_items i ON i.user_id = o.user_id JOIN countries c ON true "
                + "JOIN users u ON u.id = o.id WHERE o.user_id = $1"
        )
        let found = router.keyValues(of: statement)
        #expect(found.map(\.table.name) == ["orders", "order_items", "users"])
        #expect(found.map(\.values) == [[.parameter(1)], [.parameter(1)], nil])
        #expect(found.map(\.sharding.keyColumn) == ["user_id", "user_id", "user_id"])
    }
}
