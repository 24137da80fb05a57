import HashRing
import Testing
@testable import Routing

/// SELECT statements: keys in WHERE, IN lists, casts, joins, subqueries.
@Suite struct SelectRoutingTests {
    @Test(arguments: [
        "SELECT * FROM orders WHERE user_id = 42",
        "select * from ORDERS where USER_ID = 42",
        "SELECT * FROM orders WHERE 42 = user_id",
        "SELECT * FROM orders o WHERE o.user_id = 42",
        "SELECT * FROM public.orders WHERE public.orders.user_id = 42",
        "SELECT * FROM orders AS o WHERE o.user_id = '42'",
        "SELECT * FROM orders WHERE user_id = '42'::bigint",
        "SELECT * FROM orders WHERE user_id = 42::int8 AND status = 'open'",
        "SELECT * FROM orders WHERE user_id = CAST('42' AS bigint)",
        "SELECT * FROM orders WHERE user_id = (42)",
        "SELECT * FROM orders WHERE user_id = int8 '42'",
        "SELECT * FROM orders WHERE status = 'x' AND user_id = 42 AND total BETWEEN 1 AND 5",
        "SELECT * FROM orders WHERE user_id IN (42)",
        "SELECT * FROM orders WHERE user_id = 42 ORDER BY id LIMIT 10",
        "SELECT count(*) FROM orders WHERE user_id = 42 GROUP BY status",
        "SELECT * FROM orders WHERE user_id=42",
        "  /* leading */ SELECT * FROM orders -- trailing\n WHERE user_id = 42",
    ])
    func keyInWhereRoutesToItsShardOnAReplica(sql: String) {
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func negativeKey() {
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = -7") == .shard(Fixture.shard(-7), role: .replica, reason: .key))
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id=-7") == .shard(Fixture.shard(-7), role: .replica, reason: .key))
    }

    @Test func textAndUUIDKeys() {
        let token = "it's a token"
        #expect(Fixture.route("SELECT * FROM sessions WHERE token = 'it''s a token'")
            == .shard(Fixture.shard(.text(token)), role: .replica, reason: .key))
        #expect(Fixture.route("SELECT * FROM sessions WHERE token = E'it\\'s a token'")
            == .shard(Fixture.shard(.text(token)), role: .replica, reason: .key))
        #expect(Fixture.route("SELECT * FROM sessions WHERE token = $q$it's a token$q$")
            == .shard(Fixture.shard(.text(token)), role: .replica, reason: .key))
        let uuidText = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
        let uuid = PostgresUUID(uuidText)
        #expect(uuid != nil)
        if let uuid {
            #expect(Fixture.route("SELECT * FROM devices WHERE device_id = '\(uuidText)'::uuid")
                == .shard(Fixture.shard(.uuid(uuid)), role: .replica, reason: .key))
        }
    }

    @Test func inListOnOneShardIsRoutedAndAcrossShardsIsRejected() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        var same: Int64 = 43
        while Fixture.shard(same) != Fixture.shard(42) { same += 1 }
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id IN (42, \(same))")
            == .shard(Fixture.shard(42), role: .replica, reason: .key))
        let decision = Fixture.route("SELECT * FROM orders WHERE user_id IN (42, \(other))")
        let error = Fixture.rejection(decision)
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("orders") == true)
        #expect(error?.message.contains(Fixture.shard(42)) == true)
        #expect(error?.message.contains(Fixture.shard(other)) == true)
    }

    @Test func crossShardReadUnderAllShardsPolicyGoesEverywhere() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        let decision = Fixture.route(
            "SELECT * FROM orders WHERE user_id IN (42, \(other))",
            configuration: Fixture.configuration(noKeyPolicy: .allShards)
        )
        #expect(decision == .allShards(role: .replica, reason: .multipleShards))
    }

    @Test(arguments: [
        "SELECT * FROM orders WHERE user_id = 42 OR user_id = 43",
        "SELECT * FROM orders WHERE status = 'open' OR user_id = 42",
        "SELECT * FROM orders WHERE user_id > 42",
        "SELECT * FROM orders WHERE user_id + 0 = 42",
        "SELECT * FROM orders WHERE NOT user_id = 42",
        "SELECT * FROM orders WHERE user_id = ANY('{42}')",
        "SELECT * FROM orders WHERE other_id = 42",
        "SELECT * FROM orders",
    ])
    func noUsableKeyIsRejectedNamingTableAndColumn(sql: String) {
        let error = Fixture.rejection(Fixture.route(sql))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("\"orders\"") == true)
        #expect(error?.message.contains("\"user_id\"") == true)
        #expect(error?.hint?.contains("pgring:shard_key") == true)
        #expect(error?.hint?.contains("SET pgring.shard_key") == true)
    }

    @Test(arguments: [
        "SELECT * FROM orders WHERE (user_id = 42)",
        "SELECT * FROM orders WHERE ((status = 'a' AND (user_id = 42)))",
        "SELECT * FROM orders WHERE (status = 'a' AND user_id = 42) AND total > 0",
    ])
    func keyInsideAndOnlyParenthesesCounts(sql: String) {
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func unionBranchesNeedTheirOwnKeys() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        let split = "SELECT id FROM orders WHERE user_id = 42 UNION ALL SELECT id FROM orders WHERE user_id = \(other)"
        #expect(Fixture.rejection(Fixture.route(split))?.sqlState == "0A000")
        let oneSided = "SELECT id FROM orders WHERE user_id = 42 UNION SELECT id FROM orders"
        #expect(Fixture.rejection(Fixture.route(oneSided))?.message.contains("user_id") == true)
        let same = "SELECT id FROM orders WHERE user_id = 42 EXCEPT SELECT id FROM orders WHERE user_id = 42"
        #expect(Fixture.route(same) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func outerJoinConditionsGiveNoKey() {
        // The ON clause of a LEFT JOIN does not filter the preserved side: users must carry its own key.
        let left = "SELECT * FROM users u LEFT JOIN orders o ON o.user_id = u.user_id AND o.user_id = 42"
        #expect(Fixture.rejection(Fixture.route(left))?.message.contains("\"users\"") == true)
        let leftWhere = "SELECT * FROM users u LEFT OUTER JOIN orders o ON o.user_id = u.user_id WHERE u.user_id = 42"
        #expect(Fixture.rejection(Fixture.route(leftWhere))?.message.contains("\"orders\"") == true)
        let inner = "SELECT * FROM users u INNER JOIN orders o ON o.user_id = u.user_id WHERE u.user_id = 42"
        #expect(Fixture.route(inner) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func correlatedSubqueryLinksToTheOuterKey() {
        let sql = """
            SELECT * FROM orders o WHERE o.user_id = 42
            AND EXISTS (SELECT 1 FROM order_items i WHERE i.user_id = o.user_id AND i.qty > 1)
            """
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func keyInParenthesisedOrGroupDoesNotCountButTopLevelConjunctDoes() {
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = 42 AND (status = 'a' OR status = 'b')")
            == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func joinOnShardingKeysCarriesTheKey() {
        let sql = """
            SELECT * FROM orders o JOIN order_items i ON i.user_id = o.user_id AND i.order_id = o.id
            WHERE o.user_id = 42
            """
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .replica, reason: .key))
        let commaJoin = "SELECT * FROM orders o, order_items i WHERE o.user_id = i.user_id AND i.user_id = 42"
        #expect(Fixture.route(commaJoin) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func joinNotOnTheKeyNeedsAKeyForEachTable() {
        let sql = "SELECT * FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.user_id = 42"
        let error = Fixture.rejection(Fixture.route(sql))
        #expect(error?.message.contains("order_items") == true)
    }

    @Test func joinWithGlobalTableFollowsTheKey() {
        let sql = "SELECT * FROM orders o JOIN countries c ON c.code = o.country WHERE o.user_id = 42"
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func subqueryKeysBelongToTheirOwnScope() {
        let inner = "SELECT * FROM (SELECT * FROM orders WHERE user_id = 42) AS recent"
        #expect(Fixture.route(inner) == .shard(Fixture.shard(42), role: .replica, reason: .key))
        let outerOnly = "SELECT * FROM orders WHERE user_id = 42 AND id IN (SELECT order_id FROM order_items)"
        #expect(Fixture.rejection(Fixture.route(outerOnly))?.message.contains("order_items") == true)
        let both = "SELECT * FROM orders WHERE user_id = 42 AND id IN (SELECT order_id FROM order_items WHERE user_id = 42)"
        #expect(Fixture.route(both) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func cteNamesAreNotTables() {
        let sql = "WITH mine AS (SELECT * FROM orders WHERE user_id = 42) SELECT * FROM mine WHERE total > 3"
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func statementsWithoutTablesGoToTheDefaultShard() {
        #expect(Fixture.route("SELECT 1") == .shard("alpha", role: .replica, reason: .noTable))
        #expect(Fixture.route("SELECT now(), extract(year FROM now())") == .shard("alpha", role: .replica, reason: .noTable))
        #expect(Fixture.route("SELECT * FROM unknown_table") == .shard("alpha", role: .replica, reason: .noTable))
        #expect(Fixture.route("SHOW server_version") == .shard("alpha", role: .replica, reason: .noTable))
    }

    @Test func globalTableReadsGoToTheDefaultShard() {
        #expect(Fixture.route("SELECT * FROM countries") == .shard("alpha", role: .replica, reason: .globalTable))
        #expect(Fixture.route("TABLE currencies") == .shard("alpha", role: .replica, reason: .globalTable))
    }

    @Test func lockingReadGoesToThePrimary() {
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = 42 FOR UPDATE")
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func invalidLiteralForIntKeyIsRejected() {
        let error = Fixture.rejection(Fixture.route("SELECT * FROM orders WHERE user_id = 'abc'"))
        #expect(error?.sqlState == "22P02")
        #expect(error?.message.contains("user_id") == true)
    }

    @Test func multipleStatementsMustAgree() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        #expect(Fixture.route("SELECT 1 FROM orders WHERE user_id = 42; SELECT 2 FROM orders WHERE user_id = 42")
            == .shard(Fixture.shard(42), role: .replica, reason: .key))
        #expect(Fixture.rejection(Fixture.route(
            "SELECT 1 FROM orders WHERE user_id = 42; SELECT 2 FROM orders WHERE user_id = \(other)"
        ))?.sqlState == "0A000")
    }
}
