import Testing
@testable import Routing

/// What happens to a statement on a sharded table without a key, under each policy.
@Suite struct NoKeyPolicyTests {
    static let read = "SELECT * FROM orders WHERE status = 'open'"
    static let write = "UPDATE orders SET status = 'closed' WHERE status = 'open'"

    @Test func rejectPolicy() {
        let configuration = Fixture.configuration(noKeyPolicy: .reject)
        for sql in [Self.read, Self.write] {
            let error = Fixture.rejection(Fixture.route(sql, configuration: configuration))
            #expect(error?.sqlState == "0A000")
            #expect(error?.message == "statement on sharded table \"orders\" has no value for its sharding key \"user_id\"")
            #expect(error?.hint == "Add WHERE user_id = ..., a /* pgring:shard_key=... */ comment, or SET pgring.shard_key.")
        }
    }

    @Test func defaultShardPolicy() {
        let configuration = Fixture.configuration(noKeyPolicy: .defaultShard)
        #expect(Fixture.route(Self.read, configuration: configuration) == .shard("alpha", role: .replica, reason: .noKeyPolicy))
        #expect(Fixture.route(Self.write, configuration: configuration) == .shard("alpha", role: .primary, reason: .noKeyPolicy))
    }

    @Test func allShardsPolicyIsForReadsOnly() {
        let configuration = Fixture.configuration(noKeyPolicy: .allShards)
        #expect(Fixture.route(Self.read, configuration: configuration) == .allShards(role: .replica, reason: .noKeyPolicy))
        #expect(Fixture.rejection(Fixture.route(Self.write, configuration: configuration))?.sqlState == "0A000")
        #expect(Fixture.rejection(Fixture.route("SELECT * FROM orders FOR UPDATE", configuration: configuration)) != nil)
        #expect(Fixture.rejection(Fixture.route("SELECT nextval('s') FROM orders", configuration: configuration)) != nil)
    }

    @Test func policyAppliesWhenOneOfSeveralTablesLacksAKey() {
        let configuration = Fixture.configuration(noKeyPolicy: .defaultShard)
        let sql = "SELECT * FROM orders o, users u WHERE o.user_id = 42 AND u.name = 'x'"
        #expect(Fixture.route(sql, configuration: configuration) == .shard("alpha", role: .replica, reason: .noKeyPolicy))
        #expect(Fixture.rejection(Fixture.route(sql))?.message.contains("\"users\"") == true)
    }

    @Test func policyDoesNotApplyToStatementsWithoutShardedTables() {
        for policy in NoKeyPolicy.allCases {
            #expect(Fixture.route("SELECT * FROM countries", configuration: Fixture.configuration(noKeyPolicy: policy))
                == .shard("alpha", role: .replica, reason: .globalTable))
        }
    }
}
