@testable import Multiplexing
import NIOCore
import PGWire
import Routing
import Testing

/// ``ShardRoutingStateMachine`` and transactions: a BEGIN answered by pgring and held until a statement picks
/// the shard, statements for another shard refused by the server, a transaction that never reached a shard.
@Suite struct ShardRoutingTransactionTests {
    static func insert(_ key: Int64) -> String { "INSERT INTO accounts (user_id, balance) VALUES (\(key), 1)" }
    static func select(_ key: Int64) -> String { "SELECT * FROM accounts WHERE user_id = \(key)" }

    @Test(arguments: [("BEGIN", "BEGIN"), ("START TRANSACTION", "START TRANSACTION"), ("BEGIN ISOLATION LEVEL SERIALIZABLE", "BEGIN")])
    func beginIsAnsweredByPgringWithStatusInTransaction(sql: String, tag: String) throws {
        var session = RoutingSession()
        let reply = try #require(session.run([.query(sql)]).reply)
        #expect(reply.ids == "CZ")
        #expect(reply.tags == [tag])
        #expect(reply.statuses == [.inTransaction])
        #expect(session.pending == nil)
    }

    @Test(arguments: ["a", "b"])
    func theHeldBeginGoesSilentlyAheadOfTheStatementThatPicksTheShard(shard: String) {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        let sql = Self.insert(Shards.key(on: shard))
        #expect(session.run([.query(sql)]) == .lease(Target(shard: shard, role: .primary)))
        #expect(session.pendingLines == ["Q \(sql)"])
        let step = session.step(held: .on(shard, .primary))
        #expect(step == .forward(ClientFrame.bytes([.query(sql)]), silentQueries: ["BEGIN"], statusOverride: nil))
        #expect(session.pending == nil)
        let wrote = session.takeLeaseWrote()
        #expect(wrote)
    }

    @Test func aReadStartsTheTransactionOnThePrimaryToo() {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        #expect(session.run([.query(Self.select(Shards.key(on: "b")))]) == .lease(Target(shard: "b", role: .primary)))
    }

