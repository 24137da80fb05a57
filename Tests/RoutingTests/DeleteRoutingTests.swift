import Testing
@testable import Routing

/// DELETE statements.
@Suite struct DeleteRoutingTests {
    @Test(arguments: [
        "DELETE FROM orders WHERE user_id = 42",
        "delete from orders where id = 1 and user_id = 42 returning id",
        "DELETE FROM orders o WHERE o.user_id IN (42)",
        "DELETE FROM orders o USING order_items i WHERE i.user_id = o.user_id AND o.user_id = 42",
        "DELETE FROM ONLY public.orders WHERE user_id = '42'",
    ])
    func keyedDeleteGoesToThePrimaryOfItsShard(sql: String) {
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func deleteWithoutKeyIsRejected() {
        let error = Fixture.rejection(Fixture.route("DELETE FROM orders WHERE created < now()"))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("orders") == true)
    }

    @Test func deleteAcrossShardsIsRejected() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        let error = Fixture.rejection(Fixture.route("DELETE FROM orders WHERE user_id IN (42, \(other))"))
        #expect(error?.message.contains(Fixture.shard(42)) == true)
        #expect(error?.message.contains(Fixture.shard(other)) == true)
    }

    @Test func deleteIsAWriteEvenWhenTheTableIsUnknown() {
        #expect(Fixture.route("DELETE FROM scratch") == .shard("alpha", role: .primary, reason: .noTable))
    }

    @Test func truncateOfAShardedTableNeedsAKey() {
        #expect(Fixture.rejection(Fixture.route("TRUNCATE orders"))?.sqlState == "0A000")
    }
}
