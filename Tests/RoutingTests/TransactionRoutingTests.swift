import Testing
@testable import Routing

/// Transaction control and routing inside transactions.
@Suite struct TransactionRoutingTests {
    @Test func beginOutsideATransactionIsDeferred() {
        #expect(Fixture.route("BEGIN") == .deferred(.transactionStart(isReadOnly: false)))
        #expect(Fixture.route("start transaction isolation level serializable") == .deferred(.transactionStart(isReadOnly: false)))
        #expect(Fixture.route("BEGIN READ ONLY") == .deferred(.transactionStart(isReadOnly: true)))
        #expect(Fixture.route("START TRANSACTION READ ONLY, ISOLATION LEVEL REPEATABLE READ")
            == .deferred(.transactionStart(isReadOnly: true)))
        #expect(Fixture.route("BEGIN READ ONLY READ WRITE") == .deferred(.transactionStart(isReadOnly: false)))
    }

    @Test func firstStatementOfAnUnpinnedTransactionPicksTheShardOnThePrimary() {
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = 42", transaction: .openUnpinned)
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
        #expect(Fixture.route("SAVEPOINT a", transaction: .openUnpinned) == .deferred(.transactionStatement))
        #expect(Fixture.route("SET LOCAL statement_timeout = 5", transaction: .openUnpinned) == .deferred(.transactionStatement))
    }

    @Test func commitOrRollbackOfAnUnpinnedTransactionIsAnsweredLocally() {
        #expect(Fixture.route("COMMIT", transaction: .openUnpinned) == .local(.endUnpinnedTransaction(isCommit: true)))
        #expect(Fixture.route("end", transaction: .openUnpinned) == .local(.endUnpinnedTransaction(isCommit: true)))
        #expect(Fixture.route("ROLLBACK", transaction: .openUnpinned) == .local(.endUnpinnedTransaction(isCommit: false)))
        #expect(Fixture.route("abort work", transaction: .openUnpinned) == .local(.endUnpinnedTransaction(isCommit: false)))
    }

    @Test func pinnedTransactionKeepsItsShard() {
        let pinned = TransactionState.pinned(shard: Fixture.shard(42))
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = 42", transaction: pinned)
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
        #expect(Fixture.route("SELECT 1", transaction: pinned) == .shard(Fixture.shard(42), role: .primary, reason: .transaction))
        #expect(Fixture.route("SELECT * FROM countries", transaction: pinned)
            == .shard(Fixture.shard(42), role: .primary, reason: .transaction))
        #expect(Fixture.route("COMMIT", transaction: pinned) == .shard(Fixture.shard(42), role: .primary, reason: .transaction))
        #expect(Fixture.route("ROLLBACK TO SAVEPOINT a", transaction: pinned)
            == .shard(Fixture.shard(42), role: .primary, reason: .transaction))
        #expect(Fixture.route("RELEASE a", transaction: pinned) == .shard(Fixture.shard(42), role: .primary, reason: .transaction))
        #expect(Fixture.route("BEGIN", transaction: pinned) == .shard(Fixture.shard(42), role: .primary, reason: .transaction))
    }

    @Test func statementForAnotherShardInAPinnedTransactionIsRejected() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        let pinned = TransactionState.pinned(shard: Fixture.shard(42))
        let error = Fixture.rejection(Fixture.route("UPDATE orders SET total = 1 WHERE user_id = \(other)", transaction: pinned))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("transaction is pinned to shard \(Fixture.shard(42))") == true)
        #expect(error?.message.contains(Fixture.shard(other)) == true)
    }

    @Test func allShardsReadInsideATransactionIsRejected() {
        let configuration = Fixture.configuration(noKeyPolicy: .allShards)
        #expect(Fixture.route("SELECT * FROM orders", configuration: configuration) == .allShards(role: .replica, reason: .noKeyPolicy))
        for state in [TransactionState.openUnpinned, .pinned(shard: "beta")] {
            let error = Fixture.rejection(Fixture.route("SELECT * FROM orders", configuration: configuration, transaction: state))
            #expect(error?.sqlState == "0A000")
        }
    }

    @Test func transactionControlOutsideATransactionGoesToTheDefaultShard() {
        #expect(Fixture.route("COMMIT") == .shard("alpha", role: .primary, reason: .noTable))
        #expect(Fixture.route("SET statement_timeout = 0") == .shard("alpha", role: .primary, reason: .noTable))
    }

    @Test func multiStatementTransactionIsRoutedByItsStatements() {
        let sql = "BEGIN; UPDATE orders SET total = 1 WHERE user_id = 42; COMMIT"
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func sqlLevelPrepareAndExecuteAreRejected() {
        #expect(Fixture.rejection(Fixture.route("PREPARE q AS SELECT * FROM orders WHERE user_id = $1"))?.sqlState == "0A000")
        #expect(Fixture.rejection(Fixture.route("EXECUTE q(42)"))?.sqlState == "0A000")
        #expect(Fixture.route("DEALLOCATE ALL") == .shard("alpha", role: .primary, reason: .noTable))
    }
}
