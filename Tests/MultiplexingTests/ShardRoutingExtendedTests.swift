import Multiplexing
import NIOCore
import PGWire
import Routing
import Testing

/// ``ShardRoutingStateMachine`` with the extended query protocol: units up to a Sync, routed by the Bind
/// values against the analysis of the statement's Parse.
@Suite struct ShardRoutingExtendedTests {
    static let keyedRead = "SELECT balance FROM accounts WHERE user_id = $1"
    static let keyedWrite = "UPDATE accounts SET balance = $2 WHERE user_id = $1"

    @Test(arguments: ["a", "b"], [[UInt32](), [20]])
    func aUnitIsRoutedByItsBindValue(shard: String, types: [UInt32]) {
        var session = RoutingSession()
        let frames: [ClientFrame] = [
            .parse("", Self.keyedRead, types), .bind("", [String(Shards.key(on: shard))]), .describePortal, .execute, .sync,
        ]
        let bytes = ClientFrame.bytes(frames)
        #expect(session.run(frames) == .lease(Target(shard: shard, role: .replica)))
        #expect(session.pending == bytes)
        #expect(session.step(held: .on(shard, .replica)) == .forward(bytes, silentQueries: [], statusOverride: nil))
        #expect(session.pending == nil)
    }

    @Test(arguments: ["a", "b"])
    func aWriteUnitGoesToThePrimary(shard: String) {
        var session = RoutingSession()
        let step = session.run([.parse("", Self.keyedWrite), .bind("", [String(Shards.key(on: shard)), "5"]), .execute, .sync])
        #expect(step == .lease(Target(shard: shard, role: .primary)))
    }

    @Test func parseDescribeSyncWithoutBindGoesToTheDefaultShardsPrimary() {
        var session = RoutingSession()
        let frames: [ClientFrame] = [.parse("s1", Self.keyedRead), .describeStatement("s1"), .sync]
        #expect(session.run(frames) == .lease(Target(shard: "a", role: .primary)))
        #expect(session.step(held: .on("a", .primary)).forwardedLines == ["P s1 \(Self.keyedRead)", "D S s1", "S"])
        #expect(session.pending == nil)
        #expect(session.takeLeaseWrote() == false)
    }

    @Test(arguments: ["a", "b"])
    func aStatementParsedInOneUnitIsRoutedByItsBindInALaterUnit(shard: String) {
        var session = RoutingSession()
        _ = session.run([.parse("by_user", Self.keyedRead), .describeStatement("by_user"), .sync], held: .on("a", .primary))
        #expect(session.pending == nil)
        let frames: [ClientFrame] = [.bind("by_user", [String(Shards.key(on: shard))]), .execute, .sync]
        #expect(session.run(frames) == .lease(Target(shard: shard, role: .replica)))
        #expect(session.step(held: .on(shard, .replica)).forwardedLines == ["B  by_user", "E", "S"])
    }

    @Test func aStatementParsedInAUnitThatWasNeverSentIsNotKnown() {
        var session = RoutingSession()
        // Leased, but never forwarded: the Parse is not the client's statement yet.
        #expect(session.run([.parse("by_user", Self.keyedRead), .sync]) == .lease(Target(shard: "a", role: .primary)))
        session.pending = nil
        let step = session.run([.bind("by_user", [String(Shards.key(on: "b"))]), .execute, .sync])
        #expect(step == .lease(Target(shard: "a", role: .primary)), "an unknown statement runs anywhere (the server refuses it)")
    }

    @Test func aClosedStatementIsForgotten() {
        var session = RoutingSession()
        _ = session.run([.parse("by_user", Self.keyedRead), .sync], held: .on("a", .primary))
        _ = session.run([.closeStatement("by_user"), .sync], held: .on("a", .primary))
        #expect(session.pending == nil)
        let step = session.run([.bind("by_user", [String(Shards.key(on: "b"))]), .execute, .sync])
        #expect(step == .lease(Target(shard: "a", role: .primary)))
    }

    @Test func anIncompleteUnitWaitsForItsSyncAndConsumesNothing() {
        var session = RoutingSession()
        let key = String(Shards.key(on: "b"))
        session.send([.parse("", Self.keyedRead), .bind("", [key]), .execute])
        let before = session.pending
        #expect(session.step() == .idle)
        #expect(session.step(held: .on("b", .replica)) == .idle)
        #expect(session.pending == before)
        session.send([.sync])
        #expect(session.step() == .lease(Target(shard: "b", role: .replica)))
    }

    @Test func aUnitEndedByFlushIsRoutedWithoutItsSync() {
        var session = RoutingSession()
        let key = String(Shards.key(on: "b"))
        #expect(session.run([.parse("", Self.keyedRead), .bind("", [key]), .describePortal, .flush]) == .lease(Target(shard: "b", role: .replica)))
        #expect(session.step(held: .on("b", .replica)).forwardedLines == ["P  \(Self.keyedRead)", "B  ", "D P ", "H"])
        #expect(session.pending == nil)
    }

    @Test func anOpenPipelineOnTheHeldServerTakesMessagesBeforeTheSync() {
        var session = RoutingSession()
        let key = String(Shards.key(on: "b"))
        let step = session.run([.bind("", [key]), .execute], held: .on("b", .replica, busy: true, unsynced: true))
        #expect(step == .forward(ClientFrame.bytes([.bind("", [key]), .execute]), silentQueries: [], statusOverride: nil))
        #expect(session.pending == nil)
    }

    @Test func aQueryAfterUnsyncedMessagesLetsThemGoFirst() {
        var session = RoutingSession()
        let key = String(Shards.key(on: "b"))
        session.send([.parse("", Self.keyedRead), .bind("", [key]), .execute, .query("SELECT 1")])
        #expect(session.step() == .lease(Target(shard: "b", role: .replica)))
        #expect(session.step(held: .on("b", .replica)).forwardedLines == ["P  \(Self.keyedRead)", "B  ", "E"])
        #expect(session.pendingLines == ["Q SELECT 1"])
    }

    @Test func twoBindsForDifferentShardsBeforeOneSyncAreRefused() throws {
        var session = RoutingSession()
        let step = session.run([
            .parse("", Self.keyedRead),
            .bind("", [String(Shards.key(on: "a"))]), .execute,
            .bind("", [String(Shards.key(on: "b"))]), .execute,
            .sync,
        ])
        let reply = try #require(step.reply)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["0A000"])
        #expect(session.pending == nil)
    }

    @Test func aReadAndAWriteOfOneShardBeforeOneSyncGoToItsPrimary() {
        var session = RoutingSession()
        let key = String(Shards.key(on: "b"))
        let step = session.run([
            .parse("", Self.keyedRead), .bind("", [key]), .execute,
            .parse("", Self.keyedWrite), .bind("", [key, "1"]), .execute,
            .sync,
        ])
        #expect(step == .lease(Target(shard: "b", role: .primary)))
    }

    @Test func aBindValueThatIsNotAnIntegerIsRefused() throws {
        var session = RoutingSession()
        let reply = try #require(session.run([.parse("", Self.keyedRead), .bind("", ["twelve"]), .execute, .sync]).reply)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes.count == 1)
        #expect(reply.statuses == [.idle])
    }
}