    @Test func savepointsAndSetLocalAreHeldWithTheBeginInOrder() throws {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        let savepoint = try #require(session.run([.query("SAVEPOINT s1")]).reply)
        #expect(savepoint.tags == ["SAVEPOINT"])
        #expect(savepoint.statuses == [.inTransaction])
        #expect(session.run([.query("SET LOCAL statement_timeout = '5s'")]).reply?.tags == ["SET"])
        let step = session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("b", .primary))
        #expect(step.silentQueries == ["BEGIN", "SAVEPOINT s1", "SET LOCAL statement_timeout = '5s'"])
    }

    @Test func theHeldBeginWaitsForAHeldServerThatIsStillBusy() {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        #expect(session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("b", .primary, busy: true)) == .wait)
        #expect(session.pending != nil)
    }

    @Test func aStatementForAnotherShardInsideThePinnedTransactionIsRefusedByTheServer() throws {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        _ = session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("b", .primary))
        #expect(session.pending == nil)
        // The server answered BEGIN and INSERT with 'T'.
        let step = session.run([.query(Self.select(Shards.key(on: "a")))], held: .on("b", .primary, status: .inTransaction))
        let lines = try #require(step.forwardedLines)
        #expect(lines.count == 1)
        let sql = try #require(lines.first)
        #expect(sql.hasPrefix("Q DO $pgring$"))
        #expect(sql.contains("ERRCODE = '0A000'"))
        #expect(step.silentQueries == [])
        #expect(session.pending == nil, "the refused statement is consumed")
        // A statement of the transaction's shard goes on.
        let same = session.run([.query(Self.select(Shards.key(on: "b", index: 1)))], held: .on("b", .primary, status: .inTransaction))
        #expect(same.forwardedLines == ["Q \(Self.select(Shards.key(on: "b", index: 1)))"])
    }

    @Test func anExtendedUnitForAnotherShardInsideThePinnedTransactionIsReplacedByTheRefusal() throws {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        _ = session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("b", .primary))
        let step = session.run(
            [.parse("", "SELECT * FROM accounts WHERE user_id = $1"), .bind("", [String(Shards.key(on: "a"))]), .execute, .sync],
            held: .on("b", .primary, status: .inTransaction))
        let lines = try #require(step.forwardedLines)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("Q DO $pgring$") == true)
        #expect(session.pending == nil)
    }

    @Test func theRefusalIsServerSideEvenBeforeTheServerReportedTheTransaction() throws {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        _ = session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("b", .primary))
        // BEGIN and INSERT are not answered yet: the held server still says 'I' and is busy.
        let step = session.run([.query(Self.insert(Shards.key(on: "a")))], held: .on("b", .primary, busy: true))
        let lines = try #require(step.forwardedLines)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("Q DO $pgring$") == true)
    }

    @Test func theServerSideRefusalCarriesTheMessageInBase64() {
        let error = RoutingError(sqlState: "0A000", message: "it's $$ \"odd\"", hint: "don't")
        let sql = ShardRoutingStateMachine.raiseStatement(error)
        #expect(sql.hasPrefix("DO $pgring$BEGIN RAISE EXCEPTION USING ERRCODE = '0A000'"))
        #expect(sql.hasSuffix("END$pgring$"))
        #expect(sql.contains("aXQncyAkJCAib2RkIg=="))  // base64 of the message
        #expect(sql.contains("ZG9uJ3Q="))  // base64 of the hint
        #expect(!sql.contains("odd"))
    }

    @Test func statementsWithoutTableInsideThePinnedTransactionStayOnItsShard() {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        _ = session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("b", .primary))
        let step = session.run([.query("SELECT now()")], held: .on("b", .primary, status: .inTransaction))
        #expect(step.forwardedLines == ["Q SELECT now()"])
        #expect(session.run([.query("COMMIT")], held: .on("b", .primary, status: .inTransaction)).forwardedLines == ["Q COMMIT"])
    }

    @Test func afterTheCommitIsAnsweredTheNextStatementIsRoutedAfresh() {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        _ = session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("b", .primary))
        _ = session.run([.query("COMMIT")], held: .on("b", .primary, status: .inTransaction))
        // COMMIT answered ('I'): a read of shard a waits for the held primary of b to go back to the pool.
        #expect(session.run([.query(Self.select(Shards.key(on: "a")))], held: .on("b", .primary)) == .wait)
        #expect(session.step() == .lease(Target(shard: "a", role: .replica)))
    }

    @Test(arguments: [("COMMIT", "COMMIT"), ("ROLLBACK", "ROLLBACK"), ("END", "COMMIT"), ("ABORT", "ROLLBACK")])
    func endingATransactionThatNeverReachedAShardIsAnsweredByPgring(sql: String, tag: String) throws {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        _ = session.run([.query("SAVEPOINT s1")])
        let reply = try #require(session.run([.query(sql)]).reply)
        #expect(reply.ids == "CZ")
        #expect(reply.tags == [tag])
        #expect(reply.statuses == [.idle])
        // The held statements are gone: the next write runs outside a transaction.
        let step = session.run([.query(Self.insert(Shards.key(on: "a")))], held: .on("a", .primary))
        #expect(step.silentQueries == [])
    }

    @Test func beginReadOnlyRunsTheTransactionOnAReplica() {
        var session = RoutingSession()
        #expect(session.run([.query("BEGIN READ ONLY")]).reply?.statuses == [.inTransaction])
        let sql = Self.select(Shards.key(on: "b"))
        #expect(session.run([.query(sql)]) == .lease(Target(shard: "b", role: .replica)))
        let step = session.step(held: .on("b", .replica))
        #expect(step.silentQueries == ["BEGIN READ ONLY"])
        #expect(step.forwardedLines == ["Q \(sql)"])
    }

    @Test func beginReadOnlyUsesThePrimaryWithoutReplicaReadsOrReplicas() {
        var noReplicaReads = RoutingSession(replicaReads: false)
        _ = noReplicaReads.run([.query("BEGIN READ ONLY")])
        #expect(noReplicaReads.run([.query(Self.select(Shards.key(on: "b")))]) == .lease(Target(shard: "b", role: .primary)))
        var noReplicas = RoutingSession(table: Shards.table(replicas: ["a"]))
        _ = noReplicas.run([.query("BEGIN READ ONLY")])
        #expect(noReplicas.run([.query(Self.select(Shards.key(on: "b")))]) == .lease(Target(shard: "b", role: .primary)))
        var targetPrimary = RoutingSession()
        _ = targetPrimary.run([.query("SET pgring.target = primary")])
        _ = targetPrimary.run([.query("BEGIN READ ONLY")])
        #expect(targetPrimary.run([.query(Self.select(Shards.key(on: "b")))]) == .lease(Target(shard: "b", role: .primary)))
    }

    @Test(arguments: ["ROLLBACK", "COMMIT"])
    func aRefusedStatementFailsTheUnpinnedTransactionUntilItEnds(end: String) throws {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        let refused = try #require(session.run([.query("SELECT * FROM accounts")]).reply)
        #expect(refused.ids == "EZ")
        #expect(refused.errorCodes == ["0A000"])
        #expect(refused.statuses == [.failedTransaction])
        for sql in ["SELECT 1", Self.insert(Shards.key(on: "a"))] {
            let failed = try #require(session.run([.query(sql)]).reply)
            #expect(failed.ids == "EZ")
            #expect(failed.errorCodes == ["25P02"])
            #expect(failed.statuses == [.failedTransaction])
        }
        let extended = try #require(session.run([.parse("", "SELECT 1"), .bind("", []), .execute, .sync]).reply)
        #expect(extended.errorCodes == ["25P02"])
        let ended = try #require(session.run([.query(end)]).reply)
        #expect(ended.ids == "CZ")
        #expect(ended.tags == ["ROLLBACK"])
        #expect(ended.statuses == [.idle])
        #expect(session.run([.query("SELECT 1")]) == .lease(Target(shard: "a", role: .replica)))
    }

    @Test func aUnitWithoutStatementInsideTheUnpinnedTransactionShowsStatusInTransaction() {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")])
        let frames: [ClientFrame] = [.parse("s1", "SELECT * FROM accounts WHERE user_id = $1"), .describeStatement("s1"), .sync]
        #expect(session.run(frames) == .lease(Target(shard: "a", role: .primary)))
        let step = session.step(held: .on("a", .primary))
        #expect(step == .forward(ClientFrame.bytes(frames), silentQueries: [], statusOverride: .inTransaction))
        // The transaction is still unpinned: the next keyed statement carries the BEGIN.
        let next = session.run([.bind("s1", [String(Shards.key(on: "b"))]), .execute, .sync], held: .on("b", .primary))
        #expect(next.silentQueries == ["BEGIN"])
    }

    @Test func beginAndAStatementInOneUnitGoTogetherAndPinTheTransaction() throws {
        var session = RoutingSession()
        let frames: [ClientFrame] = [
            .parse("", "BEGIN"), .bind("", []), .execute,
            .parse("", "UPDATE accounts SET balance = 0 WHERE user_id = $1"), .bind("", [String(Shards.key(on: "b"))]), .execute,
            .sync,
        ]
        #expect(session.run(frames) == .lease(Target(shard: "b", role: .primary)))
        #expect(session.step(held: .on("b", .primary)) == .forward(ClientFrame.bytes(frames), silentQueries: [], statusOverride: nil))
        let wrote = session.takeLeaseWrote()
        #expect(wrote)
        // Not answered yet, but the transaction is on b: a statement for a is refused by b's server.
        let step = session.run([.query(Self.select(Shards.key(on: "a")))], held: .on("b", .primary, busy: true))
        #expect(try #require(step.forwardedLines).first?.hasPrefix("Q DO $pgring$") == true)
    }

    @Test func beginInsideAPinnedTransactionGoesToItsServer() {
        var session = RoutingSession()
        let step = session.run([.query("BEGIN")], held: .on("b", .primary, status: .inTransaction))
        #expect(step.forwardedLines == ["Q BEGIN"])
    }
}
