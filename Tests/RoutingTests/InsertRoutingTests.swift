import HashRing
import Testing
@testable import Routing

/// INSERT statements: key column position, multi-row VALUES, ON CONFLICT, RETURNING, casts.
@Suite struct InsertRoutingTests {
    @Test(arguments: [
        "INSERT INTO orders (user_id, total) VALUES (42, 10)",
        "INSERT INTO orders (id, user_id, total) VALUES (1, 42, 10)",
        "insert into ORDERS (ID, User_Id) values (1, '42')",
        "INSERT INTO public.orders (id, user_id) VALUES (nextval('s'), 42::bigint)",
        "INSERT INTO orders (id, user_id) VALUES (1, 42) RETURNING id",
        "INSERT INTO orders AS o (id, user_id) VALUES (1, 42) ON CONFLICT (id) DO UPDATE SET total = o.total + 1 WHERE o.user_id = 99",
        "INSERT INTO orders (id, user_id) VALUES (1, 42) ON CONFLICT DO NOTHING",
        "INSERT INTO orders (id, user_id, note) VALUES (1, 42, 'a, b); (c')",
        "INSERT INTO orders (id, user_id, data) VALUES (1, 42, ARRAY[1, 2, 3])",
        "INSERT INTO orders (id, user_id) OVERRIDING SYSTEM VALUE VALUES (1, 42)",
    ])
    func keyInValuesRoutesToThePrimaryOfItsShard(sql: String) {
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func multiRowInsertOnOneShard() {
        var same: Int64 = 43
        while Fixture.shard(same) != Fixture.shard(42) { same += 1 }
        #expect(Fixture.route("INSERT INTO orders (id, user_id) VALUES (1, 42), (2, \(same)), (3, 42)")
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func multiRowInsertAcrossShardsIsRejected() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        let error = Fixture.rejection(Fixture.route("INSERT INTO orders (id, user_id) VALUES (1, 42), (2, \(other))"))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("orders") == true)
        #expect(error?.message.contains(Fixture.shard(other)) == true)
    }

    @Test func crossShardInsertStaysRejectedUnderAllShardsPolicy() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        let decision = Fixture.route(
            "INSERT INTO orders (id, user_id) VALUES (1, 42), (2, \(other))",
            configuration: Fixture.configuration(noKeyPolicy: .allShards)
        )
        #expect(Fixture.rejection(decision)?.sqlState == "0A000")
    }

    @Test(arguments: [
        "INSERT INTO orders VALUES (1, 42)",
        "INSERT INTO orders (id, total) VALUES (1, 42)",
        "INSERT INTO orders (id, user_id) VALUES (1, DEFAULT)",
        "INSERT INTO orders (id, user_id) VALUES (1, 40 + 2)",
        "INSERT INTO orders (id, user_id) VALUES (1, 42), (2, f())",
        "INSERT INTO orders (id, user_id) SELECT id, user_id FROM staging",
        "INSERT INTO orders DEFAULT VALUES",
    ])
    func insertWithoutAUsableKeyIsRejected(sql: String) {
        let error = Fixture.rejection(Fixture.route(sql))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("\"user_id\"") == true)
    }

    @Test func insertWithParameters() {
        let decision = Fixture.route(
            "INSERT INTO orders (id, user_id) VALUES ($1, $2::int8)",
            parameters: [.text("1"), .text("42")]
        )
        #expect(decision == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func textKeyInsert() {
        #expect(Fixture.route("INSERT INTO sessions (token, data) VALUES ('abc', '{}')")
            == .shard(Fixture.shard(.text("abc")), role: .primary, reason: .key))
    }

    @Test func insertIntoAnUnknownTableGoesToTheDefaultShardPrimary() {
        #expect(Fixture.route("INSERT INTO audit_log (msg) VALUES ('x')") == .shard("alpha", role: .primary, reason: .noTable))
    }

    @Test func insertIntoAGlobalTableFollowsTheGlobalWritePolicy() {
        let rejected = Fixture.rejection(Fixture.route("INSERT INTO countries (code) VALUES ('FR')"))
        #expect(rejected?.sqlState == "0A000")
        #expect(rejected?.message.contains("countries") == true)
        let everywhere = Fixture.route(
            "INSERT INTO countries (code) VALUES ('FR')",
            configuration: Fixture.configuration(globalWrites: .allShards)
        )
        #expect(everywhere == .allShards(role: .primary, reason: .globalWrite))
    }
}
