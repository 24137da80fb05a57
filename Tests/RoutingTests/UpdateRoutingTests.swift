import Testing
@testable import Routing

/// UPDATE statements.
@Suite struct UpdateRoutingTests {
    @Test(arguments: [
        "UPDATE orders SET total = 1 WHERE user_id = 42",
        "UPDATE orders SET total = 1 WHERE id = 7 AND user_id = 42",
        "UPDATE ONLY orders o SET total = o.total + 1 WHERE o.user_id = 42 RETURNING *",
        "UPDATE orders AS o SET total = 1 FROM countries c WHERE c.code = o.country AND o.user_id = 42",
        "UPDATE orders SET note = 'WHERE user_id = 7' WHERE user_id = 42",
        "WITH moved AS (UPDATE orders SET total = 0 WHERE user_id = 42 RETURNING id) SELECT * FROM moved",
    ])
    func keyedUpdateGoesToThePrimaryOfItsShard(sql: String) {
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func updateWithoutKeyIsRejectedEvenUnderAllShardsPolicy() {
        let sql = "UPDATE orders SET total = 0 WHERE status = 'x'"
        #expect(Fixture.rejection(Fixture.route(sql))?.sqlState == "0A000")
        let allShards = Fixture.route(sql, configuration: Fixture.configuration(noKeyPolicy: .allShards))
        #expect(Fixture.rejection(allShards)?.message.contains("user_id") == true)
    }

    @Test func updateWithoutKeyUnderDefaultShardPolicy() {
        let decision = Fixture.route(
            "UPDATE orders SET total = 0",
            configuration: Fixture.configuration(noKeyPolicy: .defaultShard)
        )
        #expect(decision == .shard("alpha", role: .primary, reason: .noKeyPolicy))
    }

    @Test func updateWithOrIsNotKeyed() {
        #expect(Fixture.rejection(Fixture.route("UPDATE orders SET total = 0 WHERE user_id = 42 OR id = 1")) != nil)
    }

    @Test func updateOfAGlobalTable() {
        #expect(Fixture.rejection(Fixture.route("UPDATE currencies SET rate = 2 WHERE code = 'EUR'"))?.sqlState == "0A000")
        #expect(Fixture.route(
            "UPDATE currencies SET rate = 2 WHERE code = 'EUR'",
            configuration: Fixture.configuration(globalWrites: .allShards)
        ) == .allShards(role: .primary, reason: .globalWrite))
    }

    @Test(arguments: [
        "UPDATE orders SET user_id = 7 WHERE user_id = 42",
        "UPDATE orders o SET total = 1, user_id = 7 WHERE o.user_id = 42",
        "UPDATE orders SET (total, user_id) = (1, 7) WHERE user_id = 42",
        "INSERT INTO orders (id, user_id) VALUES (1, 42) ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id",
    ])
    func changingTheShardingKeyIsRejected(sql: String) {
        let error = Fixture.rejection(Fixture.route(sql))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("\"user_id\"") == true)
        #expect(error?.message.contains("\"orders\"") == true)
    }

    @Test func assigningOtherColumnsIsFine() {
        #expect(Fixture.route("UPDATE orders SET total = user_id + 1, note = 'user_id' WHERE user_id = 42")
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
        #expect(Fixture.route("INSERT INTO orders (id, user_id) VALUES (1, 42) ON CONFLICT (id) DO UPDATE SET total = 0 WHERE orders.user_id = 42")
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func updateWithBindParameter() {
        let decision = Fixture.route(
            "UPDATE orders SET total = $1 WHERE user_id = $2",
            parameters: [.text("5"), .text("42")]
        )
        #expect(decision == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }
}
