import Multiplexing
import NIOCore
import PGWire
import Routing
import Testing

/// ``ShardRoutingStateMachine`` with simple Queries: where each one runs (shard and role), what pgring
/// answers itself, and how the pending frames are consumed.
@Suite struct ShardRoutingTests {
    @Test func theFixtureHasKeysOnBothShards() {
        #expect(Shards.shard(of: Shards.key(on: "a")) == "a")
        #expect(Shards.shard(of: Shards.key(on: "b")) == "b")
        #expect(Shards.key(on: "a") != Shards.key(on: "a", index: 1))
    }

    @Test(arguments: ["a", "b"])
    func aKeyedReadLeasesTheShardsReplicaThenIsForwardedWhole(shard: String) {
        var session = RoutingSession()
        let sql = "SELECT balance FROM accounts WHERE user_id = \(Shards.key(on: shard))"
        let bytes = ClientFrame.bytes([.query(sql)])
        #expect(session.run([.query(sql)]) == .lease(Target(shard: shard, role: .replica)))
        #expect(session.pending == bytes, "a lease consumes nothing")
        let step = session.step(held: .on(shard, .replica))
        #expect(step == .forward(bytes, silentQueries: [], statusOverride: nil))
        #expect(session.pending == nil)
        #expect(session.step(held: .on(shard, .replica, busy: true)) == .idle)
    }

    /// (SQL with `K` for the key, role needed).
    static let statementRoles: [(String, ShardRole)] = [
        ("SELECT balance FROM accounts WHERE user_id = K", .replica),
        ("SELECT * FROM accounts a JOIN events e ON e.user_id = a.user_id WHERE a.user_id = K", .replica),
        ("INSERT INTO accounts (user_id, balance) VALUES (K, 10)", .primary),
        ("UPDATE accounts SET balance = balance + 1 WHERE user_id = K", .primary),
        ("DELETE FROM events WHERE user_id = K", .primary),
        ("SELECT /* pgring:target=primary */ balance FROM accounts WHERE user_id = K", .primary),
    ]

    @Test(arguments: statementRoles, ["a", "b"])
    func statementsGoToTheirKeysShardWithTheRoleTheyNeed(statement: (String, ShardRole), shard: String) {
        var session = RoutingSession()
        let sql = statement.0.replacingOccurrences(of: "K", with: String(Shards.key(on: shard)))
        #expect(session.run([.query(sql)]) == .lease(Target(shard: shard, role: statement.1)))
    }

    @Test(arguments: ["a", "b"])
    func withoutReplicaReadsEveryReadGoesToThePrimary(shard: String) {
        var session = RoutingSession(replicaReads: false)
        let step = session.run([.query("SELECT * FROM accounts WHERE user_id = \(Shards.key(on: shard))")])
        #expect(step == .lease(Target(shard: shard, role: .primary)))
    }

    @Test(arguments: [("a", ShardRole.replica), ("b", .primary)])
    func aShardWithoutReplicasServesReadsFromItsPrimary(shard: String, role: ShardRole) {
        var session = RoutingSession(table: Shards.table(replicas: ["a"]))
        let step = session.run([.query("SELECT * FROM accounts WHERE user_id = \(Shards.key(on: shard))")])
        #expect(step == .lease(Target(shard: shard, role: role)))
    }

    @Test(arguments: ["SELECT 1", "SELECT now()", "SELECT name FROM countries", "SELECT * FROM unknown_table"])
    func aReadOfNoShardedTableGoesToTheDefaultShard(sql: String) {
        var session = RoutingSession()
        #expect(session.run([.query(sql)]) == .lease(Target(shard: "a", role: .replica)))
        var primaryOnly = RoutingSession(table: Shards.table(replicas: ["b"]))
        #expect(primaryOnly.run([.query(sql)]) == .lease(Target(shard: "a", role: .primary)))
    }

    @Test(arguments: ["SELECT * FROM accounts", "UPDATE accounts SET balance = 0", "DELETE FROM events WHERE kind = 'x'"])
    func aStatementOnAShardedTableWithoutKeyIsRefusedByPgring(sql: String) throws {
        var session = RoutingSession()
        let step = session.run([.query(sql)])
        let reply = try #require(step.reply)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["0A000"])
        #expect(reply.statuses == [.idle])
        #expect(session.pending == nil, "the refused Query is consumed")
    }

