import Multiplexing
import NIOCore
import PGWire
import Routing
import Testing

/// ``ShardRoutingStateMachine`` while the client holds a server connection: serve the unit on it, wait for it,
/// or refuse the unit when the session is tied to it.
@Suite struct ShardRoutingHeldTests {
    static func select(_ key: Int64) -> String { "SELECT * FROM accounts WHERE user_id = \(key)" }
    static func insert(_ key: Int64) -> String { "INSERT INTO accounts (user_id, balance) VALUES (\(key), 1)" }

    /// (held, SQL for a key of shard, expected step kind: "forward", "wait" or "refuse").
    static let cases: [(Held, String, String, String)] = [
        // A primary serves a replica read of its shard, busy or not.
        (.on("a", .primary), "read", "a", "forward"),
        (.on("a", .primary, busy: true), "read", "a", "forward"),
        (.on("a", .replica, busy: true), "read", "a", "forward"),
        // A replica does not serve a write: it goes back to the pool first.
        (.on("a", .replica), "write", "a", "wait"),
        (.on("a", .replica, busy: true), "write", "a", "wait"),
        // Another shard: wait while it answers, or until it is given back.
        (.on("a", .primary, busy: true), "read", "b", "wait"),
        (.on("a", .primary), "write", "b", "wait"),
        (.on("a", .replica, busy: true, unsynced: true), "write", "b", "wait"),
        // A session tied to its server cannot use another shard.
        (.on("a", .primary, pinned: true), "read", "b", "refuse"),
        (.on("a", .replica, pinned: true), "write", "a", "refuse"),
        (.on("a", .primary, pinned: true), "read", "a", "forward"),
        // ...but while the server answers, the refusal waits its turn.
        (.on("a", .primary, busy: true, pinned: true), "read", "b", "wait"),
    ]

    @Test(arguments: cases)
    func theHeldServerServesWaitsOrRefuses(testCase: (Held, String, String, String)) throws {
        let (held, kind, shard, expected) = testCase
        var session = RoutingSession()
        let key = Shards.key(on: shard)
        let sql = kind == "read" ? Self.select(key) : Self.insert(key)
        let step = session.run([.query(sql)], held: held)
        switch expected {
        case "forward":
            #expect(step == .forward(ClientFrame.bytes([.query(sql)]), silentQueries: [], statusOverride: nil))
            #expect(session.pending == nil)
        case "wait":
            #expect(step == .wait)
            #expect(session.pendingLines == ["Q \(sql)"])
        default:
            let reply = try #require(step.reply)
            #expect(reply.ids == "EZ")
            #expect(reply.errorCodes == ["0A000"])
            #expect(reply.statuses == [.idle])
            #expect(session.pending == nil)
        }
    }

    @Test func aWaitingUnitIsLeasedOnceTheServerIsGivenBack() {
        var session = RoutingSession()
        #expect(session.run([.query(Self.select(Shards.key(on: "b")))], held: .on("a", .primary, busy: true)) == .wait)
        #expect(session.step(held: .on("a", .primary)) == .wait)
        #expect(session.step() == .lease(Target(shard: "b", role: .replica)))
    }

    @Test func aTransactionOfATiedSessionForAnotherShardIsRefusedNotLeftWaiting() throws {
        // LISTEN (or a temporary table...) ties the session to a's primary; it opens a transaction for b.
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")], held: .on("a", .primary, pinned: true))
        let step = session.run([.query(Self.insert(Shards.key(on: "b")))], held: .on("a", .primary, pinned: true))
        // The held server never goes back to the pool, so waiting would hang the client.
        let reply = try #require(step.reply, "got \(step)")
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["0A000"])
        #expect(reply.statuses == [.failedTransaction])
        #expect(session.run([.query("ROLLBACK")], held: .on("a", .primary, pinned: true)).reply?.tags == ["ROLLBACK"])
    }

    @Test func aTiedSessionsTransactionOnItsOwnShardCarriesTheBegin() {
        var session = RoutingSession()
        _ = session.run([.query("BEGIN")], held: .on("a", .primary, pinned: true))
        let step = session.run([.query(Self.insert(Shards.key(on: "a")))], held: .on("a", .primary, pinned: true))
        #expect(step.silentQueries == ["BEGIN"])
    }

    @Test func aCopyMessageGoesToTheHeldServerAndIsIgnoredWithoutOne() {
        var copyData = ByteBuffer()
        copyData.writeInteger(UInt8(ascii: "d"))
        copyData.writeInteger(Int32(4 + 3))
        copyData.writeString("1\t2")
        var session = RoutingSession()
        session.pending = copyData
        #expect(session.step(held: .on("a", .primary, busy: true)) == .forward(copyData, silentQueries: [], statusOverride: nil))
        session.pending = copyData
        #expect(session.step() == .answer(ByteBuffer(), unsentParses: []))
        #expect(session.pending == nil)
    }
}