    @Test func aMultiRowInsertWithKeysOnTwoShardsIsRefused() throws {
        var session = RoutingSession()
        let sql = "INSERT INTO accounts (user_id, balance) VALUES (\(Shards.key(on: "a")), 1), (\(Shards.key(on: "b")), 2)"
        let reply = try #require(session.run([.query(sql)]).reply)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["0A000"])
        // Two rows on the same shard are fine.
        let sameShard = "INSERT INTO accounts (user_id, balance) VALUES (\(Shards.key(on: "b")), 1), (\(Shards.key(on: "b", index: 1)), 2)"
        #expect(session.run([.query(sameShard)]) == .lease(Target(shard: "b", role: .primary)))
    }

    @Test func onlyTheFirstQueryOfThePendingFramesIsConsumed() {
        var session = RoutingSession()
        let first = "SELECT * FROM accounts WHERE user_id = \(Shards.key(on: "a"))"
        let second = "SELECT * FROM accounts WHERE user_id = \(Shards.key(on: "b"))"
        session.send([.query(first), .query(second)])
        #expect(session.step() == .lease(Target(shard: "a", role: .replica)))
        #expect(session.step(held: .on("a", .replica)).forwardedLines == ["Q \(first)"])
        #expect(session.pendingLines == ["Q \(second)"])
        // The held replica of a is busy answering: the read for b waits.
        #expect(session.step(held: .on("a", .replica, busy: true)) == .wait)
        #expect(session.pendingLines == ["Q \(second)"])
    }

    @Test func nothingPendingIsIdle() {
        var session = RoutingSession()
        #expect(session.step() == .idle)
        session.pending = ByteBuffer()
        #expect(session.step(held: .on("a", .primary)) == .idle)
    }

    // MARK: - Lease wrote

    @Test func takeLeaseWroteIsTrueAfterAWriteAndResetsWhenTaken() {
        var session = RoutingSession()
        let key = Shards.key(on: "b")
        _ = session.run([.query("INSERT INTO accounts (user_id, balance) VALUES (\(key), 1)")], held: .on("b", .primary))
        #expect(session.pending == nil)
        let wrote = session.takeLeaseWrote()
        #expect(wrote)
        #expect(session.takeLeaseWrote() == false)
    }

    @Test func takeLeaseWroteIsFalseAfterOnlyReads() {
        var session = RoutingSession()
        let key = Shards.key(on: "b")
        for _ in 0..<2 {
            let step = session.run([.query("SELECT * FROM accounts WHERE user_id = \(key)")], held: .on("b", .primary))
            #expect(step.forwardedLines != nil)
        }
        #expect(session.takeLeaseWrote() == false)
    }

    @Test func aReadAfterAWriteOnTheSameLeaseStillCountsTheWrite() {
        var session = RoutingSession()
        let key = Shards.key(on: "a")
        _ = session.run([.query("UPDATE accounts SET balance = 0 WHERE user_id = \(key)")], held: .on("a", .primary))
        _ = session.run([.query("SELECT * FROM accounts WHERE user_id = \(key)")], held: .on("a", .primary))
        let wrote = session.takeLeaseWrote()
        #expect(wrote)
    }

    @Test func unitsPgringAnswersOrLeasesForDoNotCountAsWrites() {
        var session = RoutingSession()
        _ = session.run([.query("INSERT INTO accounts (user_id, balance) VALUES (\(Shards.key(on: "a")), 1)")])  // lease only
        session.pending = nil
        _ = session.run([.query("UPDATE accounts SET balance = 0")])  // refused: no key
        #expect(session.takeLeaseWrote() == false)
    }

    // MARK: - Routing reasons (metrics)

    @Test func routedReasonsAreCountedOncePerSentStatementNotPerLook() {
        var session = RoutingSession()
        let key = Shards.key(on: "b")
        // First look: a lease is needed, nothing is sent, nothing is counted.
        session.pending = Wire.frontend([.query("SELECT * FROM accounts WHERE user_id = \(key)")])
        #expect(session.step() == .lease(.init(shard: "b", role: .replica)))
        #expect(session.machine.takeRoutedReasons().isEmpty)
        // Sent on the leased replica: one statement routed by key.
        _ = session.step(held: .on("b", .replica))
        #expect(session.machine.takeRoutedReasons() == [.key])
        _ = session.run([.query("/* pgring:shard=a */ SELECT * FROM accounts")], held: .on("a", .replica))
        _ = session.run([.query("SELECT 1")], held: .on("a", .replica))
        #expect(session.machine.takeRoutedReasons() == [.hint, .noTable])
        #expect(session.machine.takeRoutedReasons().isEmpty)
    }
}
